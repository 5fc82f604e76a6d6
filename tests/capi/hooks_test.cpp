// The HookPolicy C ABI: statuses, last error, and a DENY verdict on every failure.
#include <agenthost.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "support/hook_test_util.hpp"
#include "support/webhook_server.hpp"

using namespace agenthost::test;

namespace {

std::string json_of(const agenthost_verdict *v) {
  size_t len = 0;
  const char *p = agenthost_verdict_json(v, &len);
  return std::string(p, len);
}

agenthost_hook_policy *create_private_ok(const std::string &config) {
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.allow_private_networks = 1;
  agenthost_hook_policy *p = nullptr;
  REQUIRE(agenthost_hook_policy_create(config.c_str(), &opts, &p) == AGENTHOST_OK);
  return p;
}

}  // namespace

TEST_CASE("C ABI: options defaults", "[hooks][capi]") {
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  CHECK(opts.struct_size == sizeof opts);
  CHECK(opts.allow_private_networks == 0);
  CHECK(opts.max_response_bytes == 64 * 1024);
  CHECK(opts.breaker_failure_threshold == 5);
  CHECK(opts.breaker_cooldown_ms == 10000);
}

TEST_CASE("C ABI: option struct sizes", "[hooks][capi]") {
  agenthost_hook_options opts;
  agenthost_hook_policy *p = nullptr;
  // 0 and sizes that do not hold the first field are rejected: garbage must never switch the
  // private-network guard off or mean "all defaults".
  for (std::uint32_t size : {0u, 1u, 4u, 7u}) {
    INFO(size);
    agenthost_hook_options_init(&opts);
    opts.struct_size = size;
    p = reinterpret_cast<agenthost_hook_policy *>(0x1);
    CHECK(agenthost_hook_policy_create("{}", &opts, &p) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(p == nullptr);
    CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("struct_size"));
  }
  // An older caller's prefix: only allow_private_networks is read, garbage after it is ignored.
  agenthost_hook_options_init(&opts);
  opts.struct_size =
      static_cast<std::uint32_t>(offsetof(agenthost_hook_options, max_response_bytes));
  opts.allow_private_networks = 1;
  opts.max_response_bytes = 0;
  opts.breaker_failure_threshold = 0;
  REQUIRE(agenthost_hook_policy_create("{}", &opts, &p) == AGENTHOST_OK);
  agenthost_hook_policy_free(p);
  // A newer caller's longer struct: the known fields are read.
  struct {
    agenthost_hook_options known;
    std::uint32_t future[4];
  } longer;
  agenthost_hook_options_init(&longer.known);
  longer.known.struct_size = sizeof longer;
  std::memset(longer.future, 0xFF, sizeof longer.future);
  REQUIRE(agenthost_hook_policy_create("{}", &longer.known, &p) == AGENTHOST_OK);
  agenthost_hook_policy_free(p);
  longer.known.max_response_bytes = 0;  // read, so validated
  CHECK(agenthost_hook_policy_create("{}", &longer.known, &p) == AGENTHOST_INVALID_ARGUMENT);
}

TEST_CASE("C ABI: evaluate with a NULL out pointer", "[hooks][capi]") {
  agenthost_hook_policy *p = create_private_ok("{}");
  const std::string input = hook_input("Stop");
  CHECK(agenthost_hook_policy_evaluate(p, input.data(), input.size(), nullptr) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("out is NULL"));
  CHECK(agenthost_hook_policy_evaluate(p, nullptr, 0, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  agenthost_hook_policy_free(p);
}

TEST_CASE("C ABI: evaluation returns the verdict and its JSON", "[hooks][capi]") {
  WebhookServer server;
  agenthost_hook_policy *p =
      create_private_ok("{\"PreToolUse\":" + hook(server.url("/modify")) + "}");
  const std::string input = hook_input("PreToolUse");
  agenthost_verdict *v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, input.data(), input.size(), &v) == AGENTHOST_OK);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_ALLOW);
  const std::string json = json_of(v);
  CHECK_THAT(
      json,
      Catch::StartsWith(
          R"({"decision":"allow","reason":"allowed by 1 hook","failed":false,"error":null,"updated_input":{"command":"ls -la"},"updated_permissions":null,"continue":true,"stop_reason":null,"additional_context":[],"system_message":null,"suppress_output":false,"interrupt":false,"hooks":[{"url":")" +
          server.url("/modify") + R"(","status":200,"latency_ms":)"));
  agenthost_verdict_free(v);
  agenthost_hook_policy_free(p);
}

