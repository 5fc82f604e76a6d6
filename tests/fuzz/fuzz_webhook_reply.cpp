// Fuzzes the webhook reply parser, the decision point of PreToolUse.
// Property: the parser yields allow only for a reply that an independent strict reading (below,
// written from DESIGN.md "Reply accepted", iterating every field itself instead of looking keys
// up) also judges a valid allow reply: a JSON object without duplicated keys, every field of the
// protocol well typed, at least one decision, and every decision given being allow.
// Also: an invalid reply names its problem; an acknowledgement without a decision happens only
// when no decision is required; updated_input is empty or a JSON object.
#include <simdjson.h>

#include <set>
#include <string>

#include "fuzz_check.hpp"
#include "hooks/reply_parser.hpp"

namespace {

namespace dom = simdjson::dom;

enum class Said { none, allow, other };

// The field names of one reply shape; `legacy` admits approve/block (the top-level shape only).
struct ShapeKeys {
  std::string_view decision, reason, input;
  bool legacy;
};

bool no_duplicate_keys(dom::object obj) {
  std::set<std::string_view> seen;
  for (auto field : obj) {
    if (!seen.insert(field.key).second) return false;
  }
  return true;
}

// Reads one shape's fields; false when one of them is malformed.
bool read_shape(dom::object obj, const ShapeKeys &keys, Said &said) {
  said = Said::none;
  for (auto field : obj) {
    const dom::element v = field.value;
    if (field.key == keys.decision) {
      if (v.type() != dom::element_type::STRING) return false;
      const std::string_view s = v.get_string().value_unsafe();
      if (s == "allow" || (keys.legacy && s == "approve")) {
        said = Said::allow;
      } else if (s == "deny" || s == "ask" || (keys.legacy && s == "block")) {
        said = Said::other;
      } else {
        return false;
      }
    } else if (field.key == keys.reason) {
      if (!v.is_null() && v.type() != dom::element_type::STRING) return false;
    } else if (field.key == keys.input) {
      if (!v.is_null() && v.type() != dom::element_type::OBJECT) return false;
    }
  }
  return true;
}

bool strict_allow(std::string_view body) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS) return false;
  if (root.type() != dom::element_type::OBJECT) return false;
  const dom::object obj = root.get_object().value_unsafe();
  if (!no_duplicate_keys(obj)) return false;
  Said top = Said::none;
  if (!read_shape(obj, {"decision", "reason", "modified_input", true}, top)) return false;
  Said inner = Said::none;
  for (auto field : obj) {
    if (field.key != "hookSpecificOutput" || field.value.is_null()) continue;
    if (field.value.type() != dom::element_type::OBJECT) return false;
    const dom::object hso = field.value.get_object().value_unsafe();
    if (!no_duplicate_keys(hso)) return false;
    if (!read_shape(hso, {"permissionDecision", "permissionDecisionReason", "updatedInput", false},
                    inner)) {
      return false;
    }
  }
  if (top == Said::none && inner == Said::none) return false;
  return top != Said::other && inner != Said::other;
}

bool is_json_object(const std::string &json) {
  dom::parser parser;
  dom::object obj;
  return parser.parse(json).get_object().get(obj) == simdjson::SUCCESS;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  if (size == 0) return 0;
  // The first byte chooses the event kind: PreToolUse requires a decision, others do not.
  const bool decision_required = (data[0] & 1) == 0;
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  hooks::ReplyOutcome out;
  try {
    out = hooks::parse_reply(body, decision_required);
  } catch (const Error &e) {
    fuzz::property_failed(__FILE__, __LINE__, "parse_reply threw instead of reporting", e.what());
  }
  if (!out.ok) {
    FUZZ_CHECK(!out.problem.empty(), "an invalid reply without a problem");
    return 0;
  }
  if (!out.has_decision) {
    FUZZ_CHECK(!decision_required, "no decision accepted where one is required");
    return 0;
  }
  FUZZ_CHECK(out.decision == Decision::allow || out.decision == Decision::deny ||
                 out.decision == Decision::ask,
             "decision out of range");
  if (out.decision == Decision::allow) {
    FUZZ_CHECK(strict_allow(body), "allow for a reply that is not a valid allow reply");
  }
  FUZZ_CHECK(out.updated_input.empty() || is_json_object(out.updated_input),
             "updated_input is not a JSON object: " + out.updated_input);
  return 0;
}
