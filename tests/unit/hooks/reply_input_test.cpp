// Webhook reply parsing, hook input checking and the request body, JSON string writing.
#include <simdjson.h>

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_string.hpp"
#include "hooks/event_table.hpp"
#include "hooks/hook_input.hpp"
#include "hooks/reply/reply_parser.hpp"

using agenthost::Decision;
using agenthost::hooks::parse_hook_input;
using agenthost::hooks::ReplyRules;

namespace {

// A gate event (a decision is required) and an informational one (an acknowledgement is enough).
const ReplyRules kGate{"PreToolUse", true, true};
const ReplyRules kInformational{"PostToolUse", false, false};

// The hookSpecificOutput object of `body`, minified.
std::string simdjson_minified(const std::string &body) {
  simdjson::dom::parser parser;
  return simdjson::minify(parser.parse(body)["hookSpecificOutput"]);
}

agenthost::hooks::ReplyOutcome parse_reply(std::string_view body, bool decision_required) {
  return agenthost::hooks::parse_reply(body, decision_required ? kGate : kInformational);
}

}  // namespace

TEST_CASE("replies: accepted decisions", "[hooks][reply]") {
  struct Case {
    const char *body;
    Decision decision;
    const char *reason;
  };
  const Case cases[] = {
      {R"({"decision":"allow"})", Decision::allow, ""},
      {R"({"decision":"deny","reason":"no"})", Decision::deny, "no"},
      {R"({"decision":"ask","reason":"check"})", Decision::ask, "check"},
      {R"({"decision":"approve"})", Decision::allow, ""},
      {R"({"decision":"block","reason":"legacy"})", Decision::deny, "legacy"},
      {R"({"hookSpecificOutput":{"permissionDecision":"deny","permissionDecisionReason":"cc"}})",
       Decision::deny, "cc"},
      {R"({"hookSpecificOutput":{"permissionDecision":"ask"}})", Decision::ask, ""},
      // Both shapes: the stricter decision holds.
      {R"({"decision":"allow","hookSpecificOutput":{"permissionDecision":"deny"}})", Decision::deny,
       ""},
      {R"({"decision":"deny","reason":"top","hookSpecificOutput":{"permissionDecision":"allow"}})",
       Decision::deny, "top"},
  };
  for (const auto &c : cases) {
    INFO(c.body);
    const auto r = parse_reply(c.body, true);
    CHECK(r.ok);
    CHECK(r.has_decision);
    CHECK(r.decision == c.decision);
    CHECK(r.reason == c.reason);
  }
}

TEST_CASE("replies: invalid ones are never a decision", "[hooks][reply]") {
  for (const char *body :
       {"", "  \n", "not json", "[1]", "\"allow\"", "null", "{\"decision\":\"maybe\"}",
        "{\"decision\":\"ALLOW \"}", "{\"decision\":\"Allow\"}", "{\"decision\":1}",
        "{\"decision\":null}", "{\"decision\":\"allow\",\"reason\":5}",
        "{\"decision\":\"allow\",\"modified_input\":\"rm\"}",
        "{\"hookSpecificOutput\":{\"permissionDecision\":\"approve\"}}",
        "{\"hookSpecificOutput\":\"deny\"}", "{\"reason\":\"no decision\"}",
        // A mistyped field beside an allow: found by fuzz_webhook_reply.
        R"({"decision":"allow","hookSpecificOutput":{"permissionDecisionReason":5}})",
        R"({"hookSpecificOutput":{"action":"accept","permissionDecisionReason":[]}})",
        "{\"decision\":\"allow\""}) {
    INFO(body);
    const auto r = parse_reply(body, true);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.problem.empty());
  }
}

