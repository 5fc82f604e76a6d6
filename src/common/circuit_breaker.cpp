#include "common/circuit_breaker.hpp"

namespace agenthost::detail {

BreakerToken CircuitBreaker::acquire(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return BreakerToken::normal;
  if (probing_ || now < open_until_) return BreakerToken::rejected;
  probing_ = true;
  return BreakerToken::probe;
}

BreakerChange CircuitBreaker::record(BreakerToken token, bool success, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (token == BreakerToken::rejected) return BreakerChange::none;
  if (probing_ && token != BreakerToken::probe) return BreakerChange::none;
  const bool was_open = open_;
  if (success) {
    consecutive_failures_ = 0;
    open_ = false;
    probing_ = false;
    return was_open ? BreakerChange::closed : BreakerChange::none;
  }
  if (consecutive_failures_ < threshold_) ++consecutive_failures_;
  // A failed probe reopens at once; calls that started before the circuit opened count too.
  if (token == BreakerToken::probe || consecutive_failures_ >= threshold_) {
    open_ = true;
    probing_ = false;
    open_until_ = now + cooldown_;
    // A failed probe keeps the circuit open: not a new opening.
    return was_open ? BreakerChange::none : BreakerChange::opened;
  }
  return BreakerChange::none;
}

void CircuitBreaker::release(BreakerToken token) noexcept {
  if (token != BreakerToken::probe) return;
  std::lock_guard<std::mutex> lock(mu_);
  probing_ = false;
}

CircuitState CircuitBreaker::state(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return CircuitState::closed;
  return probing_ || now >= open_until_ ? CircuitState::half_open : CircuitState::open;
}

}  // namespace agenthost::detail
