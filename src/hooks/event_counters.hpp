// Per-event verdict counters, updated lock-free by evaluating threads and readable at any time.
#pragma once

#include <agenthost/hook_stats.hpp>
#include <agenthost/verdict.hpp>
#include <atomic>
#include <cstdint>

namespace agenthost::hooks {

class AtomicEventCounters {
 public:
  void count(const Verdict &v) noexcept;
  EventCounters snapshot() const noexcept;

 private:
  std::atomic<std::uint64_t> allow_{0};
  std::atomic<std::uint64_t> deny_{0};
  std::atomic<std::uint64_t> ask_{0};
  std::atomic<std::uint64_t> defer_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> circuit_open_{0};
};

}  // namespace agenthost::hooks
