// Hook configuration: accepted forms and every rejected one, with the event, index and field.
#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "common/json_string.hpp"
#include "hooks/config/hook_config.hpp"
#include "hooks/config/matcher.hpp"
#include "hooks/config/webhook_url.hpp"
#include "hooks/event_table.hpp"
#include "hooks/hook_input.hpp"

using agenthost::Decision;
using agenthost::Errc;
using agenthost::Error;
using agenthost::hooks::parse_hook_config;

namespace {

std::string error_of(const std::string &config) {
  try {
    (void)parse_hook_config(config);
  } catch (const Error &e) {
    CHECK(e.code() == Errc::invalid_argument);
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("event names: snake_case and PascalCase are one name", "[hooks][config]") {
  using agenthost::hooks::canonical_event_name;
  CHECK(canonical_event_name("pre_tool_use") == "PreToolUse");
  CHECK(canonical_event_name("PreToolUse") == "PreToolUse");
  CHECK(canonical_event_name("user_prompt_submit") == "UserPromptSubmit");
  CHECK(canonical_event_name("stop") == "Stop");
  CHECK(canonical_event_name("SubagentStop") == "SubagentStop");
}

TEST_CASE("event names: case and '_' never matter, other characters are invalid",
          "[hooks][config]") {
  using agenthost::hooks::canonical_event_name;
  for (const char *name : {"pretooluse", "PRE_TOOL_USE", "PreToolUse", "pre_tool_use",
                           "Pre_Tool_Use", "PRETOOLUSE", "_pre__tool_use_"}) {
    INFO(name);
    CHECK(canonical_event_name(name) == "PreToolUse");
  }
  CHECK(canonical_event_name("POST_TOOL_USE_FAILURE") == "PostToolUseFailure");
  CHECK(canonical_event_name("permissionrequest") == "PermissionRequest");
  CHECK(canonical_event_name("PRE_COMPACT") == "PreCompact");
  CHECK(canonical_event_name("post_tool_batch") == "PostToolBatch");
  CHECK(canonical_event_name("PRE_SKILL_SHELL_COMMAND") == "PreSkillShellCommand");
  // Unknown events are passed on exactly as spelled (no lower-casing).
  CHECK(canonical_event_name("Some_Future_Event") == "Some_Future_Event");
  CHECK(canonical_event_name("SOMEFUTUREEVENT") == "SOMEFUTUREEVENT");
  for (const char *bad :
       {"", "_", " PreToolUse", "PreToolUse ", "Pre-Tool-Use", "Pre.Tool", "Pre\xc3\xa9Tool"}) {
    INFO(bad);
    CHECK(canonical_event_name(bad).empty());
  }
}

TEST_CASE("config keys in any case are one event and keep the PreToolUse default",
          "[hooks][config]") {
  const auto events = parse_hook_config(R"({"PRE_TOOL_USE": {"url": "https://a.internal/"}})");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "PreToolUse");
  CHECK(events[0].hooks[0].on_failure == Decision::deny);
  CHECK_THAT(error_of(R"({"PreToolUse": [], "pretooluse": []})"),
             Catch::Contains("configured twice"));
  CHECK_THAT(error_of(R"({"Pre-Tool-Use": []})"), Catch::Contains("is not an event name"));
  CHECK_THAT(error_of(R"({" PreToolUse": []})"), Catch::Contains("is not an event name"));
  CHECK_THAT(error_of(R"({"": []})"), Catch::Contains("is not an event name"));
}

TEST_CASE("a valid configuration in all its forms", "[hooks][config]") {
  const auto events = parse_hook_config(R"({
    "pre_tool_use": [
      {"url": "https://policy.internal/hook", "matcher": "Bash|Write", "timeout_ms": 2000,
       "headers": {"Authorization": "Bearer x"}, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
       "on_failure": "deny", "unknown_field": [1, 2]},
      {"url": "http://10.0.0.1:8080/b", "timeout": 1.5}
    ],
    "Stop": {"url": "https://audit.internal/stop", "timeout": 30},
    "Notification": {"url": "https://n.internal/", "on_failure": "deny"},
    "SomeFutureEvent": []
  })");
  REQUIRE(events.size() == 4);
  CHECK(events[0].event == "PreToolUse");
  REQUIRE(events[0].hooks.size() == 2);
  const auto &h0 = events[0].hooks[0];
  CHECK(h0.timeout.count() == 2000);
  CHECK(h0.signer.has_value());
  CHECK(h0.on_failure == Decision::deny);
  REQUIRE(h0.headers.size() == 1);
  CHECK(h0.headers[0] == "Authorization: Bearer x");
  CHECK(h0.matcher.matches("Write"));
  CHECK_FALSE(h0.matcher.matches("Read"));
  CHECK(events[0].hooks[1].timeout.count() == 1500);
  CHECK(events[0].hooks[1].on_failure == Decision::deny);  // PreToolUse default
  CHECK(events[1].event == "Stop");
  CHECK(events[1].hooks[0].timeout.count() == 30000);
  CHECK(events[1].hooks[0].on_failure == Decision::allow);  // default elsewhere
  CHECK(events[2].hooks[0].on_failure == Decision::deny);
  CHECK(events[2].hooks[0].timeout.count() == 30000);  // the default timeout
  CHECK(events[3].hooks.empty());
}

TEST_CASE("every configuration error names the event, hook index and field", "[hooks][config]") {
  struct Case {
    const char *config;
    const char *names;
  };
  const Case cases[] = {
      {R"({"PreToolUse": {"matcher": "Bash"}})", "PreToolUse[0].url: is required"},
      {R"({"PreToolUse": {"url": 5}})", "PreToolUse[0].url: must be a string"},
      {R"({"PreToolUse": {"url": "/relative/path"}})", "PreToolUse[0].url"},
      {R"({"PreToolUse": {"url": "ftp://example.com/x"}})", "PreToolUse[0].url"},
      {R"({"PreToolUse": {"url": "file:///etc/passwd"}})", "PreToolUse[0].url"},
      {R"({"PreToolUse": {"url": "http://"}})", "PreToolUse[0].url"},
      {R"({"PreToolUse": {"url": "http://a b/"}})", "PreToolUse[0].url"},
      {R"({"Stop": [{"url": "http://a/"}, {"url": "http://a/", "timeout": 0}]})",
       "Stop[1].timeout"},
      {R"({"Stop": {"url": "http://a/", "timeout": 301}})", "Stop[0].timeout"},
      {R"({"Stop": {"url": "http://a/", "timeout": "30"}})", "Stop[0].timeout"},
      {R"({"Stop": {"url": "http://a/", "timeout_ms": 0}})", "Stop[0].timeout_ms"},
      {R"({"Stop": {"url": "http://a/", "timeout_ms": 300001}})", "Stop[0].timeout_ms"},
      {R"({"Stop": {"url": "http://a/", "timeout_ms": 2.5}})", "Stop[0].timeout_ms"},
      {R"({"Stop": {"url": "http://a/", "timeout": 5, "timeout_ms": 5000}})", "Stop[0].timeout_ms"},
      {R"({"Stop": {"url": "http://a/", "matcher": 7}})", "Stop[0].matcher"},
      {R"({"Stop": {"url": "http://a/", "matcher": "(unclosed"}})",
       "Stop[0].matcher: invalid regex"},
      {R"({"Stop": {"url": "http://a/", "headers": ["x"]}})", "Stop[0].headers"},
      {R"({"Stop": {"url": "http://a/", "headers": {"X-A": 1}}})", "Stop[0].headers.X-A"},
      {R"({"Stop": {"url": "http://a/", "headers": {"Bad Name": "v"}}})", "Stop[0].headers"},
      {R"({"Stop": [{"url": "http://a/"}, {"url": "http://a/", "headers": {"X-A": ""}}]})",
       "Stop[1].headers.X-A: the value is empty"},
      {R"({"Stop": {"url": "http://a/", "headers": {"content-type": "text/plain"}}})",
       "Stop[0].headers.content-type: is set by the webhook transport"},
      {R"({"Stop": {"url": "http://a/", "headers": {"HOST": "evil"}}})", "Stop[0].headers.HOST"},
      {R"({"Stop": {"url": "http://a/", "headers": {"Content-Length": "1"}}})",
       "Stop[0].headers.Content-Length"},
      {R"({"Stop": {"url": "http://a/", "headers": {"Expect": "100-continue"}}})",
       "Stop[0].headers.Expect"},
      {R"({"Stop": {"url": "http://a/", "headers": {"transfer-encoding": "chunked"}}})",
       "Stop[0].headers.transfer-encoding"},
      {R"({"Stop": {"url": "http://a/", "headers": {"Connection": "close"}}})",
       "Stop[0].headers.Connection"},
      {R"({"Stop": {"url": "http://a/", "headers": {"Webhook-Id": "x"}}})",
       "Stop[0].headers.Webhook-Id"},
      {R"({"Stop": {"url": "http://a/", "headers": {"WEBHOOK-TIMESTAMP": "1"}}})",
       "Stop[0].headers.WEBHOOK-TIMESTAMP"},
      {R"({"Stop": {"url": "http://a/", "headers": {"webhook-signature": "v1,x"}}})",
       "Stop[0].headers.webhook-signature"},
      {R"({"Stop": {"url": "http://a/", "secret": 12}})", "Stop[0].secret"},
      {R"({"Stop": {"url": "http://a/", "secret": "MfKQ9r8GKYqrTwjUPD8ILPZIo"}})",
       "Stop[0].secret"},
      {R"({"Stop": {"url": "http://a/", "secret": "whsec_%%%%"}})", "Stop[0].secret"},
      {R"({"Stop": {"url": "http://a/", "secret": "whsec_"}})", "Stop[0].secret"},
      {R"({"Stop": {"url": "http://a/", "on_failure": "maybe"}})", "Stop[0].on_failure"},
      {R"({"PreToolUse": {"url": "http://a/", "on_failure": "allow"}})",
       "PreToolUse[0].on_failure: \"allow\" is not permitted for PreToolUse"},
      {R"({"PermissionRequest": {"url": "http://a/", "on_failure": "allow"}})",
       "PermissionRequest[0].on_failure: \"allow\" is not permitted"},
      {R"({"PreSkillShellCommand": {"url": "http://a/", "on_failure": "allow"}})",
       "PreSkillShellCommand[0].on_failure: \"allow\" is not permitted"},
      {R"({"Stop": [{"url": "http://a/"}, "http://b/"]})", "Stop[1]: a hook must be an object"},
      {R"({"Stop": 5})", "Stop[0]"},
      {R"({"Stop": {"url": "http://a/"}, "stop": {"url": "http://b/"}})",
       "Stop: the event is configured twice"},
      {R"([])", "must be a JSON object"},
      {R"({"Stop": )", "not valid JSON"},
  };
  for (const auto &c : cases) {
    INFO(c.config);
    CHECK_THAT(error_of(c.config), Catch::Contains(std::string("hooks config: ") + c.names));
  }
}

TEST_CASE("event kinds: gate and blocking events fail closed by default, the rest allow",
          "[hooks][config]") {
  using agenthost::hooks::EventKind;
  const auto events = parse_hook_config(R"({
    "PermissionRequest": {"url": "http://a/"}, "PreSkillShellCommand": {"url": "http://a/"},
    "UserPromptSubmit": {"url": "http://a/"}, "Elicitation": {"url": "http://a/"},
    "ConfigChange": {"url": "http://a/", "on_failure": "allow"},
    "Stop": {"url": "http://a/"}, "PostToolBatch": {"url": "http://a/"},
    "MyOwnEvent": {"url": "http://a/"}, "MyGate": {"url": "http://a/", "on_failure": "deny"}})");
  REQUIRE(events.size() == 9);
  struct Expect {
    const char *event;
    Decision on_failure;
    bool decision_required;
    bool can_block;
  };
  const Expect expected[] = {
      {"PermissionRequest", Decision::deny, true, true},
      {"PreSkillShellCommand", Decision::deny, true, true},
      {"UserPromptSubmit", Decision::deny, false, true},
      {"Elicitation", Decision::deny, false, true},
      {"ConfigChange", Decision::allow, false, true},
      {"Stop", Decision::allow, false, false},
      {"PostToolBatch", Decision::allow, false, false},
      {"MyOwnEvent", Decision::allow, false, false},
      {"MyGate", Decision::deny, true, true},
  };
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO(expected[i].event);
    CHECK(events[i].event == expected[i].event);
    CHECK(events[i].hooks[0].on_failure == expected[i].on_failure);
    CHECK(events[i].hooks[0].decision_required == expected[i].decision_required);
    CHECK(events[i].hooks[0].can_block == expected[i].can_block);
  }
  const auto table = agenthost::hooks::known_events();
  CHECK(table.end - table.begin == 35);
  CHECK(agenthost::hooks::event_kind("PreToolUse") == EventKind::gate);
  CHECK(agenthost::hooks::event_kind("NotAnEvent") == EventKind::informational);
}

TEST_CASE("Claude Code settings format: http hooks, matcher groups, allowed variables",
          "[hooks][config][settings]") {
  setenv("AGENTHOST_TEST_TOKEN", "tok-123", 1);  // NOLINT(concurrency-mt-unsafe)
  setenv("AGENTHOST_TEST_HIDDEN", "hidden", 1);  // NOLINT(concurrency-mt-unsafe)
  const auto events = parse_hook_config(R"J({
    "permissions": {"allow": ["Bash(ls)"]}, "model": "x",
    "hooks": {
      "PreToolUse": [
        {"matcher": "Bash", "hooks": [{"type": "http", "url": "http://a/pre", "timeout": 5,
          "headers": {"Authorization": "Bearer $AGENTHOST_TEST_TOKEN",
                      "X-Both": "${AGENTHOST_TEST_TOKEN}/$AGENTHOST_TEST_HIDDEN/$5/${x",
                      "X-Gone": "$AGENTHOST_TEST_HIDDEN"},
          "allowedEnvVars": ["AGENTHOST_TEST_TOKEN"], "statusMessage": "checking"}]},
        {"hooks": [{"type": "http", "url": "http://a/all", "onFailure": "block"}]}
      ],
      "post_tool_use": [{"matcher": "Write|Edit", "hooks": [
        {"type": "http", "url": "http://a/post", "onFailure": "continue"}]}]
    }})J");
  REQUIRE(events.size() == 2);
  CHECK(events[0].event == "PreToolUse");
  REQUIRE(events[0].hooks.size() == 2);
  const auto &h = events[0].hooks[0];
  CHECK(h.where == "PreToolUse[0].hooks[0]");
  CHECK(h.timeout.count() == 5000);
  CHECK(h.matcher.matches("Bash"));
  CHECK_FALSE(h.matcher.matches("Write"));
  CHECK(h.headers ==
        std::vector<std::string>{"Authorization: Bearer tok-123", "X-Both: tok-123//$5/${x"});
  CHECK(h.on_failure == Decision::deny);
  CHECK(events[0].hooks[1].matcher.matches("Anything"));
  CHECK(events[0].hooks[1].on_failure == Decision::deny);
  CHECK(events[1].event == "PostToolUse");
  CHECK(events[1].hooks[0].on_failure == Decision::allow);
  CHECK(events[1].hooks[0].matcher.matches("Edit"));
  unsetenv("AGENTHOST_TEST_TOKEN");   // NOLINT(concurrency-mt-unsafe)
  unsetenv("AGENTHOST_TEST_HIDDEN");  // NOLINT(concurrency-mt-unsafe)
}

TEST_CASE("Claude Code settings format: an event beside \"hooks\" is refused, not dropped",
          "[hooks][config][settings]") {
  // A host's own PreToolUse gate merged with a user's settings file: dropping it would allow
  // every tool.
  const std::string mixed[] = {
      R"({"PreToolUse": [{"url": "http://a/gate"}], "hooks": {}})",
      R"({"hooks": {"PostToolUse": [{"hooks": [{"type": "http", "url": "http://a/p"}]}]},
          "permission_request": {"url": "http://a/gate"}})",
  };
  for (const auto &config : mixed) {
    INFO(config);
    CHECK_THAT(error_of(config), Catch::Contains("an event beside \"hooks\""));
  }
  // The settings file's other keys are still not ours.
  CHECK(error_of(R"({"hooks": {}, "permissions": {}, "env": {"A": "b"}, "model": "x"})") ==
        "(accepted)");
}

TEST_CASE("Claude Code settings format: hook types agenthost does not run are named errors",
          "[hooks][config][settings]") {
  struct Case {
    const char *config;
    const char *names;
  };
  const Case cases[] = {
      {R"({"hooks": {"PreToolUse": [{"hooks": [{"type": "http", "url": "http://a/"},
          {"type": "command", "command": "x"}]}]}})",
       "PreToolUse[0].hooks[1].type: \"command\" hooks are not run by agenthost"},
      {R"({"hooks": {"Stop": [{"hooks": []}, {"hooks": [{"type": "prompt", "prompt": "x"}]}]}})",
       "Stop[1].hooks[0].type: \"prompt\" hooks are not run"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "agent"}]}]}})", "Stop[0].hooks[0].type"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "mcp_tool"}]}]}})", "Stop[0].hooks[0].type"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "carrier-pigeon"}]}]}})",
       "Stop[0].hooks[0].type: \"carrier-pigeon\" is not a hook type"},
      {R"({"hooks": {"Stop": [{"hooks": [{"url": "http://a/"}]}]}})",
       "Stop[0].hooks[0].type: is required"},
      {R"({"hooks": {"Stop": [{"matcher": "x"}]}})", "Stop[0].hooks: is required"},
      {R"({"hooks": {"Stop": {"hooks": []}}})", "Stop: must be an array of matcher groups"},
      {R"({"hooks": {"PreToolUse": [{"hooks": [{"type": "http", "url": "http://a/",
          "onFailure": "continue"}]}]}})",
       "PreToolUse[0].hooks[0].onFailure: \"continue\" is not permitted for PreToolUse"},
      {R"J({"hooks": {"Stop": [{"hooks": [{"type": "http", "url": "http://a/",
          "if": "Bash(git *)"}]}]}})J",
       "Stop[0].hooks[0].if: permission-rule filters are not supported"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "http", "url": "http://a/", "async": true}]}]}})",
       "Stop[0].hooks[0].async"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "http", "url": "http://a/",
          "allowedEnvVars": ["NOT-A-NAME"]}]}]}})",
       "Stop[0].hooks[0].allowedEnvVars"},
      {R"({"hooks": {"Stop": [{"matcher": "(", "hooks": [{"type": "http", "url": "http://a/"}]}]}})",
       "Stop[0].matcher: invalid regex"},
  };
  for (const auto &c : cases) {
    INFO(c.config);
    CHECK_THAT(error_of(c.config), Catch::Contains(std::string("hooks config: ") + c.names));
  }
  // A variable that would inject a header line is refused without echoing it.
  setenv("AGENTHOST_TEST_EVIL", "x\r\nX-Injected: TOPSECRET", 1);  // NOLINT(concurrency-mt-unsafe)
  const auto evil = error_of(R"({"hooks": {"Stop": [{"hooks": [{"type": "http", "url": "http://a/",
      "headers": {"X-A": "$AGENTHOST_TEST_EVIL"}, "allowedEnvVars": ["AGENTHOST_TEST_EVIL"]}]}]}})");
  CHECK_THAT(evil, Catch::Contains("Stop[0].hooks[0].headers.X-A: an environment variable"));
  CHECK_THAT(evil, !Catch::Contains("TOPSECRET"));
  unsetenv("AGENTHOST_TEST_EVIL");  // NOLINT(concurrency-mt-unsafe)
}

