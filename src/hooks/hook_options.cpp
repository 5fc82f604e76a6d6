#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>
#include <string>

namespace agenthost {

void HookPolicyOptions::validate() const {
  constexpr std::uint32_t kMaxBody = 64u * 1024 * 1024;
  if (max_response_bytes < 1 || max_response_bytes > kMaxBody) {
    throw Error(Errc::invalid_argument,
                "hook options: max_response_bytes=" + std::to_string(max_response_bytes) +
                    " is out of range 1..67108864");
  }
  if (failure_threshold < 1 || failure_threshold > 1'000'000) {
    throw Error(Errc::invalid_argument,
                "hook options: failure_threshold=" + std::to_string(failure_threshold) +
                    " is out of range 1..1000000");
  }
  if (cooldown.count() < 1 || cooldown.count() > 86'400'000) {
    throw Error(Errc::invalid_argument,
                "hook options: cooldown_ms=" + std::to_string(cooldown.count()) +
                    " is out of range 1..86400000");
  }
}

}  // namespace agenthost