TEST_CASE("C ABI: every failing evaluate still yields a DENY verdict", "[hooks][capi]") {
  agenthost_hook_policy *p = create_private_ok("{}");
  agenthost_verdict *v = nullptr;

  const std::string bad = "{not json";
  CHECK(agenthost_hook_policy_evaluate(p, bad.data(), bad.size(), &v) ==
        AGENTHOST_INVALID_ARGUMENT);
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  CHECK_THAT(json_of(v), Catch::Contains(R"("decision":"deny")"));
  CHECK_THAT(json_of(v), Catch::Contains(R"("error":"invalid_argument")"));
  CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("not valid JSON"));
  agenthost_verdict_free(v);

  v = nullptr;
  CHECK(agenthost_hook_policy_evaluate(nullptr, bad.data(), bad.size(), &v) ==
        AGENTHOST_INVALID_ARGUMENT);
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);

  v = nullptr;
  const std::string lookalike = R"({"hook_event_name":"Pre-Tool-Use","tool_name":"Bash"})";
  CHECK(agenthost_hook_policy_evaluate(p, lookalike.data(), lookalike.size(), &v) ==
        AGENTHOST_INVALID_ARGUMENT);
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);

  v = nullptr;
  CHECK(agenthost_hook_policy_evaluate(p, nullptr, 0, &v) == AGENTHOST_INVALID_ARGUMENT);
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);

  CHECK(agenthost_verdict_decision(nullptr) == AGENTHOST_DENY);
  CHECK_THAT(json_of(nullptr), Catch::StartsWith(R"({"decision":"deny")"));
  CHECK(std::string(agenthost_verdict_reason(nullptr)) == "no verdict");
  agenthost_hook_policy_free(p);
}

TEST_CASE("C ABI: configuration errors name the hook and field but never the secret",
          "[hooks][capi]") {
  agenthost_hook_policy *p = reinterpret_cast<agenthost_hook_policy *>(0x1);
  CHECK(
      agenthost_hook_policy_create(
          R"({"Stop":[{"url":"http://a.example/x"},{"url":"http://a.example/y","secret":"whsec_s3cr3t!!"}]})",
          nullptr, &p) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(p == nullptr);
  std::string msg = agenthost_last_error();
  CHECK_THAT(msg, Catch::Contains("Stop[1].secret"));
  CHECK_THAT(msg, !Catch::Contains("s3cr3t"));

  CHECK(
      agenthost_hook_policy_create(
          R"({"Stop":{"url":"http://a.example/x","headers":{"Authorization":"Bearer abc\r\nX-Evil: 1"}}})",
          nullptr, &p) == AGENTHOST_INVALID_ARGUMENT);
  msg = agenthost_last_error();
  CHECK_THAT(msg, Catch::Contains("Stop[0].headers.Authorization"));
  CHECK_THAT(msg, !Catch::Contains("Bearer"));

  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.max_response_bytes = 0;
  CHECK(agenthost_hook_policy_create("{}", &opts, &p) == AGENTHOST_INVALID_ARGUMENT);
  CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("max_response_bytes"));
}

TEST_CASE("C ABI: an input with a key given twice is INVALID_ARGUMENT, DENY, and sends nothing",
          "[hooks][capi]") {
  // The matcher would read the first tool_name (Read, allowed without asking) and the webhook
  // the last (Bash): a gate bypass, were the input accepted.
  WebhookServer server;
  agenthost_hook_policy *p = create_private_ok(
      "{\"PreToolUse\":[" + hook(server.url("/allow"), 2000, R"(,"matcher":"Read")") + "," +
      hook(server.url("/deny"), 2000, R"(,"matcher":"Bash")") + "]}");
  for (
      const std::string input :
      {R"({"hook_event_name":"PreToolUse","tool_name":"Read","tool_name":"Bash"})",
       R"({"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"a","file_path":"b"}})"}) {
    INFO(input);
    agenthost_verdict *v = nullptr;
    CHECK(agenthost_hook_policy_evaluate(p, input.data(), input.size(), &v) ==
          AGENTHOST_INVALID_ARGUMENT);
    CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("appears twice"));
    REQUIRE(v != nullptr);
    CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
    CHECK_THAT(json_of(v), Catch::Contains(R"("error":"invalid_argument")"));
    agenthost_verdict_free(v);
    std::uint64_t ticket = 7;
    CHECK(agenthost_hook_policy_evaluate_async(
              p, input.data(), input.size(), [](void *, agenthost_status, agenthost_verdict *) {},
              nullptr, &ticket) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(ticket == 0);
  }
  CHECK(server.request_count() == 0);
  // The same input without the second key is evaluated: the policy and server work.
  const std::string once = R"({"hook_event_name":"PreToolUse","tool_name":"Bash"})";
  agenthost_verdict *v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, once.data(), once.size(), &v) == AGENTHOST_OK);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  CHECK(server.request_count() == 1);
  agenthost_verdict_free(v);
  agenthost_hook_policy_free(p);
}

TEST_CASE("C ABI: a configuration or settings file with a key given twice is refused, naming it",
          "[hooks][capi]") {
  for (
      const auto &[config, key] : std::initializer_list<std::pair<const char *, const char *>>{
          {R"({"PreToolUse":{"url":"http://a.example/x","url":"http://b.example/y"}})",
           "PreToolUse.url"},
          {R"({"hooks":{"PreToolUse":[{"matcher":"Read","matcher":"Bash","hooks":[{"type":"http","url":"http://a.example/x"}]}]}})",
           "hooks.PreToolUse[0].matcher"}}) {
    INFO(config);
    agenthost_hook_policy *p = reinterpret_cast<agenthost_hook_policy *>(0x1);
    CHECK(agenthost_hook_policy_create(config, nullptr, &p) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(p == nullptr);
    CHECK_THAT(std::string(agenthost_last_error()),
               Catch::Contains(std::string("hooks config: the key \"") + key + "\" appears twice"));
  }
}
