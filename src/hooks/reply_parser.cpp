#include "hooks/reply_parser.hpp"

#include <simdjson.h>

#include <optional>

#include "hooks/json_dom.hpp"
#include "hooks/verdict.hpp"

namespace agenthost::hooks {

namespace {

namespace dom = simdjson::dom;

ReplyOutcome invalid(std::string problem) {
  ReplyOutcome r;
  r.problem = std::move(problem);
  return r;
}

std::string quoted_value(dom::element v) {
  std::string s = simdjson::minify(v);
  if (s.size() > 64) s = s.substr(0, 64) + "...";
  return s;
}

// Reads the decision of `obj[key]`; nullopt when absent. Sets `problem` for a bad value.
std::optional<Decision> read_decision(dom::object obj, std::string_view key, bool legacy,
                                      std::string &problem) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) {
    if (s == "allow" || (legacy && s == "approve")) return Decision::allow;
    if (s == "deny" || (legacy && s == "block")) return Decision::deny;
    if (s == "ask") return Decision::ask;
  }
  problem = "unknown " + std::string(key) + " " + quoted_value(v);
  return std::nullopt;
}

// A string field, or a problem when present with another type.
std::string read_text(dom::object obj, std::string_view key, std::string &problem) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return {};
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    problem = std::string(key) + " is not a string";
    return {};
  }
  return std::string(s);
}

std::string read_updated_input(dom::object obj, std::string_view key, std::string &problem) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return {};
  if (!v.is_object()) {
    problem = std::string(key) + " is not an object";
    return {};
  }
  return simdjson::minify(v);
}

struct Shape {
  std::optional<Decision> decision;
  std::string reason;
  std::string updated_input;
};

Shape read_shape(dom::object obj, const char *decision_key, const char *reason_key,
                 const char *input_key, bool legacy, std::string &problem) {
  Shape s;
  s.decision = read_decision(obj, decision_key, legacy, problem);
  s.reason = read_text(obj, reason_key, problem);
  s.updated_input = read_updated_input(obj, input_key, problem);
  return s;
}

}  // namespace

ReplyOutcome parse_reply(std::string_view body, bool decision_required) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (decision_required) return invalid("empty body where a decision is required");
    ReplyOutcome ack;
    ack.ok = true;
    return ack;
  }
  dom::element root;
  if (auto err = thread_dom_parser().parse(body.data(), body.size(), true).get(root); err) {
    return invalid(std::string("the body is not JSON: ") + simdjson::error_message(err));
  }
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS)
    return invalid("the body is not a JSON object");

  if (auto dup = duplicate_key(obj))
    return invalid("the key \"" + std::string(*dup) + "\" appears twice");
  std::string problem;
  Shape top = read_shape(obj, "decision", "reason", "modified_input", true, problem);
  Shape hso;
  if (dom::element h; obj["hookSpecificOutput"].get(h) == simdjson::SUCCESS && !h.is_null()) {
    dom::object ho;
    if (h.get_object().get(ho) != simdjson::SUCCESS)
      return invalid("hookSpecificOutput is not an object");
    if (auto dup = duplicate_key(ho)) {
      return invalid("hookSpecificOutput: the key \"" + std::string(*dup) + "\" appears twice");
    }
    hso = read_shape(ho, "permissionDecision", "permissionDecisionReason", "updatedInput", false,
                     problem);
  }
  if (!problem.empty()) return invalid(problem);

  ReplyOutcome r;
  r.ok = true;
  // Claude Code's shape wins its reason and input; when both shapes decide, the stricter holds.
  const Shape &main = hso.decision ? hso : top;
  if (!top.decision && !hso.decision) {
    if (decision_required) return invalid("the reply has no decision");
    return r;
  }
  r.has_decision = true;
  r.decision =
      top.decision && hso.decision ? stricter(*top.decision, *hso.decision) : *main.decision;
  r.reason = main.reason.empty() ? (hso.decision ? top.reason : hso.reason) : main.reason;
  r.updated_input = main.updated_input;
  return r;
}

}  // namespace agenthost::hooks
