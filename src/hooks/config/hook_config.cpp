#include "hooks/config/hook_config.hpp"

#include <simdjson.h>

#include <agenthost/error.hpp>

#include "common/json_duplicates.hpp"
#include "hooks/config/hook_fields.hpp"
#include "hooks/event_table.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

HookSpec parse_hook(dom::element value, std::string_view event, std::size_t index) {
  HookSpec spec = new_hook_spec(event, std::string(event) + "[" + std::to_string(index) + "]");
  const std::string &w = spec.where;
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS)
    reject_config(w, "a hook must be an object");
  parse_hook_fields(obj, event, HeaderEnv{}, spec);
  if (dom::element m; obj["matcher"].get(m) == simdjson::SUCCESS && !m.is_null()) {
    spec.matcher =
        Matcher(require_config_string(m, w + ".matcher"), "hooks config: " + w + ".matcher");
  }
  return spec;
}

EventHooks parse_event(std::string_view key, dom::element value) {
  EventHooks ev;
  ev.event = canonical_event_name(key);
  if (ev.event.empty()) {
    reject_config("\"" + std::string(key) + "\"",
                  "is not an event name (letters, digits and '_' only)");
  }
  dom::array arr;
  if (value.get_array().get(arr) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (dom::element hook : arr) ev.hooks.push_back(parse_hook(hook, ev.event, i++));
  } else {
    ev.hooks.push_back(parse_hook(value, ev.event, 0));
  }
  return ev;
}

// In a settings file, an event's hooks belong in "hooks": an event key beside it (a host's own
// configuration merged with a user's settings, say) would otherwise be ignored, and a gate event
// whose hooks were dropped allows everything.
void reject_events_beside_hooks(dom::object obj) {
  for (auto field : obj) {
    if (field.key == "hooks") continue;
    const std::string event = canonical_event_name(field.key);
    if (!event.empty() && find_event(event) != nullptr) {
      reject_config(event,
                    "an event beside \"hooks\": in a Claude Code settings file every "
                    "event goes inside \"hooks\", and agenthost's own format has no "
                    "\"hooks\" key");
    }
  }
}

void reject_twice(const std::vector<EventHooks> &events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (events[j].event == events[i].event) {
        reject_config(events[i].event,
                      "the event is configured twice (spellings that differ only in case or '_')");
      }
    }
  }
}

}  // namespace

std::vector<EventHooks> parse_hook_config(std::string_view json) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(simdjson::padded_string(json)).get(root); err) {
    throw Error(Errc::invalid_argument,
                std::string("hooks config: not valid JSON: ") + simdjson::error_message(err));
  }
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    throw Error(Errc::invalid_argument,
                "hooks config: must be a JSON object of event names to hooks");
  }
  detail::require_unique_keys(root, "hooks config");
  std::vector<EventHooks> events;
  // A Claude Code settings file: its "hooks" object (the file's other keys are not ours).
  if (dom::object settings; obj["hooks"].get_object().get(settings) == simdjson::SUCCESS) {
    reject_events_beside_hooks(obj);
    events = parse_settings_hooks(settings);
  } else {
    for (auto field : obj) events.push_back(parse_event(field.key, field.value));
  }
  reject_twice(events);
  return events;
}

}  // namespace agenthost::hooks
