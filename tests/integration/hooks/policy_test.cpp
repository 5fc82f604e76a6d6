// HookPolicy against real local webhook servers: matching, combination and the deadline,
// reply shapes, request content and signing, the SSRF guard, the circuit breaker, the log.
#include <agenthost/error.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "support/hook_test_util.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using agenthost::HookPolicyOptions;
using namespace agenthost::test;

namespace {

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("matchers match whole tool names", "[hooks][matching]") {
  WebhookServer server;
  const std::string deny = server.url("/deny");
  const std::string config = "{\"PreToolUse\":[" + hook(deny, 2000, R"(,"matcher":"Bash")") + "," +
                             hook(deny, 2000, R"(,"matcher":"Write|Edit")") + "," +
                             hook(deny, 2000, R"(,"matcher":"mcp__.*")") + "]}";
  HookPolicy policy(config, private_ok());
  struct Case {
    const char *tool;
    std::size_t hooks;  // how many hooks ran
  };
  const Case cases[] = {
      {"Bash", 1},     {"Write", 1}, {"Edit", 1},   {"WriteFile", 0},
      {"BashTool", 0}, {"bash", 0},  {"MyBash", 0}, {"mcp__github__create_issue", 1},
      {"xmcp__a", 0},  {"Read", 0}};
  for (const auto &c : cases) {
    INFO(c.tool);
    const auto v = policy.evaluate(hook_input("PreToolUse", c.tool));
    CHECK(v.hooks.size() == c.hooks);
    CHECK(v.decision == (c.hooks > 0 ? Decision::deny : Decision::allow));
    if (c.hooks == 0) CHECK(v.reason == "no hook matched");
  }
}

TEST_CASE("every spelling of an event reaches its hooks, lookalikes are rejected",
          "[hooks][matching]") {
  WebhookServer server;
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/deny")) + "}", private_ok());
  for (const char *event : {"PreToolUse", "pretooluse", "PRE_TOOL_USE", "pre_tool_use"}) {
    INFO(event);
    const auto v = policy.evaluate(hook_input(event));
    CHECK(v.hooks.size() == 1);
    CHECK(v.decision == Decision::deny);
  }
  for (const char *event : {" PreToolUse", "Pre-Tool-Use", "PreToolUse "}) {
    INFO(event);
    try {
      (void)policy.evaluate(hook_input(event));
      FAIL("no exception");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
    }
  }
}

TEST_CASE("absent, empty and * matchers match every tool", "[hooks][matching]") {
  WebhookServer server;
  const std::string url = server.url("/ask");
  const std::string config = "{\"pre_tool_use\":[" + hook(url) + "," +
                             hook(url, 2000, R"(,"matcher":"")") + "," +
                             hook(url, 2000, R"(,"matcher":"*")") + "]}";
  HookPolicy policy(config, private_ok());
  const auto v = policy.evaluate(hook_input("PreToolUse", "AnythingAtAll"));
  CHECK(v.hooks.size() == 3);
  CHECK(v.decision == Decision::ask);
}

