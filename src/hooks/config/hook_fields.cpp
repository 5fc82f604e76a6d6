#include "hooks/config/hook_fields.hpp"

#include <agenthost/error.hpp>
#include <cmath>

#include "hooks/config/env_interpolation.hpp"
#include "hooks/event_table.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

constexpr std::int64_t kMaxTimeoutMs = 300'000;

std::chrono::milliseconds parse_timeout_seconds(dom::element value, const std::string &where) {
  double seconds = 0;
  if (value.get_double().get(seconds) != simdjson::SUCCESS) {
    reject_config(where, "must be a number of seconds");
  }
  if (!(seconds >= 1 && seconds <= 300)) {
    reject_config(where, simdjson::to_string(value) + " is out of range 1..300 seconds");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

std::chrono::milliseconds parse_timeout_ms(dom::element value, const std::string &where) {
  std::int64_t ms = 0;
  if (value.get_int64().get(ms) != simdjson::SUCCESS) {
    reject_config(where, "must be a whole number of milliseconds");
  }
  if (ms < 1 || ms > kMaxTimeoutMs) {
    reject_config(where, std::to_string(ms) + " is out of range 1..300000 milliseconds");
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

bool has_line_break(std::string_view v) noexcept {
  return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Header values are never echoed: they usually carry credentials. With interpolation, a value
// that comes out empty leaves the header out (Claude Code sends what its variables give).
std::vector<std::string> parse_headers(dom::element value, const std::string &where,
                                       const HeaderEnv &env) {
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    reject_config(where, "must be an object of header names to string values");
  }
  std::vector<std::string> lines;
  for (auto field : obj) {
    const std::string_view name = field.key;
    const std::string at = where + "." + std::string(name);
    if (!is_header_token(name)) {
      reject_config(where, "\"" + std::string(name) + "\" is not a valid header name");
    }
    if (is_protocol_header(name)) {
      reject_config(at, "is set by the webhook transport, not configurable");
    }
    std::string_view v;
    if (field.value.get_string().get(v) != simdjson::SUCCESS) reject_config(at, "must be a string");
    if (v.empty()) reject_config(at, "the value is empty");
    if (has_line_break(v)) reject_config(at, "the value contains CR, LF or NUL");
    const std::string text = env.interpolate ? interpolate_env(v, env.allowed) : std::string(v);
    if (has_line_break(text)) {
      reject_config(at, "an environment variable in the value contains CR, LF or NUL");
    }
    if (!text.empty()) lines.push_back(std::string(name) + ": " + text);
  }
  return lines;
}

// on_failure "deny" | "allow" (agenthost) or onFailure "block" | "continue" (Claude Code).
Decision parse_on_failure(dom::element value, const std::string &where, std::string_view event,
                          bool claude_words) {
  const std::string_view s = require_config_string(value, where);
  const std::string_view deny = claude_words ? "block" : "deny";
  const std::string_view allow = claude_words ? "continue" : "allow";
  if (s == deny) return Decision::deny;
  if (s != allow) {
    reject_config(where, "\"" + std::string(s) + "\" is not \"" + std::string(deny) + "\" or \"" +
                             std::string(allow) + "\"");
  }
  if (event_kind(event) == EventKind::gate) {
    reject_config(where, "\"" + std::string(allow) + "\" is not permitted for " +
                             std::string(event) + ": its failures always deny");
  }
  return Decision::allow;
}

void set_on_failure(HookSpec &spec, std::string_view event, Decision on_failure) {
  const EventKind kind = event_kind(event);
  spec.on_failure = on_failure;
  spec.can_block = kind != EventKind::informational || on_failure == Decision::deny;
  spec.decision_required =
      kind == EventKind::gate || (kind == EventKind::informational && on_failure == Decision::deny);
}

}  // namespace

void reject_config(const std::string &where, const std::string &why) {
  throw Error(Errc::invalid_argument, "hooks config: " + where + ": " + why);
}

std::string_view require_config_string(dom::element value, const std::string &where) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) reject_config(where, "must be a string");
  return s;
}

HookSpec new_hook_spec(std::string_view event, std::string where) {
  HookSpec spec;
  spec.where = std::move(where);
  set_on_failure(spec, event,
                 event_kind(event) == EventKind::informational ? Decision::allow : Decision::deny);
  return spec;
}

void parse_hook_fields(dom::object obj, std::string_view event, const HeaderEnv &env,
                       HookSpec &spec) {
  const std::string &w = spec.where;
  dom::element url;
  if (obj["url"].get(url) != simdjson::SUCCESS) reject_config(w + ".url", "is required");
  spec.url =
      parse_webhook_url(require_config_string(url, w + ".url"), "hooks config: " + w + ".url");
  dom::element t;
  const bool has_timeout = obj["timeout"].get(t) == simdjson::SUCCESS;
  if (has_timeout) spec.timeout = parse_timeout_seconds(t, w + ".timeout");
  if (dom::element ms; obj["timeout_ms"].get(ms) == simdjson::SUCCESS) {
    if (has_timeout)
      reject_config(w + ".timeout_ms", "give either timeout or timeout_ms, not both");
    spec.timeout = parse_timeout_ms(ms, w + ".timeout_ms");
  }
  if (dom::element h; obj["headers"].get(h) == simdjson::SUCCESS) {
    spec.headers = parse_headers(h, w + ".headers", env);
  }
  if (dom::element s; obj["secret"].get(s) == simdjson::SUCCESS) {
    spec.signer.emplace(require_config_string(s, w + ".secret"), "hooks config: " + w + ".secret");
  }
  dom::element f;
  const bool has_native = obj["on_failure"].get(f) == simdjson::SUCCESS;
  if (has_native) set_on_failure(spec, event, parse_on_failure(f, w + ".on_failure", event, false));
  if (dom::element c; obj["onFailure"].get(c) == simdjson::SUCCESS) {
    if (has_native)
      reject_config(w + ".onFailure", "give either on_failure or onFailure, not both");
    set_on_failure(spec, event, parse_on_failure(c, w + ".onFailure", event, true));
  }
}

}  // namespace agenthost::hooks
