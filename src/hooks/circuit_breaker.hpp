// A hook's circuit breaker: after `threshold` consecutive failures the hook is not called for
// `cooldown`; then exactly one probe call decides whether the circuit closes again.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace agenthost::hooks {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(std::uint32_t threshold, std::chrono::milliseconds cooldown) noexcept
      : threshold_(threshold), cooldown_(cooldown) {}

  // True when the hook may be called now (closed, or this caller is the single probe after the
  // cooldown). Every true must be followed by one record().
  bool acquire(Clock::time_point now);
  void record(bool success, Clock::time_point now);

 private:
  const std::uint32_t threshold_;
  const std::chrono::milliseconds cooldown_;
  std::mutex mu_;
  std::uint32_t consecutive_failures_ = 0;
  bool open_ = false;
  bool probing_ = false;
  Clock::time_point open_until_{};
};

}  // namespace agenthost::hooks
