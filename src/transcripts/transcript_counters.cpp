#include "transcripts/transcript_counters.hpp"

namespace agenthost::detail {

void TranscriptOperationCounters::count(std::chrono::nanoseconds elapsed, bool failed) noexcept {
  calls_.fetch_add(1, std::memory_order_relaxed);
  if (failed) errors_.fetch_add(1, std::memory_order_relaxed);
  latency_.observe(elapsed);
}

TranscriptOperationStats TranscriptOperationCounters::snapshot() const {
  TranscriptOperationStats s;
  s.calls = calls_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  s.latency = latency_.snapshot();
  return s;
}

TranscriptStoreStats TranscriptCounters::snapshot() const {
  TranscriptStoreStats s;
  s.append = append.snapshot();
  s.load = load.snapshot();
  s.list = list.snapshot();
  s.summary = summary.snapshot();
  s.remove = remove.snapshot();
  s.entries_appended = entries_appended.load(std::memory_order_relaxed);
  s.duplicates_skipped = duplicates_skipped.load(std::memory_order_relaxed);
  s.summary_conflicts = summary_conflicts.load(std::memory_order_relaxed);
  s.index_repairs = index_repairs.load(std::memory_order_relaxed);
  return s;
}

}  // namespace agenthost::detail
