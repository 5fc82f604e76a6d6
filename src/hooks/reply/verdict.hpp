// Combining the outcomes of an evaluation's hooks into one verdict: deny > defer > ask > allow.
#pragma once

#include <agenthost/verdict.hpp>
#include <string>
#include <vector>

namespace agenthost::hooks {

// What one hook's reply said beside its decision (Claude Code's common output fields).
struct ReplyExtras {
  std::string updated_input;        // JSON object text, or empty
  std::string updated_permissions;  // JSON array text, or empty
  bool continue_ = true;
  std::string stop_reason;
  std::string additional_context;
  std::string system_message;
  bool suppress_output = false;
  bool interrupt = false;
};

struct HookOutcome {
  HookResult result;
  ReplyExtras extras;
};

// deny > defer > ask > allow, Claude Code's documented precedence for hooks that disagree: the one
// ranking used to combine hooks and the shapes of one reply.
inline int decision_rank(Decision d) noexcept {
  switch (d) {
    case Decision::deny:
      return 3;
    case Decision::defer:
      return 2;
    case Decision::ask:
      return 1;
    case Decision::allow:
      break;
  }
  return 0;
}
inline Decision stricter(Decision a, Decision b) noexcept {
  return decision_rank(a) >= decision_rank(b) ? a : b;
}

// `outcomes` in configuration order; an empty list is "allow: no hook matched".
Verdict combine(std::vector<HookOutcome> outcomes);

}  // namespace agenthost::hooks
