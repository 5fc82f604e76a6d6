#include "hooks/event_name.hpp"

#include <array>

namespace agenthost::hooks {

namespace {

// Known events: their key (lower case, no '_') and the spelling used in requests and stats.
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kKnownEvents{{
    {"pretooluse", "PreToolUse"},
    {"posttooluse", "PostToolUse"},
    {"posttoolusefailure", "PostToolUseFailure"},
    {"notification", "Notification"},
    {"userpromptsubmit", "UserPromptSubmit"},
    {"sessionstart", "SessionStart"},
    {"sessionend", "SessionEnd"},
    {"stop", "Stop"},
    {"subagentstop", "SubagentStop"},
    {"precompact", "PreCompact"},
    {"permissionrequest", "PermissionRequest"},
}};

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string canonical_event_name(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char c : name) {
    if (c == '_') continue;
    if (!is_alnum(c)) return {};
    key.push_back(to_lower(c));
  }
  for (const auto &known : kKnownEvents) {
    if (known.first == key) return std::string(known.second);
  }
  return key;
}

}  // namespace agenthost::hooks
