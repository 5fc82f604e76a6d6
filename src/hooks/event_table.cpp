#include "hooks/event_table.hpp"

#include <array>

namespace agenthost::hooks {

namespace {

using K = EventKind;
using D = DecisionShape;

// The events of the Claude Agent SDK's HOOK_EVENTS (sdk.d.ts), with their kind, their decision
// field and the input field their matcher filters (hooks reference, "Matcher patterns"; the SDK's
// <Event>HookInput types name the fields). The event table of docs/hooks.md is this one;
// tests/interop checks that it lists every event the SDK declares and every decision field its
// outputs have.
constexpr std::array<EventInfo, 35> kEvents{{
    {"PreToolUse", K::gate, D::permission_decision, "tool_name"},
    {"PermissionRequest", K::gate, D::permission_request, "tool_name"},
    {"PreSkillShellCommand", K::gate, D::permission_decision, kUndocumented},
    {"UserPromptSubmit", K::blocking, D::none, kNoMatcher},
    {"UserPromptExpansion", K::blocking, D::none, "command_name"},
    {"PreCompact", K::blocking, D::none, "trigger"},
    {"PreModelSwitch", K::blocking, D::permission_decision, "to_model"},
    {"ConfigChange", K::blocking, D::none, "source"},
    {"TaskCreated", K::blocking, D::none, kNoMatcher},
    {"Elicitation", K::blocking, D::elicitation_action, "mcp_server_name"},
    {"ElicitationResult", K::blocking, D::elicitation_action, "mcp_server_name"},
    {"WorktreeCreate", K::blocking, D::none, kNoMatcher},
    {"PostToolUse", K::informational, D::none, "tool_name"},
    {"PostToolUseFailure", K::informational, D::none, "tool_name"},
    {"PostToolBatch", K::informational, D::none, kNoMatcher},
    {"Notification", K::informational, D::none, "notification_type"},
    {"SessionStart", K::informational, D::none, "source"},
    {"SessionEnd", K::informational, D::none, "reason"},
    {"Stop", K::informational, D::none, kNoMatcher},
    {"StopFailure", K::informational, D::none, "error", ExactSet::narrow},
    {"Interrupt", K::informational, D::none, kUndocumented},
    {"SubagentStart", K::informational, D::none, "agent_type"},
    {"SubagentStop", K::informational, D::none, "agent_type"},
    {"PostCompact", K::informational, D::none, "trigger"},
    {"PostModelSwitch", K::informational, D::none, "to_model"},
    {"PermissionDenied", K::informational, D::none, "tool_name"},
    {"Setup", K::informational, D::none, "trigger"},
    {"TeammateIdle", K::informational, D::none, kNoMatcher},
    {"TaskCompleted", K::informational, D::none, kNoMatcher},
    {"WorktreeRemove", K::informational, D::none, kNoMatcher},
    {"InstructionsLoaded", K::informational, D::none, "load_reason"},
    {"CwdChanged", K::informational, D::none, kNoMatcher},
    // Its matcher is a list of file names to watch, compared with the changed file's name.
    {"FileChanged", K::informational, D::none, "file_path", ExactSet::narrow},
    {"DirectoryAdded", K::informational, D::none, "source"},
    {"MessageDisplay", K::informational, D::none, kNoMatcher},
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

DecisionShape decision_shape(std::string_view canonical) noexcept {
  const EventInfo *e = find_event(canonical);
  return e == nullptr ? DecisionShape::none : e->decides;
}

EventTable known_events() noexcept { return {kEvents.data(), kEvents.data() + kEvents.size()}; }

}  // namespace agenthost::hooks
