#include "hooks/hook_input.hpp"

#include <simdjson.h>

#include <agenthost/error.hpp>

#include "common/json_duplicates.hpp"
#include "common/json_string.hpp"
#include "hooks/event_table.hpp"
#include "hooks/json_dom.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

[[noreturn]] void reject(const std::string &why) {
  throw Error(Errc::invalid_argument, "hook input: " + why);
}

// Reads an optional string field; returns false when absent, throws when not a string.
bool optional_string(dom::object obj, std::string_view key, std::string_view &out) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return false;
  if (v.get_string().get(out) != simdjson::SUCCESS) reject(std::string(key) + " must be a string");
  return true;
}

struct EventNames {
  std::string_view name;   // hook_event_name as given
  std::string_view alias;  // hook_event as given
  bool has_name = false;
  bool has_alias = false;
  std::string canonical;
};

EventNames read_event(dom::object obj) {
  EventNames n;
  n.has_name = optional_string(obj, "hook_event_name", n.name);
  n.has_alias = optional_string(obj, "hook_event", n.alias);
  if (!n.has_name && !n.has_alias) reject("hook_event_name (or hook_event) is required");
  n.canonical = canonical_event_name(n.has_name ? n.name : n.alias);
  if (n.canonical.empty()) {
    reject("the event name must be non-empty letters, digits and '_'");
  }
  if (n.has_name && n.has_alias && canonical_event_name(n.alias) != n.canonical) {
    reject("hook_event_name \"" + std::string(n.name) + "\" and hook_event \"" +
           std::string(n.alias) + "\" disagree");
  }
  return n;
}

// With a duplicated key, the policy (first value) and the webhook (often the last value) could
// read different events or tools; nested too (tool_input), so no part of the input the webhook
// judges can read two ways.
void reject_duplicate_keys(dom::element root) {
  if (auto dup = detail::duplicate_key_path(root)) reject("the key \"" + *dup + "\" appears twice");
}

void append_event_field(std::string &body, const char *key, const std::string &event) {
  body += key;
  detail::append_json_string_lossy(body, event);
}

// The input object plus hook_event and hook_event_name, both canonical. When the names it has
// are canonical already, the input text is kept and only the missing names are appended, which
// spares re-serialising tool_input; otherwise the object is rebuilt.
std::string build_body(std::string_view json, dom::object obj, const EventNames &n) {
  const std::string &event = n.canonical;
  std::string body;
  body.reserve(json.size() + 2 * event.size() + 48);
  if ((!n.has_name || n.name == event) && (!n.has_alias || n.alias == event)) {
    body.append(json.substr(0, json.find_last_of('}')));  // the object has a key: ',' is valid
    if (!n.has_alias) append_event_field(body, ",\"hook_event\":", event);
    if (!n.has_name) append_event_field(body, ",\"hook_event_name\":", event);
    body.push_back('}');
    return body;
  }
  body.push_back('{');
  for (auto field : obj) {
    if (field.key == "hook_event" || field.key == "hook_event_name") continue;
    detail::append_json_string_lossy(body, field.key);
    body.push_back(':');
    body += simdjson::minify(field.value);
    body.push_back(',');
  }
  append_event_field(body, "\"hook_event\":", event);
  append_event_field(body, ",\"hook_event_name\":", event);
  body.push_back('}');
  return body;
}

// The value the event's matchers are compared with.
void read_match_value(dom::object obj, HookInput &in) {
  const EventInfo *info = find_event(in.event);
  std::string_view field = info == nullptr ? kUndocumented : info->matcher_field;
  if (field == kNoMatcher) return;
  if (field == kUndocumented) field = "tool_name";
  std::string_view s;
  in.has_match_value = optional_string(obj, field, s);
  if (in.has_match_value) in.match_value = std::string(s);
}

}  // namespace

HookInput parse_hook_input(std::string_view json) {
  if (json.size() > kMaxInputBytes) {
    reject(std::to_string(json.size()) + " bytes is over the limit of " +
           std::to_string(kMaxInputBytes));
  }
  dom::element root;
  auto err = thread_dom_parser().parse(json.data(), json.size(), true).get(root);
  if (err == simdjson::DEPTH_ERROR) {
    reject("nested deeper than " + std::to_string(kMaxInputDepth) + " levels");
  }
  if (err) reject(std::string("not valid JSON: ") + simdjson::error_message(err));
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) reject("must be a JSON object");

  reject_duplicate_keys(root);
  const EventNames names = read_event(obj);
  HookInput in;
  in.event = names.canonical;
  std::string_view s;
  if (optional_string(obj, "session_id", s)) in.session_id = std::string(s);
  in.has_tool_name = optional_string(obj, "tool_name", s);
  if (in.has_tool_name) in.tool_name = std::string(s);
  read_match_value(obj, in);
  in.body = build_body(json, obj, names);
  return in;
}

}  // namespace agenthost::hooks