TEST_CASE("replies: duplicate keys, trailing junk and two objects are invalid", "[hooks][reply]") {
  for (
      const char *body :
      {R"({"decision":"allow","decision":"deny"})", R"({"decision":"deny","decision":"allow"})",
       R"({"decision":"allow","reason":"a","reason":"b"})",
       R"({"hookSpecificOutput":{"permissionDecision":"allow"},"hookSpecificOutput":{"permissionDecision":"deny"}})",
       R"({"hookSpecificOutput":{"permissionDecision":"allow","permissionDecision":"deny"}})",
       R"({"decision":"allow"} x)", R"({"decision":"allow"}{"decision":"deny"})",
       R"({"decision":"allow"},)"}) {
    INFO(body);
    for (bool required : {true, false}) {
      const auto r = parse_reply(body, required);
      CHECK_FALSE(r.ok);
      CHECK_FALSE(r.has_decision);
      CHECK_FALSE(r.problem.empty());
    }
  }
  CHECK_THAT(parse_reply(R"({"decision":"allow","decision":"deny"})", true).problem,
             Catch::Contains("\"decision\" appears twice"));
}

TEST_CASE("replies: acknowledgements where no decision is required", "[hooks][reply]") {
  for (const char *body : {"", "{}", "{\"reason\":\"noted\"}"}) {
    const auto r = parse_reply(body, false);
    CHECK(r.ok);
    CHECK_FALSE(r.has_decision);
  }
  CHECK_FALSE(parse_reply("{\"decision\":\"maybe\"}", false).ok);
  CHECK_FALSE(parse_reply("garbage", false).ok);
}

TEST_CASE("replies: updated input is kept as a JSON object", "[hooks][reply]") {
  auto r = parse_reply(R"({"decision":"allow","modified_input":{"a": [1, 2]}})", true);
  CHECK(r.extras.updated_input == R"({"a":[1,2]})");
  r = parse_reply(
      R"({"hookSpecificOutput":{"permissionDecision":"allow","updatedInput":{"b":"c"}}})", true);
  CHECK(r.extras.updated_input == R"({"b":"c"})");
}

TEST_CASE("hook input: fields and the request body", "[hooks][input]") {
  const auto in = parse_hook_input(
      R"({"hook_event_name":"pre_tool_use","session_id":"s","tool_name":"Bash","tool_input":{"command":"ls \"x\""}})");
  CHECK(in.event == "PreToolUse");
  CHECK(in.session_id == "s");
  CHECK(in.tool_name == "Bash");
  CHECK(in.has_tool_name);
  CHECK(
      in.body ==
      R"({"session_id":"s","tool_name":"Bash","tool_input":{"command":"ls \"x\""},"hook_event":"PreToolUse","hook_event_name":"PreToolUse"})");
  const auto stop = parse_hook_input(R"({"hook_event":"Stop"})");
  CHECK(stop.event == "Stop");
  CHECK_FALSE(stop.has_tool_name);
  CHECK(stop.body == R"({"hook_event":"Stop","hook_event_name":"Stop"})");
}

TEST_CASE("hook input: canonical names keep the input text and add what is missing",
          "[hooks][input]") {
  const std::string text =
      R"( {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"a": [1, 2]}} )";
  CHECK(
      parse_hook_input(text).body ==
      R"( {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"a": [1, 2]},"hook_event":"PreToolUse"})");
  CHECK(parse_hook_input(R"({"hook_event":"Stop","x":1})").body ==
        R"({"hook_event":"Stop","x":1,"hook_event_name":"Stop"})");
  CHECK(parse_hook_input(R"({"hook_event":"Stop","hook_event_name":"Stop"})").body ==
        R"({"hook_event":"Stop","hook_event_name":"Stop"})");
  // A snake_case name is rewritten, so the webhook sees the canonical name only.
  CHECK(parse_hook_input(R"({"hook_event":"Stop","hook_event_name":"stop"})").body ==
        R"({"hook_event":"Stop","hook_event_name":"Stop"})");
}

