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

// `outcomes` in configuration order; an empty list is "allow: no hook matched".
Verdict combine(std::vector<HookOutcome> outcomes);

}  // namespace agenthost::hooks
