#include "hooks/hook_input.hpp"

#include <simdjson.h>

#include <agenthost/error.hpp>

#include "hooks/event_name.hpp"
#include "hooks/json_text.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

[[noreturn]] void reject(const std::string &why) {
  throw Error(Errc::invalid_argument, "hook input: " + why);
}

// One parser per thread: its buffers are reused across evaluations.
dom::parser &thread_parser() {
  thread_local dom::parser parser = [] {
    dom::parser p(kMaxInputBytes);
    if (p.allocate(64 * 1024, kMaxInputDepth) != simdjson::SUCCESS) throw std::bad_alloc();
    return p;
  }();
  return parser;
}

// Reads an optional string field; returns false when absent, throws when not a string.
bool optional_string(dom::object obj, std::string_view key, std::string_view &out) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return false;
  if (v.get_string().get(out) != simdjson::SUCCESS) reject(std::string(key) + " must be a string");
  return true;
}

std::string read_event(dom::object obj) {
  std::string_view name;
  std::string_view alias;
  const bool has_name = optional_string(obj, "hook_event_name", name);
  const bool has_alias = optional_string(obj, "hook_event", alias);
  if (!has_name && !has_alias) reject("hook_event_name (or hook_event) is required");
  std::string event = canonical_event_name(has_name ? name : alias);
  if (has_name && has_alias && canonical_event_name(alias) != event) {
    reject("hook_event_name \"" + std::string(name) + "\" and hook_event \"" + std::string(alias) +
           "\" disagree");
  }
  if (event.empty()) reject("the event name is empty");
  return event;
}

std::string build_body(dom::object obj, const std::string &event, std::size_t size_hint) {
  std::string body;
  body.reserve(size_hint + 2 * event.size() + 48);
  body.push_back('{');
  for (auto field : obj) {
    if (field.key == "hook_event" || field.key == "hook_event_name") continue;
    append_json_string(body, field.key);
    body.push_back(':');
    body += simdjson::minify(field.value);
    body.push_back(',');
  }
  body += "\"hook_event\":";
  append_json_string(body, event);
  body += ",\"hook_event_name\":";
  append_json_string(body, event);
  body.push_back('}');
  return body;
}

}  // namespace

HookInput parse_hook_input(std::string_view json) {
  if (json.size() > kMaxInputBytes) {
    reject(std::to_string(json.size()) + " bytes is over the limit of " +
           std::to_string(kMaxInputBytes));
  }
  dom::element root;
  auto err = thread_parser().parse(json.data(), json.size(), true).get(root);
  if (err == simdjson::DEPTH_ERROR) {
    reject("nested deeper than " + std::to_string(kMaxInputDepth) + " levels");
  }
  if (err) reject(std::string("not valid JSON: ") + simdjson::error_message(err));
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) reject("must be a JSON object");

  HookInput in;
  in.event = read_event(obj);
  std::string_view s;
  if (optional_string(obj, "session_id", s)) in.session_id = std::string(s);
  in.has_tool_name = optional_string(obj, "tool_name", s);
  if (in.has_tool_name) in.tool_name = std::string(s);
  in.body = build_body(obj, in.event, json.size());
  return in;
}

}  // namespace agenthost::hooks