TEST_CASE("hook input: event names in any case are canonical, other characters rejected",
          "[hooks][input]") {
  for (const char *name : {"pretooluse", "PRE_TOOL_USE", "Pre_Tool_Use"}) {
    INFO(name);
    CHECK(parse_hook_input(std::string(R"({"hook_event_name":")") + name + "\"}").event ==
          "PreToolUse");
  }
  for (const char *name : {" PreToolUse", "Pre-Tool-Use", "", "PreToolUse\\n"}) {
    INFO(name);
    try {
      (void)parse_hook_input(std::string(R"({"hook_event_name":")") + name + "\"}");
      FAIL("no exception");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
    }
  }
  try {  // an invalid alias next to a valid name is not ignored
    (void)parse_hook_input(R"({"hook_event_name":"PreToolUse","hook_event":"Pre-Tool-Use"})");
    FAIL("no exception");
  } catch (const agenthost::Error &e) {
    CHECK(e.code() == agenthost::Errc::invalid_argument);
  }
}

TEST_CASE("hook input: duplicate keys are rejected", "[hooks][input]") {
  for (const char *text :
       {R"({"hook_event_name":"PreToolUse","tool_name":"Read","tool_name":"Bash"})",
        R"({"hook_event_name":"PreToolUse","hook_event_name":"Stop"})"}) {
    INFO(text);
    try {
      (void)parse_hook_input(text);
      FAIL("no exception");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
      CHECK_THAT(e.what(), Catch::Contains("appears twice"));
    }
  }
}

TEST_CASE("hook input: nesting is limited", "[hooks][input]") {
  auto nested = [](std::size_t depth) {
    return R"({"hook_event_name":"Stop","x":)" + std::string(depth, '[') + std::string(depth, ']') +
           "}";
  };
  CHECK_NOTHROW(parse_hook_input(nested(agenthost::hooks::kMaxInputDepth - 2)));
  CHECK_THROWS_AS(parse_hook_input(nested(agenthost::hooks::kMaxInputDepth + 1)), agenthost::Error);
  // The limit survives the parser growing its buffers for a large input.
  const std::string big =
      R"({"hook_event_name":"Stop","pad":")" + std::string(1 << 20, 'p') + "\"}";
  CHECK_NOTHROW(parse_hook_input(big));
  CHECK_THROWS_AS(parse_hook_input(nested(agenthost::hooks::kMaxInputDepth + 1)), agenthost::Error);
}

TEST_CASE("JSON strings are escaped and always valid UTF-8", "[hooks][json]") {
  std::string out;
  agenthost::detail::append_json_string_lossy(out, std::string("a\"b\\c\n\x01\x7f", 8));
  CHECK(out == R"("a\"b\\c\n\u0001\u007f")");
  out.clear();
  agenthost::detail::append_json_string_lossy(out, "caf\xC3\xA9 \xFF");
  CHECK(out == "\"caf\xC3\xA9 \xEF\xBF\xBD\"");
}

namespace {

// One decision field of hookSpecificOutput, with its value and what it decides where it counts.
struct ShapeCase {
  const char *shape;  // the events' shape that defines the field
  const char *field;  // JSON text of the field
  Decision decision;
};

// The decision field each event's shape defines (Claude Code's hooks reference, "Decision
// control", and the SDK's <Event>HookSpecificOutput types), written out here independently of
// src/hooks/event_table.cpp.
std::string shape_of(std::string_view event) {
  if (event == "PreToolUse" || event == "PreModelSwitch" || event == "PreSkillShellCommand") {
    return "permissionDecision";
  }
  if (event == "PermissionRequest") return "decision.behavior";
  if (event == "Elicitation" || event == "ElicitationResult") return "action";
  return "";
}

}  // namespace