TEST_CASE("an invalid matcher regex is rejected at creation", "[hooks][matching]") {
  try {
    HookPolicy policy(
        R"({"PreToolUse":[{"url":"http://127.0.0.1:1/a"},{"url":"http://127.0.0.1:1/b","matcher":"Bash("}]})");
    FAIL("no exception");
  } catch (const agenthost::Error &e) {
    CHECK(e.code() == agenthost::Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("PreToolUse[1].matcher"));
    CHECK_THAT(e.what(), Catch::Contains("Bash("));
  }
}

TEST_CASE("deny > ask > allow across three concurrent hooks in every order", "[hooks][combine]") {
  WebhookServer server;
  std::vector<std::string> order = {"/allow", "/ask", "/deny"};
  std::sort(order.begin(), order.end());
  do {
    std::string config = "{\"PreToolUse\":[";
    for (std::size_t i = 0; i < order.size(); ++i) {
      config += (i ? "," : "") + hook(server.url(order[i]));
    }
    config += "]}";
    HookPolicy policy(config, private_ok());
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    INFO(order[0] << order[1] << order[2]);
    CHECK(v.decision == Decision::deny);
    CHECK(v.reason == "server says deny");
    CHECK_FALSE(v.failed);
    REQUIRE(v.hooks.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(v.hooks[i].url == server.url(order[i]));
  } while (std::next_permutation(order.begin(), order.end()));

  HookPolicy ask_allow(
      "{\"PreToolUse\":[" + hook(server.url("/allow")) + "," + hook(server.url("/ask")) + "]}",
      private_ok());
  CHECK(ask_allow.evaluate(hook_input("PreToolUse")).decision == Decision::ask);
}

TEST_CASE("one deadline holds for the whole evaluation with a slow hook", "[hooks][combine]") {
  WebhookServer server;
  // Five hooks of 2000 ms run concurrently: three time out (two never answer, one is slower than
  // its timeout). Sequential calls would take at least 3 x 2000 ms; concurrent ones about 2000.
  constexpr int kTimeoutMs = 2000;
  const std::string config = "{\"PreToolUse\":[" + hook(server.url("/allow"), kTimeoutMs) + "," +
                             hook(server.url("/never"), kTimeoutMs) + "," +
                             hook(server.url("/slow?ms=5000&d=allow"), kTimeoutMs) + "," +
                             hook(server.url("/slow?ms=100&d=ask"), kTimeoutMs) + "," +
                             hook(server.url("/never"), kTimeoutMs) + "]}";
  HookPolicy policy(config, private_ok());
  agenthost::Verdict v;
  const auto took = time_of([&] { v = policy.evaluate(hook_input("PreToolUse")); });
  CHECK(took.count() >= kTimeoutMs - 100);  // the timeouts did run out
  CHECK(took.count() < kTimeoutMs + 3000);  // well under the 6000 ms of sequential calls
  CHECK(v.decision == Decision::deny);
  REQUIRE(v.hooks.size() == 5);
  CHECK(v.hooks[0].error.empty());
  CHECK(v.hooks[1].error == "timeout");
  CHECK(v.hooks[2].error == "timeout");
  CHECK(v.hooks[3].error.empty());
  CHECK(v.hooks[3].decision == Decision::ask);
  CHECK(v.hooks[4].error == "timeout");
}

TEST_CASE("the three reply shapes are understood", "[hooks][replies]") {
  WebhookServer server;
  struct Case {
    const char *path;
    Decision decision;
    const char *reason;
  };
  const Case cases[] = {{"/allow", Decision::allow, "server says allow"},
                        {"/cc/allow", Decision::allow, "cc allow"},
                        {"/cc/deny", Decision::deny, "cc deny"},
                        {"/cc/ask", Decision::ask, "ask requested by 1 hook"},
                        {"/legacy/approve", Decision::allow, "legacy approve"},
                        {"/legacy/block", Decision::deny, "legacy block"}};
  for (const auto &c : cases) {
    INFO(c.path);
    HookPolicy policy("{\"PreToolUse\":" + hook(server.url(c.path)) + "}", private_ok());
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    CHECK(v.decision == c.decision);
    CHECK(v.reason == c.reason);
    CHECK_FALSE(v.failed);
    CHECK(v.hooks[0].http_status == 200);
  }
}

TEST_CASE("modified input from either shape becomes updated_input", "[hooks][replies]") {
  WebhookServer server;
  for (const char *path : {"/modify", "/cc/modify"}) {
    HookPolicy policy("{\"PreToolUse\":" + hook(server.url(path)) + "}", private_ok());
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    CHECK(v.decision == Decision::allow);
    CHECK(v.updated_input == R"({"command":"ls -la"})");
    CHECK_THAT(v.to_json(), Catch::Contains(R"("updated_input":{"command":"ls -la"})"));
  }
}

TEST_CASE("the request carries the input, both event names and the configured headers",
          "[hooks][request]") {
  WebhookServer server;
  HookPolicy policy("{\"post_tool_use\":" +
                        hook(server.url("/allow"), 2000,
                             R"(,"headers":{"Authorization":"Bearer t0k3n","X-Team":"red"})") +
                        "}",
                    private_ok());
  const auto v = policy.evaluate(
      R"({"hook_event":"post_tool_use","session_id":"abc","tool_name":"Bash","tool_response":{"ok":true}})");
  CHECK(v.decision == Decision::allow);
  const std::string body = server.get("/_last_body");
  CHECK_THAT(body, Catch::Contains(R"("session_id":"abc")"));
  CHECK_THAT(body, Catch::Contains(R"("tool_response":{"ok":true})"));
  CHECK_THAT(body, Catch::Contains(R"("hook_event":"PostToolUse")"));
  CHECK_THAT(body, Catch::Contains(R"("hook_event_name":"PostToolUse")"));
  const std::string headers = server.get("/_last_headers");
  CHECK_THAT(headers, Catch::Contains("content-type: application/json"));
  CHECK_THAT(headers, Catch::Contains("authorization: Bearer t0k3n"));
  CHECK_THAT(headers, Catch::Contains("x-team: red"));
  CHECK_THAT(headers, !Catch::Contains("webhook-signature"));
}

TEST_CASE("signed requests verify independently and carry a fresh webhook-id each time",
          "[hooks][signing]") {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  WebhookServer server(secret);
  HookPolicy policy("{\"PreToolUse\":" +
                        hook(server.url("/verify"), 2000, ",\"secret\":\"" + secret + "\"") + "}",
                    private_ok());
  for (int i = 0; i < 5; ++i) {
    const auto v = policy.evaluate(hook_input("PreToolUse", "Tool" + std::to_string(i)));
    INFO(v.reason);
    CHECK(v.decision == Decision::allow);
    CHECK(v.reason == "signature verified");
  }
  const auto ids = lines_of(server.get("/_ids"));
  REQUIRE(ids.size() == 5);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 5);
  for (const auto &id : ids) CHECK(id.rfind("msg_", 0) == 0);

  // A different key fails verification: the server's check is not a rubber stamp.
  HookPolicy wrong(
      "{\"PreToolUse\":" +
          hook(server.url("/verify"), 2000, R"(,"secret":"whsec_AAAAAAAAAAAAAAAAAAAAAAAA")") + "}",
      private_ok());
  const auto v = wrong.evaluate(hook_input("PreToolUse"));
  CHECK(v.decision == Decision::deny);
  CHECK(v.error == "http_status");
  CHECK(v.hooks[0].http_status == 401);
}

TEST_CASE("with private networks off, 127.0.0.1 and localhost are blocked before any request",
          "[hooks][ssrf]") {
  WebhookServer server;
  const std::string port = std::to_string(server.port());
  for (const char *host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    HookPolicy policy(
        "{\"PreToolUse\":" + hook(std::string("http://") + host + ":" + port + "/allow") + "}");
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    CHECK(v.decision == Decision::deny);
    CHECK(v.failed);
    CHECK(v.error == "blocked_address");
  }
  CHECK(server.request_count() == 0);
}

TEST_CASE("the breaker stops calling after the threshold and closes after the cooldown",
          "[hooks][breaker]") {
  WebhookServer server;
  server.get("/_mode/500");
  HookPolicyOptions options = private_ok();
  options.failure_threshold = 3;
  // Long enough for the checks below to fall inside it on a loaded machine.
  options.cooldown = std::chrono::milliseconds(2000);
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/dynamic")) + "}", options);
  for (int i = 0; i < 3; ++i)
    CHECK(policy.evaluate(hook_input("PreToolUse")).error == "http_status");
  CHECK(server.request_count() == 3);
  for (int i = 0; i < 5; ++i) {
    const auto v = policy.evaluate(hook_input("PreToolUse"));
    CHECK(v.decision == Decision::deny);
    CHECK(v.error == "circuit_open");
  }
  CHECK(server.request_count() == 3);  // no connection attempt while open

  server.get("/_mode/allow");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const auto probe = policy.evaluate(hook_input("PreToolUse"));
  CHECK(probe.decision == Decision::allow);
  CHECK_FALSE(probe.failed);
  CHECK(policy.evaluate(hook_input("PreToolUse")).decision == Decision::allow);
  CHECK(server.request_count() == 5);
}

