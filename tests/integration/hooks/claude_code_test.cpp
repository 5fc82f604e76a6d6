// HookPolicy with Claude Code's own reply shapes and settings format, against the real local
// webhook server: the fail-open regressions (PermissionRequest's decision object,
// PreSkillShellCommand's defer), defer as a decision that never feeds the breaker, continue
// false, event names passed on as spelled, and the C ABI's AGENTHOST_DEFER.
#include <agenthost.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "support/hook_test_util.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using agenthost::HookPolicyOptions;
using namespace agenthost::test;

TEST_CASE("security: a PermissionRequest deny reply denies (it read as allow before)",
          "[hooks][claude_code]") {
  WebhookServer server;
  HookPolicy policy("{\"PermissionRequest\":" + hook(server.url("/perm/deny")) + "}", private_ok());
  const auto v = policy.evaluate(hook_input("PermissionRequest"));
  CHECK(v.decision == Decision::deny);
  CHECK_FALSE(v.failed);
  CHECK(v.reason == "not on prod");
  CHECK(v.interrupt);

  HookPolicy allow("{\"PermissionRequest\":" + hook(server.url("/perm/allow")) + "}", private_ok());
  const auto a = allow.evaluate(hook_input("PermissionRequest"));
  CHECK(a.decision == Decision::allow);
  CHECK(a.updated_input == R"({"command":"ls"})");
  CHECK_FALSE(a.interrupt);
}

TEST_CASE("security: PreSkillShellCommand never allows on defer or on a failure",
          "[hooks][claude_code]") {
  WebhookServer server;
  const std::string refused = "http://127.0.0.1:" + std::to_string(free_port()) + "/hook";
  for (const std::string &url :
       {server.url("/skill/defer"), server.url("/garbage"), server.url("/nodecision"),
        server.url("/status500allow"), refused}) {
    INFO(url);
    HookPolicy policy("{\"PreSkillShellCommand\":" + hook(url) + "}", private_ok());
    const auto v = policy.evaluate(hook_input("PreSkillShellCommand"));
    CHECK(v.decision == Decision::deny);
  }
}

TEST_CASE("with the webhook down, every blocking event denies and informational ones allow",
          "[hooks][claude_code]") {
  const std::string url = "http://127.0.0.1:" + std::to_string(free_port()) + "/hook";
  for (const char *event : {"PreToolUse", "PermissionRequest", "PreSkillShellCommand",
                            "UserPromptSubmit", "PreCompact", "ConfigChange", "Elicitation"}) {
    INFO(event);
    HookPolicy policy(std::string("{\"") + event + "\":" + hook(url) + "}", private_ok());
    const auto v = policy.evaluate(hook_input(event));
    CHECK(v.decision == Decision::deny);
    CHECK(v.error == "connection");
  }
  for (const char *event : {"PostToolUse", "Stop", "SubagentStop", "Notification"}) {
    INFO(event);
    HookPolicy policy(std::string("{\"") + event + "\":" + hook(url) + "}", private_ok());
    CHECK(policy.evaluate(hook_input(event)).decision == Decision::allow);
  }
}

TEST_CASE("defer is a decision: it never fails and never opens the circuit",
          "[hooks][claude_code][breaker]") {
  WebhookServer server;
  HookPolicyOptions options = private_ok();
  options.failure_threshold = 2;
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/cc/defer")) + "}", options);
  for (int i = 0; i < 10; ++i) {
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    CHECK(v.decision == Decision::defer);
    CHECK_FALSE(v.failed);
    CHECK(v.reason == "host decides");
  }
  CHECK(server.request_count() == 10);  // every call reached the webhook: no open circuit
  const auto counters = policy.stats().events.at("PreToolUse");
  CHECK(counters.defer == 10);
  CHECK(counters.failed == 0);
  CHECK(counters.circuit_open == 0);
}

TEST_CASE("continue false stops the agent and overrides a PreToolUse allow",
          "[hooks][claude_code]") {
  WebhookServer server;
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/cc/stop")) + "}", private_ok());
  const auto v = policy.evaluate(hook_input("PreToolUse"));
  CHECK(v.decision == Decision::deny);
  CHECK_FALSE(v.continue_);
  CHECK(v.stop_reason == "budget spent");
  CHECK_THAT(v.to_json(), Catch::Contains(R"("continue":false,"stop_reason":"budget spent")"));
}

