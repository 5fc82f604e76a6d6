// The session store's counters: calls, failures and a latency histogram per operation, corrupt
// records met, index entries repaired. Lock-free; read by SessionStore::stats().
#pragma once

#include <agenthost/session_store.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>

#include "common/latency_histogram.hpp"

namespace agenthost::detail {

class OperationCounters {
 public:
  void count(std::chrono::nanoseconds elapsed, bool failed) noexcept;
  SessionOperationStats snapshot() const;

 private:
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> errors_{0};
  AtomicLatencyHistogram latency_;
};

struct SessionCounters {
  OperationCounters create, get, update, remove, list, reindex;
  std::atomic<std::uint64_t> corrupt_records{0};
  std::atomic<std::uint64_t> index_repairs{0};

  SessionStoreStats snapshot() const;
};

// Times one call of an operation: counted when it goes out of scope, as failed when an
// exception is leaving the call.
class OperationTimer {
 public:
  explicit OperationTimer(OperationCounters &c) noexcept
      : counters_(c),
        start_(std::chrono::steady_clock::now()),
        exceptions_(std::uncaught_exceptions()) {}
  ~OperationTimer() {
    counters_.count(std::chrono::steady_clock::now() - start_,
                    std::uncaught_exceptions() > exceptions_);
  }
  OperationTimer(const OperationTimer &) = delete;
  OperationTimer &operator=(const OperationTimer &) = delete;

 private:
  OperationCounters &counters_;
  std::chrono::steady_clock::time_point start_;
  int exceptions_;
};

// Index entries the listings on this thread have repaired so far (a listing runs on its caller's
// thread, so the store reads the difference around one call).
std::uint64_t index_repairs_on_this_thread() noexcept;
void count_index_repairs_on_this_thread(std::uint64_t n) noexcept;

// Adds the index entries repaired on this thread during its lifetime (one listing) to the
// store's counter when it goes out of scope, exception or not.
class IndexRepairCounter {
 public:
  explicit IndexRepairCounter(SessionCounters &c) noexcept
      : counters_(c), before_(index_repairs_on_this_thread()) {}
  ~IndexRepairCounter() {
    counters_.index_repairs.fetch_add(index_repairs_on_this_thread() - before_,
                                      std::memory_order_relaxed);
  }
  IndexRepairCounter(const IndexRepairCounter &) = delete;
  IndexRepairCounter &operator=(const IndexRepairCounter &) = delete;

 private:
  SessionCounters &counters_;
  std::uint64_t before_;
};

}  // namespace agenthost::detail
