// The transcript store's counters: calls, failures and a latency histogram per operation,
// entries appended, duplicates skipped, summary conflicts, index repairs. Lock-free.
#pragma once

#include <agenthost/transcript.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>

#include "common/latency_histogram.hpp"

namespace agenthost::detail {

class TranscriptOperationCounters {
 public:
  void count(std::chrono::nanoseconds elapsed, bool failed) noexcept;
  TranscriptOperationStats snapshot() const;

 private:
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> errors_{0};
  AtomicLatencyHistogram latency_;
};

struct TranscriptCounters {
  TranscriptOperationCounters append, load, list, summary, remove;
  std::atomic<std::uint64_t> entries_appended{0};
  std::atomic<std::uint64_t> duplicates_skipped{0};
  std::atomic<std::uint64_t> summary_conflicts{0};
  std::atomic<std::uint64_t> index_repairs{0};

  TranscriptStoreStats snapshot() const;
};

// Times one call: counted when it goes out of scope, as failed when an exception is leaving.
class TranscriptTimer {
 public:
  explicit TranscriptTimer(TranscriptOperationCounters &c) noexcept
      : counters_(c),
        start_(std::chrono::steady_clock::now()),
        exceptions_(std::uncaught_exceptions()) {}
  ~TranscriptTimer() {
    counters_.count(std::chrono::steady_clock::now() - start_,
                    std::uncaught_exceptions() > exceptions_);
  }
  TranscriptTimer(const TranscriptTimer &) = delete;
  TranscriptTimer &operator=(const TranscriptTimer &) = delete;

 private:
  TranscriptOperationCounters &counters_;
  std::chrono::steady_clock::time_point start_;
  int exceptions_;
};

}  // namespace agenthost::detail