TEST_CASE("event names: known aliases become PascalCase, unknown names pass on as spelled",
          "[hooks][claude_code]") {
  WebhookServer server;
  HookPolicy policy("{\"PostToolBatch\":" + hook(server.url("/allow")) +
                        ",\"MyCustom_Event\":" + hook(server.url("/allow")) + "}",
                    private_ok());
  policy.evaluate(R"({"hook_event_name":"post_tool_batch","session_id":"s"})");
  CHECK_THAT(server.get("/_last_body"), Catch::Contains(R"("hook_event_name":"PostToolBatch")"));
  const auto v = policy.evaluate(R"({"hook_event_name":"MyCustom_Event","session_id":"s"})");
  REQUIRE(v.hooks.size() == 1);
  CHECK_THAT(server.get("/_last_body"), Catch::Contains(R"("hook_event_name":"MyCustom_Event")"));
  CHECK_THAT(server.get("/_last_body"), Catch::Contains(R"("hook_event":"MyCustom_Event")"));
  // Unknown names match exactly: another spelling is another event (no hooks: allow).
  CHECK(policy.evaluate(R"({"hook_event_name":"mycustomevent"})").hooks.empty());
}

TEST_CASE("a Claude Code settings file drives the policy, headers from allowed variables",
          "[hooks][claude_code][settings]") {
  WebhookServer server;
  setenv("AGENTHOST_TEST_HOOK_TOKEN", "s3cr3t", 1);  // NOLINT(concurrency-mt-unsafe)
  HookPolicy policy(R"({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
      {"type": "http", "url": ")" +
                        server.url("/cc/deny") + R"(", "timeout": 2,
       "headers": {"Authorization": "Bearer ${AGENTHOST_TEST_HOOK_TOKEN}", "X-Other": "$HOME"},
       "allowedEnvVars": ["AGENTHOST_TEST_HOOK_TOKEN"]}]}]}})",
                    private_ok());
  unsetenv("AGENTHOST_TEST_HOOK_TOKEN");  // NOLINT(concurrency-mt-unsafe)
  const auto v = policy.evaluate(hook_input("PreToolUse", "Bash"));
  CHECK(v.decision == Decision::deny);
  CHECK(v.reason == "cc deny");
  const std::string headers = server.get("/_last_headers");
  CHECK_THAT(headers, Catch::Contains("authorization: Bearer s3cr3t"));
  CHECK_THAT(headers, !Catch::Contains("x-other"));  // $HOME is not allowed: empty, left out
  CHECK(policy.evaluate(hook_input("PreToolUse", "Write")).reason == "no hook matched");
}

TEST_CASE("C ABI: AGENTHOST_DEFER and its name", "[hooks][claude_code][capi]") {
  CHECK(std::string(agenthost_decision_name(AGENTHOST_DEFER)) == "defer");
  CHECK(std::string(agenthost_decision_name(AGENTHOST_ASK)) == "ask");
  CHECK(std::string(agenthost_decision_name(static_cast<agenthost_decision>(42))) == "deny");
  WebhookServer server;
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.allow_private_networks = 1;
  agenthost_hook_policy *p = nullptr;
  const std::string config = "{\"PreToolUse\":" + hook(server.url("/cc/defer")) + "}";
  REQUIRE(agenthost_hook_policy_create(config.c_str(), &opts, &p) == AGENTHOST_OK);
  const std::string input = hook_input("PreToolUse");
  agenthost_verdict *v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, input.data(), input.size(), &v) == AGENTHOST_OK);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DEFER);
  size_t len = 0;
  const std::string json(agenthost_verdict_json(v, &len));
  CHECK_THAT(json,
             Catch::StartsWith(R"({"decision":"defer","reason":"host decides","failed":false)"));
  CHECK_THAT(json, Catch::Contains(R"("hook_specific_output":{"hookEventName":"PreToolUse")"));
  agenthost_verdict_free(v);
  agenthost_hook_policy_free(p);
}

