#include "hooks/hook_config.hpp"

#include <simdjson.h>

#include <agenthost/error.hpp>
#include <cmath>

#include "hooks/event_name.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

constexpr std::int64_t kMaxTimeoutMs = 300'000;

[[noreturn]] void reject(const std::string &where, const std::string &why) {
  throw Error(Errc::invalid_argument, "hooks config: " + where + ": " + why);
}

std::string_view require_string(dom::element value, const std::string &where) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) reject(where, "must be a string");
  return s;
}

std::chrono::milliseconds parse_timeout_seconds(dom::element value, const std::string &where) {
  double seconds = 0;
  if (value.get_double().get(seconds) != simdjson::SUCCESS) {
    reject(where, "must be a number of seconds");
  }
  if (!(seconds >= 1 && seconds <= 300)) {
    reject(where, simdjson::to_string(value) + " is out of range 1..300 seconds");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

std::chrono::milliseconds parse_timeout_ms(dom::element value, const std::string &where) {
  std::int64_t ms = 0;
  if (value.get_int64().get(ms) != simdjson::SUCCESS) {
    reject(where, "must be a whole number of milliseconds");
  }
  if (ms < 1 || ms > kMaxTimeoutMs) {
    reject(where, std::to_string(ms) + " is out of range 1..300000 milliseconds");
  }
  return std::chrono::milliseconds(ms);
}

bool is_header_token(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == ':' || c == '(' || c == ')' || c == '"' || c == ',' ||
        c == ';' || c == '/' || c == '[' || c == ']' || c == '{' || c == '}' || c == '=' ||
        c == '\\' || c == '<' || c == '>' || c == '?' || c == '@') {
      return false;
    }
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Headers the transport sets itself: a configured copy would send two, or a forged signature.
bool is_protocol_header(std::string_view name) noexcept {
  for (std::string_view reserved :
       {"Content-Type", "Content-Length", "Host", "Expect", "Transfer-Encoding", "Connection",
        "webhook-id", "webhook-timestamp", "webhook-signature"}) {
    if (iequals(name, reserved)) return true;
  }
  return false;
}

// Header values are never echoed: they usually carry credentials.
std::vector<std::string> parse_headers(dom::element value, const std::string &where) {
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    reject(where, "must be an object of header names to string values");
  }
  std::vector<std::string> lines;
  for (auto field : obj) {
    const std::string_view name = field.key;
    if (!is_header_token(name)) {
      reject(where, "\"" + std::string(name) + "\" is not a valid header name");
    }
    if (is_protocol_header(name)) {
      reject(where + "." + std::string(name), "is set by the webhook transport, not configurable");
    }
    std::string_view v;
    if (field.value.get_string().get(v) != simdjson::SUCCESS) {
      reject(where + "." + std::string(name), "must be a string");
    }
    if (v.empty()) reject(where + "." + std::string(name), "the value is empty");
    if (v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      reject(where + "." + std::string(name), "the value contains CR, LF or NUL");
    }
    lines.push_back(std::string(name) + ": " + std::string(v));
  }
  return lines;
}

Decision parse_on_failure(dom::element value, const std::string &where, std::string_view event) {
  const std::string_view s = require_string(value, where);
  if (s == "deny") return Decision::deny;
  if (s != "allow") reject(where, "\"" + std::string(s) + "\" is not \"deny\" or \"allow\"");
  if (is_pre_tool_use(event)) {
    reject(where, "\"allow\" is not permitted for PreToolUse: its failures always deny");
  }
  return Decision::allow;
}

HookSpec parse_hook(dom::element value, std::string_view event, std::size_t index) {
  HookSpec spec;
  spec.where = std::string(event) + "[" + std::to_string(index) + "]";
  const std::string &w = spec.where;
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) reject(w, "a hook must be an object");

  dom::element url;
  if (obj["url"].get(url) != simdjson::SUCCESS) reject(w + ".url", "is required");
  spec.url = parse_webhook_url(require_string(url, w + ".url"), "hooks config: " + w + ".url");

  if (dom::element m; obj["matcher"].get(m) == simdjson::SUCCESS && !m.is_null()) {
    spec.matcher = Matcher(require_string(m, w + ".matcher"), "hooks config: " + w + ".matcher");
  }
  dom::element t;
  const bool has_timeout = obj["timeout"].get(t) == simdjson::SUCCESS;
  if (has_timeout) spec.timeout = parse_timeout_seconds(t, w + ".timeout");
  if (dom::element ms; obj["timeout_ms"].get(ms) == simdjson::SUCCESS) {
    if (has_timeout) reject(w + ".timeout_ms", "give either timeout or timeout_ms, not both");
    spec.timeout = parse_timeout_ms(ms, w + ".timeout_ms");
  }
  if (dom::element h; obj["headers"].get(h) == simdjson::SUCCESS) {
    spec.headers = parse_headers(h, w + ".headers");
  }
  if (dom::element s; obj["secret"].get(s) == simdjson::SUCCESS) {
    spec.signer.emplace(require_string(s, w + ".secret"), "hooks config: " + w + ".secret");
  }
  spec.on_failure = is_pre_tool_use(event) ? Decision::deny : Decision::allow;
  if (dom::element f; obj["on_failure"].get(f) == simdjson::SUCCESS) {
    spec.on_failure = parse_on_failure(f, w + ".on_failure", event);
  }
  return spec;
}

EventHooks parse_event(std::string_view key, dom::element value) {
  EventHooks ev;
  ev.event = canonical_event_name(key);
  if (ev.event.empty())
    reject("\"" + std::string(key) + "\"", "is not an event name (letters, digits and '_' only)");
  dom::array arr;
  if (value.get_array().get(arr) == simdjson::SUCCESS) {
    std::size_t i = 0;
    for (dom::element hook : arr) ev.hooks.push_back(parse_hook(hook, ev.event, i++));
  } else {
    ev.hooks.push_back(parse_hook(value, ev.event, 0));
  }
  return ev;
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
  std::vector<EventHooks> events;
  for (auto field : obj) {
    EventHooks ev = parse_event(field.key, field.value);
    for (const auto &other : events) {
      if (other.event == ev.event) {
        reject(ev.event,
               "the event is configured twice (spellings that differ only in case or '_')");
      }
    }
    events.push_back(std::move(ev));
  }
  return events;
}

}  // namespace agenthost::hooks
