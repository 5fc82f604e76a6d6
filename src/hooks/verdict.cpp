#include "hooks/verdict.hpp"

#include <fmt/format.h>

#include "common/json_string.hpp"

namespace agenthost {

const char *decision_name(Decision d) noexcept {
  switch (d) {
    case Decision::allow:
      return "allow";
    case Decision::ask:
      return "ask";
    case Decision::deny:
      break;
  }
  return "deny";
}

std::string Verdict::to_json() const {
  std::string out = "{\"decision\":";
  detail::append_json_string_lossy(out, decision_name(decision));
  out += ",\"reason\":";
  detail::append_json_string_lossy(out, reason);
  out += failed ? ",\"failed\":true,\"error\":" : ",\"failed\":false,\"error\":";
  if (error.empty()) {
    out += "null";
  } else {
    detail::append_json_string_lossy(out, error);
  }
  out += ",\"updated_input\":";
  out += updated_input.empty() ? std::string("null") : updated_input;
  out += ",\"hooks\":[";
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    const HookResult &h = hooks[i];
    if (i > 0) out.push_back(',');
    out += "{\"url\":";
    detail::append_json_string_lossy(out, h.url);
    out += fmt::format(",\"status\":{},\"latency_ms\":{:.3f},\"decision\":", h.http_status,
                       static_cast<double>(h.latency.count()) / 1000.0);
    detail::append_json_string_lossy(out, decision_name(h.decision));
    out += ",\"error\":";
    if (h.error.empty()) {
      out += "null";
    } else {
      detail::append_json_string_lossy(out, h.error);
    }
    out.push_back('}');
  }
  out += "]}";
  return out;
}

namespace hooks {

namespace {

std::string default_reason(Decision d, std::size_t n) {
  const char *verb = d == Decision::allow ? "allowed"
                     : d == Decision::ask ? "ask requested"
                                          : "denied";
  return fmt::format("{} by {} hook{}", verb, n, n == 1 ? "" : "s");
}

}  // namespace

Verdict combine(std::vector<HookOutcome> outcomes) {
  Verdict v;
  if (outcomes.empty()) {
    v.decision = Decision::allow;
    v.reason = "no hook matched";
    return v;
  }
  v.decision = Decision::allow;
  for (const auto &o : outcomes) {
    v.decision = stricter(v.decision, o.result.decision);
    if (o.result.failed() && !v.failed) {
      v.failed = true;
      v.error = o.result.error;
    }
  }
  std::size_t deciders = 0;
  for (auto &o : outcomes) {
    if (o.result.decision != v.decision) continue;
    ++deciders;
    if (!o.result.reason.empty()) v.reasons.push_back(o.result.reason);
    if (v.updated_input.empty()) v.updated_input = std::move(o.updated_input);
  }
  for (const auto &r : v.reasons) v.reason += (v.reason.empty() ? "" : "; ") + r;
  if (v.reason.empty()) v.reason = default_reason(v.decision, deciders);
  v.hooks.reserve(outcomes.size());
  for (auto &o : outcomes) v.hooks.push_back(std::move(o.result));
  return v;
}

}  // namespace hooks
}  // namespace agenthost