TEST_CASE("security: another event's reply shape never decides a gate event",
          "[hooks][claude_code][shapes]") {
  WebhookServer server;
  struct Case {
    const char *event;
    const char *path;
    Decision decision;
    bool failed;
  };
  const Case cases[] = {
      // The event's own shape decides.
      {"PreToolUse", "/shape/permission_allow", Decision::allow, false},
      {"PermissionRequest", "/shape/behavior_allow", Decision::allow, false},
      {"PreSkillShellCommand", "/shape/permission_allow", Decision::allow, false},
      {"Elicitation", "/shape/action_accept", Decision::allow, false},
      // Another event's shape decides nothing: a gate event has no decision and fails closed.
      {"PreToolUse", "/shape/action_accept", Decision::deny, true},
      {"PreToolUse", "/shape/behavior_allow", Decision::deny, true},
      {"PermissionRequest", "/shape/permission_allow", Decision::deny, true},
      {"PermissionRequest", "/shape/action_accept", Decision::deny, true},
      {"PreSkillShellCommand", "/shape/action_accept", Decision::deny, true},
      {"PreSkillShellCommand", "/shape/behavior_allow", Decision::deny, true},
      // Where no decision is required, the reply is an acknowledgement that keeps the field
      // verbatim: a PermissionRequest allow does not allow an Elicitation, nor a deny deny it.
      {"Elicitation", "/shape/behavior_allow", Decision::allow, false},
      {"PostToolUse", "/shape/permission_allow", Decision::allow, false},
  };
  for (const Mode mode : {Mode::sync, Mode::async}) {
    for (const auto &c : cases) {
      INFO(c.event << " " << c.path << (mode == Mode::sync ? " sync" : " async"));
      HookPolicy policy(std::string("{\"") + c.event + "\":" + hook(server.url(c.path)) + "}",
                        private_ok());
      const auto v = evaluate_in(mode, policy, hook_input(c.event));
      REQUIRE(v.hooks.size() == 1);  // the webhook was called and answered
      CHECK(v.hooks[0].http_status == 200);
      CHECK(v.decision == c.decision);
      CHECK(v.failed == c.failed);
      if (c.failed) {
        CHECK(v.error == "invalid_reply");
        CHECK_THAT(v.reason, Catch::Contains("the reply has no decision"));
      } else {
        CHECK_THAT(v.hooks[0].hook_specific_output, Catch::StartsWith(R"({")"));
      }
    }
  }
}

TEST_CASE("a settings file's regex matchers run the hook on every tool Claude Code runs it on",
          "[hooks][claude_code][settings][matcher]") {
  WebhookServer server;
  for (const char *matcher : {"^mcp__", "_repo$", "^mcp__github", "mcp__.*__delete"}) {
    INFO(matcher);
    HookPolicy policy(R"({"hooks": {"PreToolUse": [{"matcher": ")" + std::string(matcher) +
                          R"(", "hooks": [{"type": "http", "url": ")" + server.url("/cc/deny") +
                          R"("}]}]}})",
                      private_ok());
    const int before = server.request_count();
    const auto v = policy.evaluate(hook_input("PreToolUse", "mcp__github__delete_repo"));
    CHECK(server.request_count() == before + 1);
    CHECK(v.decision == Decision::deny);
    CHECK(v.reason == "cc deny");
    // A tool the regex does not find is not the hook's.
    CHECK(policy.evaluate(hook_input("PreToolUse", "Bash")).reason == "no hook matched");
  }
  // agenthost's own format keeps whole-name matches: "^mcp__" is the name "mcp__" only.
  HookPolicy own(
      "{\"PreToolUse\":" + hook(server.url("/cc/deny"), 2000, R"(,"matcher":"^mcp__")") + "}",
      private_ok());
  CHECK(own.evaluate(hook_input("PreToolUse", "mcp__github__delete_repo")).reason ==
        "no hook matched");
  CHECK(own.evaluate(hook_input("PreToolUse", "mcp__")).decision == Decision::deny);
}

TEST_CASE("a Notification matcher filters notification_type, in both formats",
          "[hooks][claude_code][settings][matcher]") {
  WebhookServer server;
  const std::string settings = R"({"hooks": {"Notification": [{"matcher": "idle_prompt", "hooks": [
      {"type": "http", "url": ")" +
                               server.url("/deny") + R"(", "onFailure": "block"}]}]}})";
  const std::string own =
      "{\"Notification\":" +
      hook(server.url("/deny"), 2000, R"(,"matcher":"idle_prompt","on_failure":"deny")") + "}";
  for (const std::string &config : {settings, own}) {
    INFO(config);
    HookPolicy policy(config, private_ok());
    const auto idle = policy.evaluate(
        R"({"hook_event_name":"Notification","tool_name":"Bash","notification_type":"idle_prompt"})");
    CHECK(idle.decision == Decision::deny);
    CHECK(idle.hooks.size() == 1);
    const auto other = policy.evaluate(
        R"({"hook_event_name":"Notification","notification_type":"permission_prompt"})");
    CHECK(other.hooks.empty());
    CHECK(other.reason == "no hook matched");
  }
}