TEST_CASE("configuration errors never echo secrets, header values or URL credentials",
          "[hooks][config]") {
  CHECK_THAT(error_of(R"({"Stop": {"url": "http://a/", "secret": "whsec_TOPSECRET%%"}})"),
             !Catch::Contains("TOPSECRET"));
  CHECK_THAT(
      error_of(
          R"({"Stop": {"url": "http://a/", "headers": {"Authorization": "Bearer TOPSECRET\n"}}})"),
      !Catch::Contains("TOPSECRET"));
  CHECK_THAT(error_of(R"({"Stop": {"url": "http://a/", "headers": {"Host": "TOPSECRET"}}})"),
             !Catch::Contains("TOPSECRET"));
  CHECK_THAT(error_of(R"({"Stop": {"url": "gopher://user:TOPSECRET@a/"}})"),
             !Catch::Contains("TOPSECRET"));
}

TEST_CASE("matchers: whole-name RE2 matches", "[hooks][matcher]") {
  using agenthost::hooks::Matcher;
  for (const char *all : {"", "*"}) {
    INFO(all);
    for (const char *tool : {"Bash", "", "mcp__x__y", "*", "a b"})
      CHECK(Matcher(all, "w").matches(tool));
  }
  Matcher alt("Write|Edit", "w");
  CHECK(alt.matches("Write"));
  CHECK(alt.matches("Edit"));
  CHECK_FALSE(alt.matches("WriteFile"));
  CHECK_FALSE(alt.matches("MultiEdit"));
  Matcher mcp("mcp__.*", "w");
  CHECK(mcp.matches("mcp__server__tool"));
  CHECK_FALSE(mcp.matches("xmcp__server"));
  CHECK_FALSE(Matcher("Bash", "w").matches("Bash2"));
  CHECK_THROWS_AS(Matcher("a)", "w"), Error);
  // Linear time: a pattern that makes backtracking engines explode answers at once.
  CHECK_FALSE(Matcher("(a+)+b", "w").matches(std::string(5000, 'a')));
}

TEST_CASE("webhook URLs: display form drops credentials and query", "[hooks][config]") {
  const auto u =
      agenthost::hooks::parse_webhook_url("https://user:pw@h.example:8443/p/q?token=abc#f", "w");
  CHECK(u.display == "https://h.example:8443/p/q");
  CHECK(u.url == "https://user:pw@h.example:8443/p/q?token=abc#f");
  CHECK(agenthost::hooks::parse_webhook_url("http://h.example", "w").display ==
        "http://h.example/");
}

namespace {

enum class Format { settings, agenthost };

// The input field each event's matcher filters, written out from Claude Code's hooks reference
// ("Matcher patterns") independently of src/hooks/event_table.cpp; "" for events without
// matcher support.
std::string matcher_field(const std::string &event) {
  static const std::pair<const char *, const char *> fields[] = {
      {"PreToolUse", "tool_name"},
      {"PostToolUse", "tool_name"},
      {"PostToolUseFailure", "tool_name"},
      {"PermissionRequest", "tool_name"},
      {"PermissionDenied", "tool_name"},
      {"Notification", "notification_type"},
      {"SessionStart", "source"},
      {"SessionEnd", "reason"},
      {"Setup", "trigger"},
      {"PreCompact", "trigger"},
      {"PostCompact", "trigger"},
      {"SubagentStart", "agent_type"},
      {"SubagentStop", "agent_type"},
      {"ConfigChange", "source"},
      {"DirectoryAdded", "source"},
      {"StopFailure", "error"},
      {"FileChanged", "file_path"},
      {"InstructionsLoaded", "load_reason"},
      {"UserPromptExpansion", "command_name"},
      {"Elicitation", "mcp_server_name"},
      {"ElicitationResult", "mcp_server_name"},
      {"PreModelSwitch", "to_model"},
      {"PostModelSwitch", "to_model"},
  };
  for (const auto &[e, f] : fields) {
    if (event == e) return f;
  }
  return "";
}

std::string json_string(std::string_view s) {
  std::string out;
  agenthost::detail::append_json_string_lossy(out, s);
  return out;
}

std::string config_with(Format format, const std::string &event, const std::string &matcher) {
  if (format == Format::settings) {
    return R"({"hooks":{")" + event + R"(":[{"matcher":)" + json_string(matcher) +
           R"(,"hooks":[{"type":"http","url":"http://a/"}]}]}})";
  }
  return R"({")" + event + R"(":{"url":"http://a/","matcher":)" + json_string(matcher) + "}}";
}

// Whether the one hook of `config` runs for an input of `event` whose matcher field is `value`:
// the selection start_run() makes.
bool runs(const std::string &config, const std::string &event, const std::string &value) {
  const auto events = parse_hook_config(config);
  REQUIRE(events.size() == 1);
  REQUIRE(events[0].hooks.size() == 1);
  const std::string field = matcher_field(event);
  std::string input = R"({"hook_event_name":")" + event + "\"";
  // The tool name too, so that an event without matcher support shows it is not what filters.
  input += R"(,"tool_name":"NotTheValue")";
  if (!field.empty() && field != "tool_name") input += ",\"" + field + "\":" + json_string(value);
  if (field == "tool_name")
    input = R"({"hook_event_name":")" + event + R"(","tool_name":)" + json_string(value);
  const auto in = agenthost::hooks::parse_hook_input(input + "}");
  return !in.has_match_value || events[0].hooks[0].matcher.matches(in.match_value);
}

struct MatchCase {
  const char *event;
  const char *matcher;
  const char *value;
  bool settings;   // Claude Code runs the hook (the settings format must agree)
  bool agenthost;  // agenthost's own format: whole-value RE2
};

}  // namespace

TEST_CASE("matchers: matcher x value x event, in both formats", "[hooks][matcher]") {
  const MatchCase cases[] = {
      // Tool events filter the tool name. The issue's misses: a regex is searched.
      {"PreToolUse", "^mcp__", "mcp__github__delete_repo", true, false},
      {"PreToolUse", "Output$", "BashOutput", true, false},
      {"PreToolUse", "^Bash", "BashOutput", true, false},
      {"PreToolUse", "mcp__.*__delete", "mcp__github__delete_repo", true, false},
      {"PreToolUse", "mcp__.*", "mcp__github__delete_repo", true, true},
      {"PreToolUse", "Edit.*", "NotebookEdit", true, false},
      {"PreToolUse", "^Edit$", "NotebookEdit", false, false},
      {"PreToolUse", "^Edit$", "Edit", true, true},
      {"PreToolUse", "^mcp__", "Bash", false, false},
      // Exact names: never a prefix, a substring or a regex.
      {"PreToolUse", "Bash", "Bash", true, true},
      {"PreToolUse", "Bash", "BashOutput", false, false},
      {"PreToolUse", "Bash", "bash", false, false},
      {"PreToolUse", "mcp__memory", "mcp__memory__create_entities", false, false},
      {"PreToolUse", "Edit|Write", "Write", true, true},
      {"PreToolUse", "Edit|Write", "NotebookEdit", false, false},
      {"PreToolUse", "Edit, Write", "Write", true, false},
      {"PreToolUse", " Edit , Write ", "Edit", true, false},
      {"PreToolUse", "Edit,Write", "Edit,Write", false, true},
      {"PermissionRequest", "^Bash", "BashOutput", true, false},
      {"PermissionRequest", "Bash", "Bash", true, true},
      {"PostToolUse", "Write|Edit", "MultiEdit", false, false},
      {"PostToolUseFailure", "Bash.*", "Bash", true, true},
      {"PermissionDenied", "Read", "Read", true, true},
      // Match-all forms.
      {"PreToolUse", "*", "anything", true, true},
      {"PreToolUse", "", "anything", true, true},
      // Each event filters its own field.
      {"Notification", "idle_prompt", "idle_prompt", true, true},
      {"Notification", "idle_prompt", "permission_prompt", false, false},
      {"Notification", "prompt", "idle_prompt", false, false},
      {"Notification", "_prompt$", "idle_prompt", true, false},
      {"SessionStart", "startup|resume", "resume", true, true},
      {"SessionStart", "startup|resume", "clear", false, false},
      {"SessionEnd", "logout", "logout", true, true},
      {"Setup", "init", "maintenance", false, false},
      {"PreCompact", "manual", "auto", false, false},
      {"PreCompact", "manual", "manual", true, true},
      {"PostCompact", "auto", "auto", true, true},
      {"SubagentStart", "code-reviewer", "code-reviewer", true, true},
      {"SubagentStart", "code-reviewer", "senior-code-reviewer", false, false},
      {"SubagentStop", "Explore|Plan", "Plan", true, true},
      {"ConfigChange", "user_settings", "project_settings", false, false},
      {"DirectoryAdded", "slash_command", "slash_command", true, true},
      {"InstructionsLoaded", "session_start", "compact", false, false},
      {"UserPromptExpansion", "deploy", "deploy", true, true},
      {"UserPromptExpansion", "deploy", "deploy-prod", false, false},
      {"Elicitation", "github", "github", true, true},
      {"ElicitationResult", "^git", "github", true, false},
      {"PreModelSwitch", "haiku", "claude-haiku-4", false, false},
      {"PreModelSwitch", "haiku.*", "claude-haiku-4", true, false},
      {"PostModelSwitch", "claude-opus-4", "claude-opus-4", true, true},
      {"PostModelSwitch", "opus", "claude-opus-4", false, false},
      // StopFailure: letters, digits, '_' and '|' only are exact; '-', ' ' or ',' make a regex.
      {"StopFailure", "rate_limit|server_error", "server_error", true, true},
      {"StopFailure", "rate_limit,server_error", "server_error", false, false},
      {"StopFailure", "rate", "rate_limit", false, false},
      {"StopFailure", "rate.*", "rate_limit", true, true},
      {"StopFailure", "limit-x", "a_limit-x_b", true, false},
      // FileChanged: a '|'-separated list of file names, compared with the changed file's name.
      {"FileChanged", ".envrc|.env", "/home/u/p/.env", true, false},
      {"FileChanged", ".envrc|.env", "/home/u/p/x.env", false, false},
      {"FileChanged", "^\\.env", "/home/u/p/.env", false, false},
      {"FileChanged", "config/app.json", "/home/u/p/config/app.json", true, false},
      // No matcher support: Claude Code ignores the matcher, the hook always runs.
      {"UserPromptSubmit", "Bash", "anything", true, true},
      {"Stop", "^never$", "anything", true, true},
      {"PostToolBatch", "Bash", "anything", true, true},
      {"TaskCreated", "x", "anything", true, true},
      {"TaskCompleted", "x", "anything", true, true},
      {"TeammateIdle", "x", "anything", true, true},
      {"WorktreeCreate", "x", "anything", true, true},
      {"WorktreeRemove", "x", "anything", true, true},
      {"CwdChanged", "x", "anything", true, true},
      {"MessageDisplay", "x", "anything", true, true},
  };
  for (const auto &c : cases) {
    INFO(c.event << " matcher " << c.matcher << " value " << c.value);
    CHECK(runs(config_with(Format::settings, c.event, c.matcher), c.event, c.value) == c.settings);
    CHECK(runs(config_with(Format::agenthost, c.event, c.matcher), c.event, c.value) ==
          c.agenthost);
  }
}

TEST_CASE("matchers: input without the event's field runs the hook, a mistyped one is refused",
          "[hooks][matcher]") {
  for (const Format f : {Format::settings, Format::agenthost}) {
    const auto events = parse_hook_config(config_with(f, "Notification", "idle_prompt"));
    const auto in = agenthost::hooks::parse_hook_input(R"({"hook_event_name":"Notification"})");
    CHECK_FALSE(in.has_match_value);
    CHECK(events[0].hooks[0].matcher.matches("idle_prompt"));
  }
  // tool_name is not what a Notification matcher filters.
  const auto n = agenthost::hooks::parse_hook_input(
      R"({"hook_event_name":"Notification","tool_name":"Bash","notification_type":"idle_prompt"})");
  CHECK(n.match_value == "idle_prompt");
  CHECK(n.tool_name == "Bash");
  for (const char *text : {R"({"hook_event_name":"Notification","notification_type":5})",
                           R"({"hook_event_name":"SessionStart","source":["startup"]})"}) {
    INFO(text);
    CHECK_THROWS_AS(agenthost::hooks::parse_hook_input(text), Error);
  }
  // Events whose field the reference does not document, and unknown events: the tool name.
  CHECK(agenthost::hooks::parse_hook_input(
            R"({"hook_event_name":"PreSkillShellCommand","tool_name":"Bash","command_name":"c"})")
            .match_value == "Bash");
  CHECK_FALSE(agenthost::hooks::parse_hook_input(R"({"hook_event_name":"Stop","tool_name":"B"})")
                  .has_match_value);
}

TEST_CASE("matchers: settings-format regexes RE2 cannot read as JavaScript are refused",
          "[hooks][matcher]") {
  const std::pair<const char *, const char *> refused[] = {
      {"(?=Bash)", "invalid regex"},  // lookahead: RE2 has none
      {"(?<!x)Bash", "invalid regex"},      {"(B)\\1", "backreference"},
      {"\\ABash", "not read the same way"},  // JavaScript: the letter A
      {"Bash\\z", "not read the same way"}, {"\\QBash\\E", "not read the same way"},
      {"\\p{L}+", "not read the same way"}, {"\\x{41}", "not read the same way"},
      {"\\cA", "not read the same way"},    {"(?i)bash", "is not JavaScript"},
      {"(?P<n>Bash)", "is not JavaScript"}, {"[[:alpha:]]+", "POSIX class"},
      {"[^]", "empty and a full class"},    {"[]a]", "empty and a full class"},
      {"[\\b]", "not read the same way"},   {"(unclosed", "invalid regex"},
      {"a{1001}", "invalid regex"},
  };
  for (const auto &[matcher, why] : refused) {
    INFO(matcher);
    const std::string e = error_of(config_with(Format::settings, "PreToolUse", matcher));
    CHECK_THAT(e, Catch::Contains("PreToolUse[0].matcher"));
    CHECK_THAT(e, Catch::Contains(why));
  }
  // What JavaScript and RE2 read alike is accepted.
  for (const char *matcher : {"^mcp__\\w+__(read|write)$", "\\d+\\s\\.\\x41", "[a-z_-]+",
                              "(?:a|b)c", "\\bBash\\b", "a{2,3}", "[\\]\\[]"}) {
    INFO(matcher);
    CHECK(error_of(config_with(Format::settings, "PreToolUse", matcher)) == "(accepted)");
  }
  // An exact-name list that names nothing is ambiguous, not match-all or match-none.
  for (const char *matcher : {"|", " ", ",", " | , "}) {
    INFO("'" << matcher << "'");
    CHECK_THAT(error_of(config_with(Format::settings, "PreToolUse", matcher)),
               Catch::Contains("names nothing to match"));
  }
}

TEST_CASE("matchers: settings-format matchers on events whose field is not documented are refused",
          "[hooks][matcher]") {
  for (const char *event : {"PreSkillShellCommand", "Interrupt", "MyCustomEvent"}) {
    INFO(event);
    CHECK_THAT(error_of(config_with(Format::settings, event, "Bash")),
               Catch::Contains("does not document which field a matcher of"));
    for (const char *all : {"", "*"}) {
      CHECK(error_of(config_with(Format::settings, event, all)) == "(accepted)");
    }
    // agenthost's own format documents its fallback: the tool name.
    CHECK(error_of(config_with(Format::agenthost, event, "Bash")) == "(accepted)");
  }
}

TEST_CASE("a key given twice anywhere in a configuration or settings file is named",
          "[hooks][config][settings]") {
  // simdjson reads the first of two keys, Claude Code (JSON.parse) and most readers the last: a
  // policy must never run other hooks, URLs or matchers than the file says to another reader.
  struct Case {
    const char *config;
    const char *key;
  };
  const Case cases[] = {
      {R"({"PreToolUse": {"url": "http://a/", "url": "http://b/"}})", "PreToolUse.url"},
      {R"({"PreToolUse": [{"url": "http://a/"}, {"url": "http://a/", "matcher": "Read",
           "matcher": "Bash"}]})",
       "PreToolUse[1].matcher"},
      {R"({"Stop": {"url": "http://a/", "headers": {"X-A": "1", "X-A": "2"}}})",
       "Stop.headers.X-A"},
      {R"({"Stop": {"url": "http://a/", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo",
           "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIp"}})",
       "Stop.secret"},
      {R"({"Stop": {"url": "http://a/", "on_failure": "deny", "on_failure": "allow"}})",
       "Stop.on_failure"},
      {R"({"Stop": {"url": "http://a/"}, "Stop": {"url": "http://b/"}})", "Stop"},
      // Claude Code's settings format.
      {R"({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "http",
           "url": "http://a/"}]}]}, "hooks": {}})",
       "hooks"},
      {R"({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "http",
           "url": "http://a/"}], "hooks": []}]}})",
       "hooks.PreToolUse[0].hooks"},
      {R"({"hooks": {"PreToolUse": [{"matcher": "Read", "matcher": "Bash", "hooks": [
           {"type": "http", "url": "http://a/"}]}]}})",
       "hooks.PreToolUse[0].matcher"},
      {R"({"hooks": {"PreToolUse": [{"hooks": [{"type": "http", "url": "http://a/",
           "url": "http://b/"}]}]}})",
       "hooks.PreToolUse[0].hooks[0].url"},
      {R"({"hooks": {"Stop": [{"hooks": [{"type": "http", "type": "command",
           "url": "http://a/"}]}]}})",
       "hooks.Stop[0].hooks[0].type"},
      // The file's other settings are not ours, but a file that reads two ways is refused whole.
      {R"({"permissions": {"allow": [], "allow": ["Bash"]}, "hooks": {}})", "permissions.allow"},
  };
  for (const auto &c : cases) {
    INFO(c.config);
    const std::string error = error_of(c.config);
    CHECK(error == std::string("hooks config: the key \"") + c.key + "\" appears twice");
    CHECK(error.find("MfKQ9r8") == std::string::npos);
  }
}
