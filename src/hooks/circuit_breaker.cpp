#include "hooks/circuit_breaker.hpp"

namespace agenthost::hooks {

bool CircuitBreaker::acquire(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return true;
  if (probing_ || now < open_until_) return false;
  probing_ = true;
  return true;
}

void CircuitBreaker::record(bool success, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (success) {
    consecutive_failures_ = 0;
    open_ = false;
    probing_ = false;
    return;
  }
  if (consecutive_failures_ < threshold_) ++consecutive_failures_;
  // A failed probe reopens at once; calls that started before the circuit opened count too.
  if (probing_ || consecutive_failures_ >= threshold_) {
    open_ = true;
    probing_ = false;
    open_until_ = now + cooldown_;
  }
}

}  // namespace agenthost::hooks
