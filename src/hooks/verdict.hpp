// Combining the outcomes of an evaluation's hooks into one verdict: deny > ask > allow.
#pragma once

#include <agenthost/hook_policy.hpp>
#include <string>
#include <vector>

namespace agenthost::hooks {

struct HookOutcome {
  HookResult result;
  std::string updated_input;  // JSON object text, or empty
};

// deny > ask > allow: the one ranking used to combine hooks and the two shapes of a reply.
inline int decision_rank(Decision d) noexcept {
  return d == Decision::deny ? 2 : d == Decision::ask ? 1 : 0;
}
inline Decision stricter(Decision a, Decision b) noexcept {
  return decision_rank(a) >= decision_rank(b) ? a : b;
}

// `outcomes` in configuration order; an empty list is "allow: no hook matched".
Verdict combine(std::vector<HookOutcome> outcomes);

}  // namespace agenthost::hooks