TEST_CASE("a failed probe reopens the circuit", "[hooks][breaker]") {
  WebhookServer server;
  server.get("/_mode/500");
  HookPolicyOptions options = private_ok();
  options.failure_threshold = 1;
  options.cooldown = std::chrono::milliseconds(2000);  // the probe and the next call fit in it
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/dynamic")) + "}", options);
  CHECK(policy.evaluate(hook_input("PreToolUse")).error == "http_status");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CHECK(policy.evaluate(hook_input("PreToolUse")).error == "http_status");  // the probe
  CHECK(policy.evaluate(hook_input("PreToolUse")).error == "circuit_open");
  CHECK(server.request_count() == 2);
}

TEST_CASE("the decision log gets one record per evaluation and counters add up", "[hooks][log]") {
  WebhookServer server;
  std::mutex mu;
  std::vector<std::string> records;
  HookPolicyOptions options = private_ok();
  options.decision_log = [&](const agenthost::DecisionRecord &r) {
    std::lock_guard<std::mutex> lock(mu);
    records.push_back(std::string(r.event) + "|" + std::string(r.session_id) + "|" +
                      std::string(r.tool_name) + "|" +
                      agenthost::decision_name(r.verdict.decision) + "|" +
                      (r.verdict.failed ? "failed" : "ok") + "|" + r.verdict.error + "|" +
                      std::to_string(r.verdict.hooks.size()) + "|" +
                      std::to_string(r.verdict.hooks.empty() ? 0 : r.verdict.hooks[0].http_status));
    throw std::runtime_error("a broken logger must not change verdicts");
  };
  HookPolicy policy("{\"PreToolUse\":[" + hook(server.url("/deny"), 2000, R"(,"matcher":"Bash")") +
                        "],\"PostToolUse\":" + hook(server.url("/status500deny")) + "}",
                    options);
  CHECK(policy.evaluate(hook_input("PreToolUse", "Bash")).decision == Decision::deny);
  CHECK(policy.evaluate(hook_input("PreToolUse", "Read")).decision == Decision::allow);
  CHECK(policy.evaluate(hook_input("PostToolUse", "Bash")).decision == Decision::allow);
  CHECK(policy.evaluate(hook_input("Stop", "Bash")).decision == Decision::allow);
  REQUIRE(records.size() == 4);
  CHECK(records[0] == "PreToolUse|s-1|Bash|deny|ok||1|200");
  CHECK(records[1] == "PreToolUse|s-1|Read|allow|ok||0|0");
  CHECK(records[2] == "PostToolUse|s-1|Bash|allow|failed|http_status|1|500");
  CHECK(records[3] == "Stop|s-1|Bash|allow|ok||0|0");
  const auto stats = policy.stats();
  CHECK(stats.events.at("PreToolUse").deny == 1);
  CHECK(stats.events.at("PreToolUse").allow == 1);
  CHECK(stats.events.at("PostToolUse").allow == 1);
  CHECK(stats.events.at("PostToolUse").failed == 1);
  CHECK(stats.events.at("*").allow == 1);
}

TEST_CASE("input that is not a hook input is invalid_argument", "[hooks][input]") {
  HookPolicy policy("{}");
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  for (const std::string &bad :
       {std::string("not json"), std::string("[]"), std::string("{}"),
        std::string(R"({"hook_event_name":5})"),
        std::string(R"({"hook_event_name":"PreToolUse","hook_event":"Stop"})"),
        std::string(R"({"hook_event_name":"PreToolUse","tool_name":7})"),
        R"({"hook_event_name":"PreToolUse","x":)" + deep + "}",
        R"({"hook_event_name":"PreToolUse","x":")" + std::string(9 * 1024 * 1024, 'a') + "\"}"}) {
    INFO(bad.substr(0, 80));
    try {
      (void)policy.evaluate(bad);
      FAIL("no exception");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
    }
  }
}
