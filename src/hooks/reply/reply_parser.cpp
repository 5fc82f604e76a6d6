#include "hooks/reply/reply_parser.hpp"

#include <simdjson.h>

#include <optional>
#include <vector>

#include "common/json_duplicates.hpp"
#include "hooks/event_table.hpp"
#include "hooks/json_dom.hpp"

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

// Reads fields of one object, remembering the first problem (a known field of the wrong type).
class FieldReader {
 public:
  FieldReader(dom::object obj, std::string where, std::string &problem)
      : obj_(obj), where_(std::move(where)), problem_(problem) {}

  // The value of `key` when present and not null.
  std::optional<dom::element> get(std::string_view key) const {
    dom::element v;
    if (obj_[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
    return v;
  }

  std::string text(std::string_view key) {
    std::string_view s;
    const auto v = get(key);
    if (v && v->get_string().get(s) != simdjson::SUCCESS) fail(key, "is not a string");
    return std::string(s);
  }

  std::optional<bool> flag(std::string_view key) {
    const auto v = get(key);
    bool b = false;
    if (!v) return std::nullopt;
    if (v->get_bool().get(b) != simdjson::SUCCESS) {
      fail(key, "is not true or false");
      return std::nullopt;
    }
    return b;
  }

  // Minified JSON of an object (or array) field, or empty.
  std::string json(std::string_view key, bool array = false) {
    const auto v = get(key);
    if (!v) return {};
    if (array ? !v->is_array() : !v->is_object()) {
      fail(key, array ? "is not an array" : "is not an object");
      return {};
    }
    return simdjson::minify(*v);
  }

  // A decision spelled by one of `words` (pairs of spelling and decision); nullopt when absent.
  template <std::size_t N>
  std::optional<Decision> decision(std::string_view key,
                                   const std::pair<std::string_view, Decision> (&words)[N]) {
    const auto v = get(key);
    if (!v) {
      if (obj_[key].error() == simdjson::SUCCESS) fail(key, "is null");
      return std::nullopt;
    }
    std::string_view s;
    if (v->get_string().get(s) == simdjson::SUCCESS) {
      for (const auto &w : words) {
        if (w.first == s) return w.second;
      }
    }
    problem_once("unknown " + where_ + std::string(key) + " " + quoted_value(*v));
    return std::nullopt;
  }

  void fail(std::string_view key, const char *why) {
    problem_once(where_ + std::string(key) + " " + why);
  }

 private:
  void problem_once(std::string p) {
    if (problem_.empty()) problem_ = std::move(p);
  }

  dom::object obj_;
  std::string where_;
  std::string &problem_;
};

using Words = std::pair<std::string_view, Decision>;
constexpr Words kTopDecisions[] = {{"allow", Decision::allow},
                                   {"deny", Decision::deny},
                                   {"ask", Decision::ask},
                                   {"approve", Decision::allow},
                                   {"block", Decision::deny}};
constexpr Words kPermissionDecisions[] = {{"allow", Decision::allow},
                                          {"deny", Decision::deny},
                                          {"ask", Decision::ask},
                                          {"defer", Decision::defer}};
constexpr Words kBehaviors[] = {{"allow", Decision::allow}, {"deny", Decision::deny}};
constexpr Words kElicitationActions[] = {
    {"accept", Decision::allow}, {"decline", Decision::deny}, {"cancel", Decision::deny}};

// One place in the reply that decides, with what it says beside the decision.
struct Said {
  Decision decision;
  std::string reason;
  std::string updated_input;
};

struct Reading {
  std::vector<Said> said;  // Claude Code's shapes first, then the top-level decision
  ReplyExtras extras;
  std::string hook_specific_output;
};

// PermissionRequest's hookSpecificOutput.decision object.
void read_permission_request(dom::element value, Reading &out, std::string &problem) {
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    problem = "hookSpecificOutput.decision is not an object";
    return;
  }
  FieldReader f(obj, "hookSpecificOutput.decision.", problem);
  const auto behavior = f.decision("behavior", kBehaviors);
  if (!behavior && problem.empty()) problem = "hookSpecificOutput.decision has no behavior";
  Said s{behavior.value_or(Decision::deny), f.text("message"), f.json("updatedInput")};
  out.extras.updated_permissions = f.json("updatedPermissions", true);
  out.extras.interrupt = f.flag("interrupt").value_or(false);
  if (behavior) out.said.push_back(std::move(s));
}

// permissionDecision with its reason and input (PreToolUse, PreModelSwitch, PreSkillShellCommand).
void read_permission_decision(FieldReader &f, Reading &out) {
  // Every field is type-checked whether or not a decision comes with it: a mistyped field makes
  // the reply invalid even when another field of it allows.
  const auto d = f.decision("permissionDecision", kPermissionDecisions);
  std::string reason = f.text("permissionDecisionReason");
  std::string input = f.json("updatedInput");
  if (d) {
    out.said.push_back({*d, std::move(reason), std::move(input)});
  } else {
    // updatedInput without a decision still counts (PreSkillShellCommand refuses on it).
    out.extras.updated_input = std::move(input);
  }
}

// Only the decision field of the event's own shape is read; another event's (an Elicitation
// "action" in a PreToolUse reply, say) is an unknown field here, kept verbatim, deciding nothing.
void read_hook_specific(dom::element value, std::string_view event, Reading &out,
                        std::string &problem) {
  dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    problem = "hookSpecificOutput is not an object";
    return;
  }
  FieldReader f(obj, "hookSpecificOutput.", problem);
  if (const auto named = f.get("hookEventName")) {
    std::string_view s;
    if (named->get_string().get(s) != simdjson::SUCCESS || s != event) {
      problem = "hookSpecificOutput.hookEventName " + quoted_value(*named) + " is not the event " +
                std::string(event);
      return;
    }
  }
  switch (decision_shape(event)) {
    case DecisionShape::permission_decision:
      read_permission_decision(f, out);
      break;
    case DecisionShape::permission_request:
      if (auto d = f.get("decision")) read_permission_request(*d, out, problem);
      break;
    case DecisionShape::elicitation_action:
      if (auto a = f.decision("action", kElicitationActions)) out.said.push_back({*a, {}, {}});
      break;
    case DecisionShape::none:
      break;
  }
  out.extras.additional_context = f.text("additionalContext");
  out.hook_specific_output = simdjson::minify(value);
}

