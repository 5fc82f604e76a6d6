// A circuit breaker (a webhook's, the durable tier's Redis side): after `threshold` consecutive
// failures the guarded call is not made for `cooldown`; then exactly one probe call decides
// whether the circuit closes again.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace agenthost::detail {

// What acquire() granted: no call, a call while the circuit is closed, or the single probe.
enum class BreakerToken { rejected, normal, probe };
// What a record() did to the circuit.
enum class BreakerChange { none, opened, closed };
// For statistics: closed; open (calls rejected); half_open (the cooldown is over, a probe may
// run or runs).
enum class CircuitState { closed, open, half_open };

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(std::uint32_t threshold, std::chrono::milliseconds cooldown) noexcept
      : threshold_(threshold), cooldown_(cooldown) {}

  // Whether the hook may be called now: normal while closed, probe for the single caller after
  // the cooldown, rejected otherwise. Every token but rejected must be handed to one record() or
  // release().
  [[nodiscard]] BreakerToken acquire(Clock::time_point now);
  // While a probe is in flight only the probe's result counts: a normal call that started
  // before the circuit opened must not close it (success) or cut the probe short (failure).
  BreakerChange record(BreakerToken token, bool success, Clock::time_point now);
  // Ends a call without an outcome (the host cancelled it): it counts neither way, and a probe
  // hands its turn to the next caller.
  void release(BreakerToken token) noexcept;
  CircuitState state(Clock::time_point now);

 private:
  const std::uint32_t threshold_;
  const std::chrono::milliseconds cooldown_;
  std::mutex mu_;
  std::uint32_t consecutive_failures_ = 0;
  bool open_ = false;
  bool probing_ = false;
  Clock::time_point open_until_{};
};

}  // namespace agenthost::detail
