// Reading a webhook's 2xx reply body, every shape of Claude Code's hook output (the Agent SDK's
// SyncHookJSONOutput) and the Python service's:
//   {"decision": "allow"|"deny"|"ask"|"approve"|"block", "reason"?, "modified_input"?,
//    "continue"?, "stopReason"?, "suppressOutput"?, "systemMessage"?,
//    "hookSpecificOutput"?: {"hookEventName"?, "permissionDecision"?: "allow"|"deny"|"ask"|"defer",
//                            "permissionDecisionReason"?, "updatedInput"?, "additionalContext"?,
//                            "decision"?: {"behavior": "allow"|"deny", "updatedInput"?,
//                                          "updatedPermissions"?, "message"?, "interrupt"?},
//                            "action"?: "accept"|"decline"|"cancel", ...}}
// Each decision field of hookSpecificOutput counts only for the events whose shape defines it
// (event_table's DecisionShape): permissionDecision for PreToolUse, PreModelSwitch and
// PreSkillShellCommand, decision.behavior for PermissionRequest, action for Elicitation and
// ElicitationResult. For any other event it is kept verbatim and decides nothing. The top-level
// "decision" (the Python service's shape) counts for every event.
// Decision strings are exact: "ALLOW", "allow " or 1 are invalid replies; so is a known field
// of the wrong type, a duplicated key, or a hookSpecificOutput for another event. Unknown fields
// are ignored. When a reply decides in more than one place, the strictest decision holds.
#pragma once

#include <agenthost/verdict.hpp>
#include <string>
#include <string_view>

#include "hooks/reply/verdict.hpp"

namespace agenthost::hooks {

// How a reply is read for one hook of one event.
struct ReplyRules {
  std::string_view event;  // canonical event name; hookSpecificOutput.hookEventName must match
  // An empty body or an object without a decision is invalid (gate events, and hooks configured
  // to fail closed on an informational event). Otherwise both are acknowledgements.
  bool decision_required = true;
  // "continue": false makes the decision deny (events that can block).
  bool can_block = true;
};

struct ReplyOutcome {
  bool ok = false;            // false: the reply is invalid and `problem` says why
  bool has_decision = false;  // false with ok: an acknowledgement without a decision
  Decision decision = Decision::deny;
  std::string reason;
  ReplyExtras extras;
  std::string hook_specific_output;  // minified hookSpecificOutput object, or empty
  std::string problem;
};

ReplyOutcome parse_reply(std::string_view body, const ReplyRules &rules);

}  // namespace agenthost::hooks
