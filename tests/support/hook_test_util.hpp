// Small helpers shared by the HookPolicy integration tests.
#pragma once

#include <agenthost/hook_policy.hpp>
#include <chrono>
#include <future>
#include <string>

namespace agenthost::test {

// A Claude Code hook input for `event` and `tool`.
inline std::string hook_input(const std::string &event, const std::string &tool = "Bash") {
  return R"({"hook_event_name":")" + event + R"(","session_id":"s-1","tool_name":")" + tool +
         R"(","tool_input":{"command":"rm -rf /tmp/x"},"tool_use_id":"tu-1"})";
}

// {"url": url, "timeout_ms": ms} plus `extra` fields (a JSON fragment starting with ',').
inline std::string hook(const std::string &url, int timeout_ms = 2000,
                        const std::string &extra = "") {
  return R"({"url":")" + url + R"(","timeout_ms":)" + std::to_string(timeout_ms) + extra + "}";
}

inline HookPolicyOptions private_ok() {
  HookPolicyOptions o;
  o.allow_private_networks = true;
  return o;
}

// The two ways to evaluate: the failure matrix runs against both.
enum class Mode { sync, async };
constexpr Mode kModes[] = {Mode::sync, Mode::async};
inline const char *mode_name(Mode m) { return m == Mode::sync ? "evaluate" : "evaluate_async"; }

// evaluate(), or evaluate_async() waited for.
inline Verdict evaluate_in(Mode mode, const HookPolicy &policy, const std::string &input) {
  if (mode == Mode::sync) return policy.evaluate(input);
  auto promise = std::make_shared<std::promise<Verdict>>();
  auto future = promise->get_future();
  policy.evaluate_async(input, [promise](Verdict &&v) { promise->set_value(std::move(v)); });
  return future.get();
}

template <typename F>
std::chrono::milliseconds time_of(F &&f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace agenthost::test
