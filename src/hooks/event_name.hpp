// Event names: configuration and input may spell them in any case, with or without '_'.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

// Case and '_' are ignored so that configuration and input always agree: "pre_tool_use",
// "PRE_TOOL_USE" and "pretooluse" are all "PreToolUse". Known events get their PascalCase
// spelling; other names become lower case without '_'. Returns "" for a name that is empty or has
// anything but ASCII letters, digits and '_' (callers reject it: a lookalike must never silently
// miss its hooks and be allowed).
std::string canonical_event_name(std::string_view name);

inline bool is_pre_tool_use(std::string_view canonical) noexcept {
  return canonical == "PreToolUse";
}

}  // namespace agenthost::hooks
