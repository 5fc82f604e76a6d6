// The outcome of a hook evaluation: Decision, each hook's HookResult, the combined Verdict, and
// the DecisionRecord handed to a decision log.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

// The numbers match agenthost_decision in the C ABI. `defer`: the hooks abstain and the host
// applies its normal permission flow (Claude Code's permissionDecision "defer"); it is a decision,
// not a failure. Hooks combine as deny > defer > ask > allow.
enum class Decision : int { allow = 0, deny = 1, ask = 2, defer = 3 };

// "allow", "deny", "ask" or "defer".
const char *decision_name(Decision d) noexcept;

// The outcome of one hook of an evaluation.
struct HookResult {
  std::string url;      // without user-info, query or fragment (they may carry credentials)
  int http_status = 0;  // 0 when no response arrived
  std::chrono::microseconds latency{0};
  std::string error;  // error class ("timeout", "blocked_address", ...) or empty on success
  Decision decision = Decision::deny;
  std::string reason;
  // The reply's hookSpecificOutput object as minified JSON (event-specific fields such as
  // watchPaths, worktreePath or updatedToolOutput are read from it), or empty.
  std::string hook_specific_output;
  bool failed() const noexcept { return !error.empty(); }
};

// The combined outcome of an evaluation: deny > defer > ask > allow.
struct Verdict {
  Decision decision = Decision::deny;
  std::string reason;                // the reasons of the deciding hooks, joined by "; "
  std::vector<std::string> reasons;  // one per deciding hook that gave a reason
  bool failed = false;               // any hook failed
  std::string error;                 // error class of the first failed hook, or empty
  std::string updated_input;         // JSON object text from the deciding hook, or empty
  // PermissionRequest: the updatedPermissions array of the deciding hook (JSON), or empty.
  std::string updated_permissions;
  // Claude Code's common reply fields, gathered over every hook that answered:
  bool continue_ = true;    // false when any hook said "continue": false (stop the agent)
  std::string stop_reason;  // the stopReason of the first such hook
  std::vector<std::string> additional_context;  // every hook's additionalContext, in order
  std::string system_message;     // every hook's systemMessage, in order, joined by "\n"
  bool suppress_output = false;   // any hook asked to suppress its output
  bool interrupt = false;         // a PermissionRequest deny asked to interrupt the agent
  std::vector<HookResult> hooks;  // one per hook that matched, in configuration order

  // {"decision","reason","failed","error","updated_input","updated_permissions","continue",
  //  "stop_reason","additional_context","system_message","suppress_output","interrupt",
  //  "hooks":[{"url","status","latency_ms","decision","error","hook_specific_output"}]} as
  // documented for agenthost_verdict_json.
  std::string to_json() const;
};

// One record per evaluation, handed to the decision-log callback.
struct DecisionRecord {
  std::string_view event;       // canonical (PascalCase) event name
  std::string_view session_id;  // empty when the input had none
  std::string_view tool_name;   // empty when the input had none
  const Verdict &verdict;
};

}  // namespace agenthost
