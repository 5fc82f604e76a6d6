// Claude Code's settings format for hooks, so that a host can reuse its settings file:
//   {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "http", "url": ...,
//     "headers": ..., "timeout": ..., "allowedEnvVars": [...]}]}]}}
#include <agenthost/error.hpp>
#include <string>

#include "hooks/config/env_interpolation.hpp"
#include "hooks/config/hook_fields.hpp"
#include "hooks/event_table.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

// Hook types Claude Code runs itself; agenthost calls webhooks only.
void require_http(dom::object hook, const std::string &where) {
  dom::element t;
  if (hook["type"].get(t) != simdjson::SUCCESS) reject_config(where + ".type", "is required");
  const std::string_view type = require_config_string(t, where + ".type");
  if (type == "http") return;
  if (type == "command" || type == "prompt" || type == "agent" || type == "mcp_tool") {
    reject_config(where + ".type", "\"" + std::string(type) +
                                       "\" hooks are not run by agenthost (only \"http\" hooks)");
  }
  reject_config(where + ".type", "\"" + std::string(type).substr(0, 64) +
                                     "\" is not a hook type (agenthost runs \"http\" hooks)");
}

// Fields whose behaviour agenthost cannot give: refused rather than silently dropped.
void reject_unsupported(dom::object hook, const std::string &where) {
  if (hook["if"].error() == simdjson::SUCCESS) {
    reject_config(where + ".if", "permission-rule filters are not supported; use the matcher");
  }
  for (const char *key : {"async", "asyncRewake"}) {
    bool on = false;
    if (hook[key].get_bool().get(on) == simdjson::SUCCESS && on) {
      reject_config(where + "." + key, "asynchronous hooks are not supported");
    }
  }
}

HeaderEnv read_allowed_env(dom::object hook, const std::string &where) {
  HeaderEnv env;
  env.interpolate = true;
  dom::element v;
  if (hook["allowedEnvVars"].get(v) != simdjson::SUCCESS) return env;
  dom::array names;
  if (v.get_array().get(names) != simdjson::SUCCESS) {
    reject_config(where + ".allowedEnvVars", "must be an array of variable names");
  }
  for (dom::element n : names) {
    const std::string_view name = require_config_string(n, where + ".allowedEnvVars[]");
    if (!is_env_name(name)) {
      reject_config(where + ".allowedEnvVars",
                    "\"" + std::string(name).substr(0, 64) + "\" is not a variable name");
    }
    env.allowed.emplace_back(name);
  }
  return env;
}

void parse_group(dom::element value, std::string_view event, const std::string &where,
                 EventHooks &out) {
  dom::object group;
  if (value.get_object().get(group) != simdjson::SUCCESS) {
    reject_config(where, "a matcher group must be an object with \"hooks\"");
  }
  std::string_view pattern;
  if (dom::element m; group["matcher"].get(m) == simdjson::SUCCESS && !m.is_null()) {
    pattern = require_config_string(m, where + ".matcher");
  }
  dom::array hooks;
  if (group["hooks"].get_array().get(hooks) != simdjson::SUCCESS) {
    reject_config(where + ".hooks", "is required: an array of hooks");
  }
  std::size_t i = 0;
  for (dom::element h : hooks) {
    HookSpec spec = new_hook_spec(event, where + ".hooks[" + std::to_string(i++) + "]");
    dom::object hook;
    if (h.get_object().get(hook) != simdjson::SUCCESS) {
      reject_config(spec.where, "a hook must be an object");
    }
    require_http(hook, spec.where);
    reject_unsupported(hook, spec.where);
    parse_hook_fields(hook, event, read_allowed_env(hook, spec.where), spec);
    spec.matcher = Matcher::settings(pattern, event, "hooks config: " + where + ".matcher");
    out.hooks.push_back(std::move(spec));
  }
}

}  // namespace

std::vector<EventHooks> parse_settings_hooks(dom::object hooks) {
  std::vector<EventHooks> events;
  for (auto field : hooks) {
    EventHooks ev;
    ev.event = canonical_event_name(field.key);
    if (ev.event.empty()) {
      reject_config("hooks.\"" + std::string(field.key) + "\"",
                    "is not an event name (letters, digits and '_' only)");
    }
    dom::array groups;
    if (field.value.get_array().get(groups) != simdjson::SUCCESS) {
      reject_config(ev.event, "must be an array of matcher groups");
    }
    std::size_t g = 0;
    for (dom::element group : groups) {
      parse_group(group, ev.event, ev.event + "[" + std::to_string(g++) + "]", ev);
    }
    events.push_back(std::move(ev));
  }
  return events;
}

}  // namespace agenthost::hooks
