// One hook's counters: its decisions, its failures by error class, how often its circuit opened,
// and a latency histogram of the calls that were made. Lock-free.
#pragma once

#include <agenthost/hook_stats.hpp>
#include <agenthost/verdict.hpp>
#include <array>
#include <atomic>
#include <cstdint>

#include "common/circuit_breaker.hpp"
#include "common/latency_histogram.hpp"

namespace agenthost::hooks {

using detail::BreakerChange;
using detail::BreakerToken;
using detail::CircuitBreaker;
using detail::CircuitState;

class HookCounters {
 public:
  // Counts one hook's outcome in an evaluation.
  void count(const HookResult &r) noexcept;
  // Counts a call that was still in flight when its evaluation was cancelled (failure class
  // "cancelled"; no decision of the hook's own).
  void count_cancelled() noexcept;
  // Counts a change of the hook's circuit and tells the event listener; `where` names the hook.
  void count_change(BreakerChange change, const std::string &where) noexcept;
  // Fills every field of `s` but event, index, url and circuit.
  void snapshot(HookStats &s) const;

 private:
  std::array<std::atomic<std::uint64_t>, 4> decisions_{};  // allow, deny, ask, defer
  std::array<std::atomic<std::uint64_t>, 10> failures_{};  // by kErrorClasses
  std::atomic<std::uint64_t> circuit_opened_{0};
  detail::AtomicLatencyHistogram latency_;
};

}  // namespace agenthost::hooks
