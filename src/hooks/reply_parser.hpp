// Reading a webhook's 2xx reply body. Accepted shapes:
//   {"decision": "allow"|"deny"|"ask"|"approve"|"block", "reason"?, "modified_input"?}
//   {"hookSpecificOutput": {"permissionDecision": "allow"|"deny"|"ask",
//                           "permissionDecisionReason"?, "updatedInput"?}}
// Decision strings are exact: "ALLOW", "allow " or 1 are invalid replies.
#pragma once

#include <agenthost/hook_policy.hpp>
#include <string>
#include <string_view>

namespace agenthost::hooks {

struct ReplyOutcome {
  bool ok = false;            // false: the reply is invalid and `problem` says why
  bool has_decision = false;  // false with ok: an acknowledgement without a decision
  Decision decision = Decision::deny;
  std::string reason;
  std::string updated_input;  // minified JSON object, or empty
  std::string problem;
};

// `decision_required`: an empty body or an object without a decision is invalid. When not
// required (informational events) both are acknowledgements.
ReplyOutcome parse_reply(std::string_view body, bool decision_required);

}  // namespace agenthost::hooks
