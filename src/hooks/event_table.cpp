#include "hooks/event_table.hpp"

#include <array>

namespace agenthost::hooks {

namespace {

using K = EventKind;

// The events of the Claude Agent SDK's HOOK_EVENTS (sdk.d.ts), with their kind. The event table
// of docs/hooks.md is this one; tests/interop checks that it lists every event the SDK declares.
constexpr std::array<EventInfo, 35> kEvents{{
    {"PreToolUse", K::gate},
    {"PermissionRequest", K::gate},
    {"PreSkillShellCommand", K::gate},
    {"UserPromptSubmit", K::blocking},
    {"UserPromptExpansion", K::blocking},
    {"PreCompact", K::blocking},
    {"PreModelSwitch", K::blocking},
    {"ConfigChange", K::blocking},
    {"TaskCreated", K::blocking},
    {"Elicitation", K::blocking},
    {"ElicitationResult", K::blocking},
    {"WorktreeCreate", K::blocking},
    {"PostToolUse", K::informational},
    {"PostToolUseFailure", K::informational},
    {"PostToolBatch", K::informational},
    {"Notification", K::informational},
    {"SessionStart", K::informational},
    {"SessionEnd", K::informational},
    {"Stop", K::informational},
    {"StopFailure", K::informational},
    {"Interrupt", K::informational},
    {"SubagentStart", K::informational},
    {"SubagentStop", K::informational},
    {"PostCompact", K::informational},
    {"PostModelSwitch", K::informational},
    {"PermissionDenied", K::informational},
    {"Setup", K::informational},
    {"TeammateIdle", K::informational},
    {"TaskCompleted", K::informational},
    {"WorktreeRemove", K::informational},
    {"InstructionsLoaded", K::informational},
    {"CwdChanged", K::informational},
    {"FileChanged", K::informational},
    {"DirectoryAdded", K::informational},
    {"MessageDisplay", K::informational},
}};

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal ignoring case and '_' in `spelled`; `name` is PascalCase without '_'.
bool same_event(std::string_view spelled, std::string_view name) noexcept {
  std::size_t j = 0;
  for (char c : spelled) {
    if (c == '_') continue;
    if (j == name.size() || to_lower(c) != to_lower(name[j])) return false;
    ++j;
  }
  return j == name.size();
}

}  // namespace

std::string canonical_event_name(std::string_view name) {
  bool letters = false;
  for (char c : name) {
    if (c != '_' && !is_alnum(c)) return {};
    letters = letters || c != '_';
  }
  if (!letters) return {};
  for (const auto &e : kEvents) {
    if (same_event(name, e.name)) return std::string(e.name);
  }
  return std::string(name);
}

const EventInfo *find_event(std::string_view canonical) noexcept {
  for (const auto &e : kEvents) {
    if (e.name == canonical) return &e;
  }
  return nullptr;
}

EventKind event_kind(std::string_view canonical) noexcept {
  const EventInfo *e = find_event(canonical);
  return e == nullptr ? EventKind::informational : e->kind;
}

EventTable known_events() noexcept { return {kEvents.data(), kEvents.data() + kEvents.size()}; }

}  // namespace agenthost::hooks