TEST_CASE("replies: a decision field decides only the events whose shape defines it",
          "[hooks][reply][shapes]") {
  const ShapeCase cases[] = {
      {"permissionDecision", R"("permissionDecision":"allow")", Decision::allow},
      {"permissionDecision", R"("permissionDecision":"deny")", Decision::deny},
      {"permissionDecision", R"("permissionDecision":"ask")", Decision::ask},
      {"permissionDecision", R"("permissionDecision":"defer")", Decision::defer},
      {"decision.behavior", R"("decision":{"behavior":"allow"})", Decision::allow},
      {"decision.behavior", R"("decision":{"behavior":"deny"})", Decision::deny},
      {"action", R"("action":"accept")", Decision::allow},
      {"action", R"("action":"decline")", Decision::deny},
      {"action", R"("action":"cancel")", Decision::deny},
  };
  std::vector<std::string> events;
  const auto table = agenthost::hooks::known_events();
  for (const auto *e = table.begin; e != table.end; ++e) events.emplace_back(e->name);
  events.emplace_back("MyCustomEvent");  // an event agenthost does not know: no shape
  std::size_t counted = 0;
  for (const auto &event : events) {
    for (const auto &c : cases) {
      for (const bool named : {true, false}) {
        const std::string body = std::string(R"({"hookSpecificOutput":{)") +
                                 (named ? R"("hookEventName":")" + event + "\"," : "") + c.field +
                                 "}}";
        INFO(event << " " << body);
        const ReplyRules required{event, true, true};
        const ReplyRules optional{event, false, true};
        const auto r = agenthost::hooks::parse_reply(body, required);
        const auto ack = agenthost::hooks::parse_reply(body, optional);
        // The reply is kept verbatim whether or not its field decides.
        CHECK(ack.hook_specific_output == simdjson_minified(body));
        if (shape_of(event) == c.shape) {
          ++counted;
          REQUIRE(r.ok);
          CHECK(r.has_decision);
          // PreSkillShellCommand: ask and defer keep the command from running.
          const bool skill_refusal = event == "PreSkillShellCommand" &&
                                     (c.decision == Decision::ask || c.decision == Decision::defer);
          CHECK(r.decision == (skill_refusal ? Decision::deny : c.decision));
        } else {
          // Another event's field decides nothing: where a decision is required (every gate
          // event), the reply has none and is invalid, a failure that denies.
          CHECK_FALSE(r.ok);
          CHECK_FALSE(r.has_decision);
          CHECK(r.problem == "the reply has no decision");
          CHECK(ack.ok);
          CHECK_FALSE(ack.has_decision);
        }
      }
    }
  }
  // 3 permissionDecision events x 4 values + 2 behaviours + 2 action events x 3, named or not.
  CHECK(counted == 2 * (3 * 4 + 2 + 2 * 3));
}

TEST_CASE("replies: the issue's cross-event replies never allow a gate event",
          "[hooks][reply][shapes]") {
  const std::pair<const char *, const char *> cases[] = {
      {"PreToolUse", R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","action":"accept"}})"},
      {"PreToolUse",
       R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","decision":{"behavior":"allow"}}})"},
      {"PermissionRequest",
       R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","permissionDecision":"allow"}})"},
      {"PermissionRequest",
       R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","action":"accept"}})"},
      {"PreSkillShellCommand",
       R"({"hookSpecificOutput":{"hookEventName":"PreSkillShellCommand","action":"accept"}})"},
      {"PreSkillShellCommand",
       R"({"hookSpecificOutput":{"hookEventName":"PreSkillShellCommand","decision":{"behavior":"allow"}}})"},
  };
  for (const auto &[event, body] : cases) {
    INFO(event << " " << body);
    const auto r = agenthost::hooks::parse_reply(body, ReplyRules{event, true, true});
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.has_decision);
  }
  // Beside the event's own decision, another event's field changes nothing either way.
  const auto own = agenthost::hooks::parse_reply(
      R"({"hookSpecificOutput":{"permissionDecision":"deny","action":"accept","decision":{"behavior":"allow"}}})",
      ReplyRules{"PreToolUse", true, true});
  CHECK(own.ok);
  CHECK(own.decision == Decision::deny);
  // Another event's field is not type-checked: it is not a field of this event.
  const auto odd = agenthost::hooks::parse_reply(
      R"({"hookSpecificOutput":{"permissionDecision":"allow","action":7,"decision":"x"}})",
      ReplyRules{"PreToolUse", true, true});
  CHECK(odd.ok);
  CHECK(odd.decision == Decision::allow);
}

