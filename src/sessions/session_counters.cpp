#include "sessions/session_counters.hpp"

namespace agenthost::detail {

namespace {
thread_local std::uint64_t thread_index_repairs = 0;
}  // namespace

void OperationCounters::count(std::chrono::nanoseconds elapsed, bool failed) noexcept {
  calls_.fetch_add(1, std::memory_order_relaxed);
  if (failed) errors_.fetch_add(1, std::memory_order_relaxed);
  latency_.observe(elapsed);
}

SessionOperationStats OperationCounters::snapshot() const {
  SessionOperationStats s;
  s.calls = calls_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  s.latency = latency_.snapshot();
  return s;
}

SessionStoreStats SessionCounters::snapshot() const {
  SessionStoreStats s;
  s.create = create.snapshot();
  s.get = get.snapshot();
  s.update = update.snapshot();
  s.remove = remove.snapshot();
  s.list = list.snapshot();
  s.reindex = reindex.snapshot();
  s.corrupt_records = corrupt_records.load(std::memory_order_relaxed);
  s.index_repairs = index_repairs.load(std::memory_order_relaxed);
  return s;
}

std::uint64_t index_repairs_on_this_thread() noexcept { return thread_index_repairs; }

void count_index_repairs_on_this_thread(std::uint64_t n) noexcept { thread_index_repairs += n; }

}  // namespace agenthost::detail
