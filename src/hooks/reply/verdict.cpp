#include "hooks/reply/verdict.hpp"

#include <fmt/format.h>

#include "common/json_string.hpp"

namespace agenthost {

const char *decision_name(Decision d) noexcept {
  switch (d) {
    case Decision::allow:
      return "allow";
    case Decision::ask:
      return "ask";
    case Decision::defer:
      return "defer";
    case Decision::deny:
      break;
  }
  return "deny";
}

namespace {

void append_string_or_null(std::string &out, const std::string &text) {
  if (text.empty()) {
    out += "null";
  } else {
    detail::append_json_string_lossy(out, text);
  }
}

// `json` is JSON text the library produced (minified by simdjson), or empty.
void append_raw_or_null(std::string &out, const std::string &json) {
  out += json.empty() ? std::string_view("null") : std::string_view(json);
}

const char *boolean(bool b) noexcept { return b ? "true" : "false"; }

void append_hook(std::string &out, const HookResult &h) {
  out += "{\"url\":";
  detail::append_json_string_lossy(out, h.url);
  out += fmt::format(",\"status\":{},\"latency_ms\":{:.3f},\"decision\":", h.http_status,
                     static_cast<double>(h.latency.count()) / 1000.0);
  detail::append_json_string_lossy(out, decision_name(h.decision));
  out += ",\"error\":";
  append_string_or_null(out, h.error);
  out += ",\"hook_specific_output\":";
  append_raw_or_null(out, h.hook_specific_output);
  out.push_back('}');
}

}  // namespace

std::string Verdict::to_json() const {
  std::string out = "{\"decision\":";
  detail::append_json_string_lossy(out, decision_name(decision));
  out += ",\"reason\":";
  detail::append_json_string_lossy(out, reason);
  out += fmt::format(",\"failed\":{},\"error\":", boolean(failed));
  append_string_or_null(out, error);
  out += ",\"updated_input\":";
  append_raw_or_null(out, updated_input);
  out += ",\"updated_permissions\":";
  append_raw_or_null(out, updated_permissions);
  out += fmt::format(",\"continue\":{},\"stop_reason\":", boolean(continue_));
  append_string_or_null(out, stop_reason);
  out += ",\"additional_context\":[";
  for (std::size_t i = 0; i < additional_context.size(); ++i) {
    if (i > 0) out.push_back(',');
    detail::append_json_string_lossy(out, additional_context[i]);
  }
  out += "],\"system_message\":";
  append_string_or_null(out, system_message);
  out += fmt::format(",\"suppress_output\":{},\"interrupt\":{},\"hooks\":[",
                     boolean(suppress_output), boolean(interrupt));
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_hook(out, hooks[i]);
  }
  out += "]}";
  return out;
}

namespace hooks {

namespace {

std::string default_reason(Decision d, std::size_t n) {
  const char *verb = d == Decision::allow   ? "allowed"
                     : d == Decision::ask   ? "ask requested"
                     : d == Decision::defer ? "deferred"
                                            : "denied";
  return fmt::format("{} by {} hook{}", verb, n, n == 1 ? "" : "s");
}

// The fields every hook contributes to, whatever it decided.
void gather_extras(Verdict &v, const ReplyExtras &x) {
  if (!x.continue_ && v.continue_) {
    v.continue_ = false;
    v.stop_reason = x.stop_reason;
  }
  if (!x.additional_context.empty()) v.additional_context.push_back(x.additional_context);
  if (!x.system_message.empty()) {
    v.system_message += (v.system_message.empty() ? "" : "\n") + x.system_message;
  }
  v.suppress_output = v.suppress_output || x.suppress_output;
}

}  // namespace

Verdict combine(std::vector<HookOutcome> outcomes) {
  Verdict v;
  v.decision = Decision::allow;
  if (outcomes.empty()) {
    v.reason = "no hook matched";
    return v;
  }
  for (const auto &o : outcomes) {
    v.decision = stricter(v.decision, o.result.decision);
    if (o.result.failed() && !v.failed) {
      v.failed = true;
      v.error = o.result.error;
    }
    gather_extras(v, o.extras);
  }
  std::size_t deciders = 0;
  for (auto &o : outcomes) {
    if (o.result.decision != v.decision) continue;
    ++deciders;
    if (!o.result.reason.empty()) v.reasons.push_back(o.result.reason);
    if (v.updated_input.empty()) v.updated_input = std::move(o.extras.updated_input);
    if (v.updated_permissions.empty()) {
      v.updated_permissions = std::move(o.extras.updated_permissions);
    }
    v.interrupt = v.interrupt || o.extras.interrupt;
  }
  for (const auto &r : v.reasons) v.reason += (v.reason.empty() ? "" : "; ") + r;
  if (v.reason.empty()) v.reason = default_reason(v.decision, deciders);
  v.hooks.reserve(outcomes.size());
  for (auto &o : outcomes) v.hooks.push_back(std::move(o.result));
  return v;
}

}  // namespace hooks
}  // namespace agenthost
