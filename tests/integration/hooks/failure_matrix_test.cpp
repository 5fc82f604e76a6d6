// Every failure kind x {evaluate, evaluate_async} x {PreToolUse with its default on_failure,
// PostToolUse with its default, an informational event with on_failure "deny"}: decision, failed
// and error class.
#include <catch2/catch.hpp>
#include <string>

#include "support/hook_test_util.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using agenthost::HookPolicyOptions;
using namespace agenthost::test;

namespace {

constexpr int kTimeoutMs = 600;

struct Expect {
  Decision decision;
  bool failed;
  std::string error;  // "" when not failed
};

// Evaluates the three events against `url` and checks each verdict.
void check_matrix(const std::string &url, const Expect &pre, const Expect &post, const Expect &info,
                  HookPolicyOptions options = private_ok()) {
  const std::string config =
      "{\"PreToolUse\":" + hook(url, kTimeoutMs) + ",\"PostToolUse\":" + hook(url, kTimeoutMs) +
      ",\"Notification\":" + hook(url, kTimeoutMs, R"(,"on_failure":"deny")") + "}";
  const std::pair<const char *, const Expect *> cases[] = {
      {"PreToolUse", &pre}, {"PostToolUse", &post}, {"Notification", &info}};
  for (const Mode mode : kModes) {
    HookPolicy policy(config, options);
    for (const auto &[event, expect] : cases) {
      INFO(mode_name(mode) << " event " << event << " url " << url);
      agenthost::Verdict v;
      const auto took = time_of([&] { v = evaluate_in(mode, policy, hook_input(event)); });
      INFO("reason: " << v.reason);
      CHECK(v.decision == expect->decision);
      CHECK(v.failed == expect->failed);
      CHECK(v.error == expect->error);
      REQUIRE(v.hooks.size() == 1);
      CHECK(v.hooks[0].error == expect->error);
      CHECK(took.count() < 3 * kTimeoutMs);  // the deadline holds: no hang
    }
  }
}

// The usual shape: deny / allow / deny, all failed with `error`.
void check_failure(const std::string &url, const std::string &error,
                   HookPolicyOptions options = private_ok()) {
  check_matrix(url, {Decision::deny, true, error}, {Decision::allow, true, error},
               {Decision::deny, true, error}, std::move(options));
}

}  // namespace

TEST_CASE("a server that accepts and never answers fails as timeout", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/never"), "timeout");
}

TEST_CASE("a body dripping past the deadline fails as timeout", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/drip"), "timeout");
}

TEST_CASE("a connection reset mid-body fails as connection", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/reset"), "connection");
}

TEST_CASE("a refused connection fails as connection", "[hooks][failure]") {
  check_failure("http://127.0.0.1:" + std::to_string(free_port()) + "/hook", "connection");
}

TEST_CASE("a name that does not resolve fails as dns", "[hooks][failure]") {
  // A 64-character label is rejected by the resolver itself, so no DNS query leaves the host.
  check_failure("http://" + std::string(64, 'a') + ".invalid/hook", "dns");
}

TEST_CASE("a private address with private networks off fails as blocked_address",
          "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/allow"), "blocked_address", HookPolicyOptions{});
}

TEST_CASE("204 is an acknowledgement only where no decision is required", "[hooks][failure]") {
  WebhookServer server;
  check_matrix(server.url("/status204"), {Decision::deny, true, "invalid_reply"},
               {Decision::allow, false, ""}, {Decision::deny, true, "invalid_reply"});
}

TEST_CASE("a 301 to a private address is not followed and fails as http_status",
          "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/redirect"), "http_status");
  CHECK(server.request_count() == 6);  // one request per evaluation, no redirect hop
}

TEST_CASE("500 with a valid JSON deny body fails as http_status", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/status500deny"), "http_status");
}

TEST_CASE("500 with a valid JSON allow body never allows a PreToolUse", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/status500allow"), "http_status");
}

TEST_CASE("a 10 MiB body without Content-Length fails as too_large", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/huge"), "too_large");
}

TEST_CASE("a 10 MiB chunked body fails as too_large", "[hooks][failure]") {
  WebhookServer server;
  check_failure(server.url("/chunked_huge"), "too_large");
}

TEST_CASE("replies that are not a decision fail as invalid_reply", "[hooks][failure]") {
  WebhookServer server;
  for (const char *path : {"/garbage", "/array", "/maybe", "/allow_space", "/numeric"}) {
    check_failure(server.url(path), "invalid_reply");
  }
}

TEST_CASE("replies with a key given twice, at any depth, fail as invalid_reply",
          "[hooks][failure]") {
  WebhookServer server;
  for (const char *path : {"/dup/decision", "/dup/nested"}) {
    check_failure(server.url(path), "invalid_reply");
  }
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/dup/nested"), kTimeoutMs) + "}",
                    private_ok());
  const agenthost::Verdict v = policy.evaluate(hook_input("PreToolUse"));
  CHECK(v.decision == Decision::deny);
  CHECK(v.updated_input.empty());
  CHECK_THAT(v.reason,
             Catch::Contains("the key \"hookSpecificOutput.updatedInput.command\" appears twice"));
}

TEST_CASE("a reply without a decision is an acknowledgement only for informational events",
          "[hooks][failure]") {
  WebhookServer server;
  check_matrix(server.url("/nodecision"), {Decision::deny, true, "invalid_reply"},
               {Decision::allow, false, ""}, {Decision::deny, true, "invalid_reply"});
  check_matrix(server.url("/empty200"), {Decision::deny, true, "invalid_reply"},
               {Decision::allow, false, ""}, {Decision::deny, true, "invalid_reply"});
}

TEST_CASE("an open circuit fails as circuit_open", "[hooks][failure]") {
  HookPolicyOptions options = private_ok();
  options.failure_threshold = 1;
  options.cooldown = std::chrono::minutes(10);
  const std::string url = "http://127.0.0.1:" + std::to_string(free_port()) + "/hook";
  const std::string config = "{\"PreToolUse\":" + hook(url) + ",\"PostToolUse\":" + hook(url) +
                             ",\"Notification\":" + hook(url, 2000, R"(,"on_failure":"deny")") +
                             "}";
  const std::pair<const char *, Decision> cases[] = {{"PreToolUse", Decision::deny},
                                                     {"PostToolUse", Decision::allow},
                                                     {"Notification", Decision::deny}};
  for (const Mode mode : kModes) {
    HookPolicy policy(config, options);
    for (const auto &[event, decision] : cases) {
      INFO(mode_name(mode) << " " << event);
      CHECK(evaluate_in(mode, policy, hook_input(event)).error == "connection");  // opens it
      const auto v = evaluate_in(mode, policy, hook_input(event));
      CHECK(v.decision == decision);
      CHECK(v.failed);
      CHECK(v.error == "circuit_open");
      CHECK(policy.stats().events.at(event).circuit_open == 1);
    }
  }
}
