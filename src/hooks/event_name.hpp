// Event names: configuration and input may spell them PascalCase or snake_case.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

// "pre_tool_use" -> "PreToolUse"; a name without '_' keeps its spelling with the first letter
// upper-cased ("PreToolUse" -> "PreToolUse", "stop" -> "Stop").
std::string canonical_event_name(std::string_view name);

inline bool is_pre_tool_use(std::string_view canonical) noexcept {
  return canonical == "PreToolUse";
}

}  // namespace agenthost::hooks
