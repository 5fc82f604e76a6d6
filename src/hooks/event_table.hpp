// The events agenthost knows, and for each whether it can block: the one table that decides
// which events fail closed. Configuration and input may spell a known event in any case, with or
// without '_'; any other name is passed on exactly as spelled.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

enum class EventKind {
  // Guards an action that must not happen unless a hook allows it (a tool call, a permission, a
  // shell command): failures always deny, on_failure "allow" is refused, a reply must decide.
  gate,
  // Can block what it announces (a prompt, a compaction, a model switch): failures deny by
  // default (on_failure "allow" may be configured); a reply without a decision does not block.
  blocking,
  // Observes, or its block cannot be the safe side (Stop: blocking it keeps the agent running):
  // failures allow by default.
  informational,
};

// The hookSpecificOutput field that decides for an event (Claude Code's hooks reference, "Decision
// control", and the SDK's <Event>HookSpecificOutput types). Any other event's decision field in a
// reply is kept verbatim and decides nothing: a reply shaped for one event never decides another.
enum class DecisionShape {
  none,
  permission_decision,  // permissionDecision (+ permissionDecisionReason, updatedInput)
  permission_request,   // decision: {"behavior": "allow"|"deny", ...}
  elicitation_action,   // action: "accept"|"decline"|"cancel"
};

// How a Claude Code settings matcher reads its exact-name form (hooks reference, "Matcher
// patterns"): letters, digits, '_', '-', spaces, ',' and '|', alternatives split on '|' or ','; or,
// for FileChanged and StopFailure, letters, digits, '_' and '|' only, split on '|'.
enum class ExactSet { standard, narrow };

// The input field a matcher filters. kNoMatcher: the event takes no matcher (Claude Code ignores
// one: the hook always runs). kUndocumented: the reference does not say which field.
inline constexpr std::string_view kNoMatcher = "";
inline constexpr std::string_view kUndocumented = "?";

struct EventInfo {
  std::string_view name;  // PascalCase, as Claude Code spells it
  EventKind kind;
  DecisionShape decides;
  std::string_view matcher_field;
  ExactSet exact_set = ExactSet::standard;
};

// Known events get their PascalCase spelling ("pre_tool_use", "PRETOOLUSE" -> "PreToolUse");
// any other name is returned unchanged. Returns "" for a name that is empty or has anything but
// ASCII letters, digits and '_' (callers reject it).
std::string canonical_event_name(std::string_view name);

// The known event of a canonical name, or nullptr.
const EventInfo *find_event(std::string_view canonical) noexcept;

// The kind of a canonical name; events agenthost does not know are informational.
EventKind event_kind(std::string_view canonical) noexcept;

// The decision field of a canonical name; events agenthost does not know have none.
DecisionShape decision_shape(std::string_view canonical) noexcept;

// Every known event, for documentation and tests.
struct EventTable {
  const EventInfo *begin;
  const EventInfo *end;
};
EventTable known_events() noexcept;

}  // namespace agenthost::hooks