TEST_CASE("replies: the top-level decision (the Python service's shape) decides every event",
          "[hooks][reply][shapes]") {
  const std::pair<const char *, Decision> words[] = {{"allow", Decision::allow},
                                                     {"deny", Decision::deny},
                                                     {"ask", Decision::ask},
                                                     {"approve", Decision::allow},
                                                     {"block", Decision::deny}};
  const auto table = agenthost::hooks::known_events();
  for (const auto *e = table.begin; e != table.end; ++e) {
    for (const auto &[word, decision] : words) {
      const std::string event(e->name);
      INFO(event << " " << word);
      const auto r = agenthost::hooks::parse_reply(std::string(R"({"decision":")") + word + "\"}",
                                                   ReplyRules{event, true, true});
      REQUIRE(r.ok);
      CHECK(r.has_decision);
      const bool skill_refusal = event == "PreSkillShellCommand" && decision == Decision::ask;
      CHECK(r.decision == (skill_refusal ? Decision::deny : decision));
    }
  }
}

TEST_CASE("hook input: a key given twice anywhere in it is rejected, naming it", "[hooks][input]") {
  // The policy's matcher and the webhook must read the same tool, and the webhook one input.
  struct Case {
    const char *text;
    const char *key;
  };
  const Case cases[] = {
      {R"({"hook_event_name":"PreToolUse","tool_name":"Read","tool\u005fname":"Bash"})",
       "tool_name"},
      {R"({"hook_event":"PreToolUse","hook_event":"Stop"})", "hook_event"},
      {R"({"hook_event_name":"PreToolUse","tool_name":"Bash",
           "tool_input":{"command":"ls","command":"rm -rf /"}})",
       "tool_input.command"},
      {R"({"hook_event_name":"PreToolUse","tool_name":"MultiEdit",
           "tool_input":{"edits":[{"old_string":"a","new_string":"b","new_string":"c"}]}})",
       "tool_input.edits[0].new_string"},
  };
  for (const auto &c : cases) {
    INFO(c.text);
    try {
      (void)parse_hook_input(c.text);
      FAIL("no exception");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
      CHECK(std::string(e.what()) ==
            std::string("hook input: the key \"") + c.key + "\" appears twice");
    }
  }
  CHECK(parse_hook_input(R"({"hook_event_name":"PreToolUse","tool_name":"Bash",
      "tool_input":{"tool_name":"x","a":{"tool_name":"y"}}})")
            .tool_name == "Bash");
}

TEST_CASE("replies: a key given twice in a nested object is invalid, whatever it decides",
          "[hooks][reply]") {
  for (const char *body : {
           R"({"decision":"allow","modified_input":{"command":"ls","command":"rm -rf /"}})",
           R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow",
               "updatedInput":{"command":"ls","command":"rm -rf /"}}})",
           R"({"decision":"deny","reason":"r","extra":{"a":[{"b":1,"b":2}]}})",
           R"({"decision":"allow","\u0064ecision":"deny"})",
       }) {
    INFO(body);
    for (bool required : {true, false}) {
      const auto r = parse_reply(body, required);
      CHECK_FALSE(r.ok);
      CHECK_FALSE(r.has_decision);
      CHECK_THAT(r.problem, Catch::Contains("appears twice"));
    }
  }
  CHECK(parse_reply(R"({"decision":"allow","modified_input":{"command":"ls","command":"x"}})", true)
            .problem == "the key \"modified_input.command\" appears twice");
}
