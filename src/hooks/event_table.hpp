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

struct EventInfo {
  std::string_view name;  // PascalCase, as Claude Code spells it
  EventKind kind;
};

// Known events get their PascalCase spelling ("pre_tool_use", "PRETOOLUSE" -> "PreToolUse");
// any other name is returned unchanged. Returns "" for a name that is empty or has anything but
// ASCII letters, digits and '_' (callers reject it).
std::string canonical_event_name(std::string_view name);

// The known event of a canonical name, or nullptr.
const EventInfo *find_event(std::string_view canonical) noexcept;

// The kind of a canonical name; events agenthost does not know are informational.
EventKind event_kind(std::string_view canonical) noexcept;

// Every known event, for documentation and tests.
struct EventTable {
  const EventInfo *begin;
  const EventInfo *end;
};
EventTable known_events() noexcept;

}  // namespace agenthost::hooks
