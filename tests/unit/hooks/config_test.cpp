// Hook configuration: accepted forms and every rejected one, with the event, index and field.
#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "hooks/event_table.hpp"
#include "hooks/hook_config.hpp"
#include "hooks/matcher.hpp"
#include "hooks/webhook_url.hpp"

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