void read_top_level(dom::object obj, Reading &out, std::string &problem) {
  FieldReader f(obj, "", problem);
  if (auto d = f.decision("decision", kTopDecisions)) {
    out.said.push_back({*d, f.text("reason"), f.json("modified_input")});
  } else {
    f.text("reason");
    f.json("modified_input");
  }
  out.extras.continue_ = f.flag("continue").value_or(true);
  out.extras.stop_reason = f.text("stopReason");
  out.extras.suppress_output = f.flag("suppressOutput").value_or(false);
  out.extras.system_message = f.text("systemMessage");
}

// The strictest decision; its reason and input come from the first place that gave it.
void decide(const Reading &in, ReplyOutcome &r) {
  r.has_decision = !in.said.empty();
  if (!r.has_decision) return;
  r.decision = in.said.front().decision;
  for (const auto &s : in.said) r.decision = stricter(r.decision, s.decision);
  for (const auto &s : in.said) {
    if (s.decision != r.decision) continue;
    if (r.reason.empty()) r.reason = s.reason;
    if (r.extras.updated_input.empty()) r.extras.updated_input = s.updated_input;
  }
  for (const auto &s : in.said) {
    if (r.reason.empty()) r.reason = s.reason;
  }
}

void deny_with(ReplyOutcome &r, const std::string &why) {
  r.has_decision = true;
  r.decision = Decision::deny;
  r.reason = r.reason.empty() ? why : r.reason + " (" + why + ")";
}

// The rules of the event beyond reading its shapes.
void apply_event_rules(const ReplyRules &rules, ReplyOutcome &r) {
  if (rules.event == "PreSkillShellCommand") {
    if (r.has_decision && (r.decision == Decision::ask || r.decision == Decision::defer)) {
      deny_with(
          r, std::string(decision_name(r.decision)) + " keeps a skill shell command from running");
    }
    if (!r.extras.updated_input.empty()) {
      r.extras.updated_input.clear();
      deny_with(r, "updatedInput is never applied to a skill shell command");
    }
  }
  if (!r.extras.continue_ && rules.can_block) {
    deny_with(r, r.extras.stop_reason.empty() ? std::string("continue is false")
                                              : "continue is false: " + r.extras.stop_reason);
  }
}

}  // namespace

ReplyOutcome parse_reply(std::string_view body, const ReplyRules &rules) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (rules.decision_required) return invalid("empty body where a decision is required");
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
  // A key given twice in any object (hookSpecificOutput and its decision included) is refused
  // here, once for the whole reply.
  if (auto dup = detail::duplicate_key_path(root))
    return invalid("the key \"" + *dup + "\" appears twice");

  std::string problem;
  Reading in;
  if (dom::element h; obj["hookSpecificOutput"].get(h) == simdjson::SUCCESS && !h.is_null()) {
    read_hook_specific(h, rules.event, in, problem);
  }
  read_top_level(obj, in, problem);
  if (!problem.empty()) return invalid(problem);

  ReplyOutcome r;
  r.ok = true;
  r.extras = std::move(in.extras);
  r.hook_specific_output = std::move(in.hook_specific_output);
  decide(in, r);
  apply_event_rules(rules, r);
  if (!r.has_decision && rules.decision_required) {
    return invalid(obj["async"].error() == simdjson::SUCCESS
                       ? "an async reply gives no decision where one is required"
                       : "the reply has no decision");
  }
  return r;
}

}  // namespace agenthost::hooks
