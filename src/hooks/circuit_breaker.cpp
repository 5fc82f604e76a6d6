#include "hooks/circuit_breaker.hpp"

namespace agenthost::hooks {

BreakerToken CircuitBreaker::acquire(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return BreakerToken::normal;
  if (probing_ || now < open_until_) return BreakerToken::rejected;
  probing_ = true;
  return BreakerToken::probe;
}

void CircuitBreaker::record(BreakerToken token, bool success, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (token == BreakerToken::rejected) return;
  if (probing_ && token != BreakerToken::probe) return;
  if (success) {
    consecutive_failures_ = 0;
    open_ = false;
    probing_ = false;
    return;
  }
  if (consecutive_failures_ < threshold_) ++consecutive_failures_;
  // A failed probe reopens at once; calls that started before the circuit opened count too.
  if (token == BreakerToken::probe || consecutive_failures_ >= threshold_) {
    open_ = true;
    probing_ = false;
    open_until_ = now + cooldown_;
  }
}

void CircuitBreaker::release(BreakerToken token) noexcept {
  if (token != BreakerToken::probe) return;
  std::lock_guard<std::mutex> lock(mu_);
  probing_ = false;
}

}  // namespace agenthost::hooks
