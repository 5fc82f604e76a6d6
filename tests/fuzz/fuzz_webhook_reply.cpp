// Fuzzes the webhook reply parser, the decision point of PreToolUse.
// Property: the parser yields allow only for a reply that an independent strict reading (below,
// written from the Claude Agent SDK's SyncHookJSONOutput and the reply shapes of docs/hooks.md,
// iterating every field itself instead of looking keys up) also judges a valid allow reply: a JSON
// object without duplicated keys, every field of the protocol well typed, a hookSpecificOutput for
// this event only, at least one decision (for an event that requires one) from the top-level
// decision or the event's own hookSpecificOutput decision field, every decision given being allow,
// and (for an event that can block) no "continue": false. Also: an invalid reply names its problem;
// an acknowledgement without a decision happens only when no decision is required; updated_input is
// empty or a JSON object, updated_permissions empty or a JSON array.
// Duplicated keys are looked for in every object of the reply, nested ones included.
#include <simdjson.h>

#include <set>
#include <string>

#include "fuzz_check.hpp"
#include "hooks/reply/reply_parser.hpp"

namespace {

namespace dom = simdjson::dom;

enum class Said { none, allow, other };

struct Word {
  std::string_view text;
  bool allow;
};

// One decision field: its name and the words it accepts.
struct DecisionKey {
  std::string_view key;
  std::initializer_list<Word> words;
};

bool no_duplicate_keys(dom::object obj) {
  std::set<std::string_view> seen;
  for (auto field : obj) {
    if (!seen.insert(field.key).second) return false;
  }
  return true;
}

bool no_duplicate_keys_anywhere(dom::element e) {
  if (e.type() == dom::element_type::ARRAY) {
    const dom::array items = e.get_array().value_unsafe();
    for (dom::element item : items) {
      if (!no_duplicate_keys_anywhere(item)) return false;
    }
  } else if (e.type() == dom::element_type::OBJECT) {
    const dom::object obj = e.get_object().value_unsafe();
    if (!no_duplicate_keys(obj)) return false;
    for (auto field : obj) {
      if (!no_duplicate_keys_anywhere(field.value)) return false;
    }
  }
  return true;
}

bool has_type(dom::element v, dom::element_type t) { return v.is_null() || v.type() == t; }

// The fields of one object: decisions, and typed fields (name -> type). False when malformed.
struct Rules {
  std::initializer_list<DecisionKey> decisions;
  std::initializer_list<std::pair<std::string_view, dom::element_type>> typed;
};

bool read_object(dom::object obj, const Rules &rules, Said &said) {
  for (auto field : obj) {
    const dom::element v = field.value;
    for (const auto &d : rules.decisions) {
      if (field.key != d.key) continue;
      if (v.type() != dom::element_type::STRING) return false;
      const std::string_view s = v.get_string().value_unsafe();
      bool known = false;
      for (const auto &w : d.words) {
        if (w.text != s) continue;
        known = true;
        if (said != Said::other) said = w.allow ? Said::allow : Said::other;
      }
      if (!known) return false;
    }
    for (const auto &[key, type] : rules.typed) {
      if (field.key == key && !has_type(v, type)) return false;
    }
  }
  return true;
}

using T = dom::element_type;

bool read_permission_request(dom::element v, Said &said) {
  if (v.type() != T::OBJECT) return false;
  const dom::object d = v.get_object().value_unsafe();
  if (!no_duplicate_keys(d)) return false;
  Said behavior = Said::none;
  if (!read_object(d,
                   {{{"behavior", {{"allow", true}, {"deny", false}}}},
                    {{"updatedInput", T::OBJECT},
                     {"updatedPermissions", T::ARRAY},
                     {"message", T::STRING},
                     {"interrupt", T::BOOL}}},
                   behavior)) {
    return false;
  }
  if (behavior == Said::none) return false;
  if (said != Said::other) said = behavior;
  return true;
}

// The decision field each event's hookSpecificOutput defines (Claude Code's hooks reference,
// "Decision control"); another event's field is an unknown field here and decides nothing.
enum class Shape { none, permission_decision, permission_request, action };

Shape shape_of(std::string_view event) {
  if (event == "PreToolUse" || event == "PreSkillShellCommand" || event == "PreModelSwitch") {
    return Shape::permission_decision;
  }
  if (event == "PermissionRequest") return Shape::permission_request;
  if (event == "Elicitation" || event == "ElicitationResult") return Shape::action;
  return Shape::none;
}

bool read_hook_specific(dom::element v, std::string_view event, Said &said) {
  if (v.type() != T::OBJECT) return false;
  const dom::object hso = v.get_object().value_unsafe();
  if (!no_duplicate_keys(hso)) return false;
  const Shape shape = shape_of(event);
  for (auto field : hso) {
    if (field.key == "hookEventName" && !field.value.is_null() &&
        (field.value.type() != T::STRING || field.value.get_string().value_unsafe() != event)) {
      return false;
    }
    if (shape == Shape::permission_request && field.key == "decision" && !field.value.is_null() &&
        !read_permission_request(field.value, said)) {
      return false;
    }
    // PreSkillShellCommand never applies updatedInput: any value keeps the command from running.
    if (event == "PreSkillShellCommand" && field.key == "updatedInput" && !field.value.is_null() &&
        said != Said::other) {
      said = Said::other;
    }
  }
  if (shape == Shape::permission_decision) {
    return read_object(hso,
                       {{{"permissionDecision",
                          {{"allow", true}, {"deny", false}, {"ask", false}, {"defer", false}}}},
                        {{"permissionDecisionReason", T::STRING},
                         {"updatedInput", T::OBJECT},
                         {"additionalContext", T::STRING}}},
                       said);
  }
  if (shape == Shape::action) {
    return read_object(hso,
                       {{{"action", {{"accept", true}, {"decline", false}, {"cancel", false}}}},
                        {{"additionalContext", T::STRING}}},
                       said);
  }
  return read_object(hso, {{}, {{"additionalContext", T::STRING}}}, said);
}

bool strict_allow(std::string_view body, std::string_view event, bool can_block) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS) return false;
  if (root.type() != T::OBJECT) return false;
  const dom::object obj = root.get_object().value_unsafe();
  if (!no_duplicate_keys_anywhere(root)) return false;
  Said said = Said::none;
  if (!read_object(obj,
                   {{{"decision",
                      {{"allow", true},
                       {"approve", true},
                       {"deny", false},
                       {"block", false},
                       {"ask", false}}}},
                    {{"reason", T::STRING},
                     {"modified_input", T::OBJECT},
                     {"continue", T::BOOL},
                     {"stopReason", T::STRING},
                     {"suppressOutput", T::BOOL},
                     {"systemMessage", T::STRING}}},
                   said)) {
    return false;
  }
  for (auto field : obj) {
    if (field.key == "decision" && field.value.is_null()) return false;
    if (field.key == "continue" && can_block && field.value.type() == T::BOOL &&
        !field.value.get_bool().value_unsafe()) {
      return false;
    }
    if (field.key == "hookSpecificOutput" && !field.value.is_null() &&
        !read_hook_specific(field.value, event, said)) {
      return false;
    }
  }
  return said == Said::allow;
}

