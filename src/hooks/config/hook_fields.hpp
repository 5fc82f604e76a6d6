// The fields of one hook object, shared by agenthost's configuration format and Claude Code's
// settings format.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "hooks/config/hook_config.hpp"

namespace agenthost::hooks {

[[noreturn]] void reject_config(const std::string &where, const std::string &why);

std::string_view require_config_string(simdjson::dom::element value, const std::string &where);

// Environment variables a settings-format hook may interpolate into its header values.
struct HeaderEnv {
  bool interpolate = false;          // false: header values are literal ("$" included)
  std::vector<std::string> allowed;  // names from allowedEnvVars
};

// A spec for a hook of `event` at `where`, with the event's failure rules.
HookSpec new_hook_spec(std::string_view event, std::string where);

// url, timeout / timeout_ms, headers, secret, on_failure / onFailure of `obj` into `spec`.
void parse_hook_fields(simdjson::dom::object obj, std::string_view event, const HeaderEnv &env,
                       HookSpec &spec);

// Claude Code's settings format: {"hooks": {"<Event>": [{"matcher"?, "hooks": [...]}]}}.
std::vector<EventHooks> parse_settings_hooks(simdjson::dom::object hooks);

}  // namespace agenthost::hooks
