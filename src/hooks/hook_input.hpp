// The Claude Code hook input object, checked and turned into the webhook request body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agenthost::hooks {

inline constexpr std::size_t kMaxInputBytes = std::size_t{8} * 1024 * 1024;
inline constexpr std::size_t kMaxInputDepth = 64;

struct HookInput {
  std::string event;       // canonical name from hook_event_name or hook_event
  std::string session_id;  // empty when absent
  std::string tool_name;   // empty when absent
  bool has_tool_name = false;
  // The field the event's matchers filter (event_table's matcher_field; tool_name for events whose
  // field is undocumented or unknown). Absent, or an event without matchers: every hook runs.
  std::string match_value;
  bool has_match_value = false;
  std::string body;  // the input object plus hook_event and hook_event_name (both canonical)
};

// Throws Error(invalid_argument) for input that is larger than kMaxInputBytes, nested deeper
// than kMaxInputDepth, not a JSON object, without a string event name, with two different event
// names, or with a non-string session_id, tool_name or field the event's matchers filter.
HookInput parse_hook_input(std::string_view json);

}  // namespace agenthost::hooks