bool is_json(const std::string &json, T type) {
  dom::parser parser;
  dom::element e;
  return parser.parse(json).get(e) == simdjson::SUCCESS && e.type() == type;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  if (size == 0) return 0;
  // The first byte chooses the event: an even one a gate event (a decision is required, continue
  // false blocks), an odd one an event that needs no decision; its top two bits which one.
  const bool gate = (data[0] & 1) == 0;
  const unsigned pick = (data[0] >> 6) & 3U;
  static constexpr std::string_view kGates[] = {"PreToolUse", "PermissionRequest",
                                                "PreSkillShellCommand", "PreToolUse"};
  static constexpr std::string_view kOthers[] = {"PostToolUse", "Elicitation", "PreModelSwitch",
                                                 "PostToolUse"};
  const std::string_view event = gate ? kGates[pick] : kOthers[pick];
  const bool can_block = gate || event != "PostToolUse";
  const hooks::ReplyRules rules{event, gate, can_block};
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  hooks::ReplyOutcome out;
  try {
    out = hooks::parse_reply(body, rules);
  } catch (const Error &e) {
    fuzz::property_failed(__FILE__, __LINE__, "parse_reply threw instead of reporting", e.what());
  }
  if (!out.ok) {
    FUZZ_CHECK(!out.problem.empty(), "an invalid reply without a problem");
    return 0;
  }
  FUZZ_CHECK(out.extras.updated_input.empty() || is_json(out.extras.updated_input, T::OBJECT),
             "updated_input is not a JSON object: " + out.extras.updated_input);
  FUZZ_CHECK(
      out.extras.updated_permissions.empty() || is_json(out.extras.updated_permissions, T::ARRAY),
      "updated_permissions is not a JSON array: " + out.extras.updated_permissions);
  if (!out.has_decision) {
    FUZZ_CHECK(!rules.decision_required, "no decision accepted where one is required");
    return 0;
  }
  FUZZ_CHECK(out.decision == Decision::allow || out.decision == Decision::deny ||
                 out.decision == Decision::ask || out.decision == Decision::defer,
             "decision out of range");
  if (out.decision == Decision::allow) {
    FUZZ_CHECK(
        strict_allow(body, rules.event, rules.can_block),
        "allow for a reply that is not a valid allow reply: " + std::string(body.substr(0, 512)));
  }
  return 0;
}
