// The metrics C ABI: agenthost_metrics_prometheus / _json over a cache client on the shared
// redis-server, a session store and a hook policy against the local webhook server, after known
// traffic; the exposition parsed by a real parser (prometheus_client, Debian's
// python3-prometheus-client); the event callback.
#include <agenthost.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "integration/metrics/exposition_parser.hpp"
#include "support/hook_test_util.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using namespace agenthost::test;

namespace {

struct Handles {
  agenthost_cache_client *cache = nullptr;
  agenthost_session_store *store = nullptr;
  agenthost_hook_policy *policy = nullptr;
  ~Handles() {
    agenthost_hook_policy_free(policy);
    agenthost_session_store_close(store);
    agenthost_cache_client_close(cache);
  }
};

std::string take(char *text) {
  REQUIRE(text != nullptr);
  std::string s(text);
  agenthost_free(text);
  return s;
}

agenthost_hook_policy *policy_of(const std::string &config, uint32_t threshold) {
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.allow_private_networks = 1;
  opts.breaker_failure_threshold = threshold;
  opts.breaker_cooldown_ms = 60000;
  agenthost_hook_policy *p = nullptr;
  REQUIRE(agenthost_hook_policy_create(config.c_str(), &opts, &p) == AGENTHOST_OK);
  return p;
}

agenthost_decision evaluate(agenthost_hook_policy *p, const std::string &input) {
  agenthost_verdict *v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, input.data(), input.size(), &v) == AGENTHOST_OK);
  const agenthost_decision d = agenthost_verdict_decision(v);
  agenthost_verdict_free(v);
  return d;
}

}  // namespace

TEST_CASE("C ABI metrics: the exposition after known traffic, read by prometheus_client",
          "[metrics][capi]") {
  WebhookServer server;
  Handles h;
  const std::string url = shared_redis_url();
  REQUIRE_FALSE(url.empty());
  REQUIRE(agenthost_cache_client_open(url.c_str(), nullptr, &h.cache) == AGENTHOST_OK);
  const std::string prefix = unique_prefix("capi-metrics");
  const std::string store_options =
      R"({"key_prefix":")" + prefix + R"(session:","index_prefix":")" + prefix + R"(sessions:"})";
  REQUIRE(agenthost_session_store_open(h.cache, store_options.c_str(), &h.store) == AGENTHOST_OK);
  for (int i = 0; i < 4; ++i) {
    char *session = nullptr;
    REQUIRE(agenthost_session_store_create(h.store, R"({"model":"m","owner_api_key":"k"})",
                                           &session) == AGENTHOST_OK);
    agenthost_free(session);
  }
  agenthost_session_page *page = nullptr;
  REQUIRE(agenthost_session_store_list(h.store, R"({"owner_api_key":"k"})", &page) == AGENTHOST_OK);
  agenthost_session_page_free(page);
  char *absent = nullptr;
  CHECK(agenthost_session_store_get(h.store, "no-such-session", nullptr, &absent) ==
        AGENTHOST_NOT_FOUND);
  h.policy = policy_of("{\"PreToolUse\":[" + hook(server.url("/allow")) + "," +
                           hook(server.url("/status500deny?x=1")) + "]}",
                       2);
  for (int i = 0; i < 3; ++i) CHECK(evaluate(h.policy, hook_input("PreToolUse")) == AGENTHOST_DENY);

  char *text = nullptr;
  REQUIRE(agenthost_metrics_prometheus(h.cache, h.store, h.policy, &text) == AGENTHOST_OK);
  const std::string exposition = take(text);
  int families = 0;
  const auto samples = parsed_exposition(exposition, families);
  CHECK(families == type_lines(exposition));
  CHECK(families >= 20);

  CHECK(samples.at(R"(agenthost_session_operations_total{operation="create"})") == 4);
  CHECK(samples.at(R"(agenthost_session_operations_total{operation="list"})") == 1);
  CHECK(samples.at(R"(agenthost_session_operations_total{operation="get"})") == 1);
  CHECK(samples.at(R"(agenthost_session_operation_duration_seconds_count{operation="create"})") ==
        4);
  CHECK(
      samples.at(
          R"(agenthost_session_operation_duration_seconds_bucket{le="+Inf",operation="create"})") ==
      4);
  CHECK(samples.at("agenthost_session_corrupt_records_total") == 0);
  CHECK(samples.at(R"(agenthost_redis_connections{state="in_use"})") == 0);
  CHECK(samples.at(R"(agenthost_redis_connections{state="idle"})") >= 1);
  CHECK(samples.at("agenthost_redis_connections_max") == 50);
  CHECK(samples.at(R"(agenthost_hook_evaluations_total{decision="deny",event="PreToolUse"})") == 3);

  const std::string allow_url = server.url("/allow");
  const std::string failing_url = server.url("/status500deny");
  CHECK(samples.at(
            R"(agenthost_hook_decisions_total{decision="allow",event="PreToolUse",hook="0",url=")" +
            allow_url + "\"}") == 3);
  CHECK(
      samples.at(
          R"(agenthost_hook_failures_total{class="http_status",event="PreToolUse",hook="1",url=")" +
          failing_url + "\"}") == 2);
  CHECK(
      samples.at(
          R"(agenthost_hook_failures_total{class="circuit_open",event="PreToolUse",hook="1",url=")" +
          failing_url + "\"}") == 1);
  CHECK(
      samples.at(R"(agenthost_hook_circuit_state{event="PreToolUse",hook="1",state="open",url=")" +
                 failing_url + "\"}") == 1);
  CHECK(samples.at(
            R"(agenthost_hook_circuit_state{event="PreToolUse",hook="1",state="closed",url=")" +
            failing_url + "\"}") == 0);
  CHECK(
      samples.at(R"(agenthost_hook_call_duration_seconds_count{event="PreToolUse",hook="0",url=")" +
                 allow_url + "\"}") == 3);
  CHECK(
      samples.at(R"(agenthost_hook_call_duration_seconds_count{event="PreToolUse",hook="1",url=")" +
                 failing_url + "\"}") == 2);

  char *json = nullptr;
  REQUIRE(agenthost_metrics_json(h.cache, h.store, h.policy, &json) == AGENTHOST_OK);
  const std::string j = take(json);
  CHECK(j.rfind("{\"agenthost_redis_connections\":{\"type\":\"gauge\"", 0) == 0);
  CHECK(j.find("\"agenthost_session_operation_duration_seconds\":{\"type\":\"histogram\"") !=
        std::string::npos);
}

TEST_CASE("C ABI metrics: NULL handles are left out, a NULL out is invalid", "[metrics][capi]") {
  char *text = reinterpret_cast<char *>(1);
  REQUIRE(agenthost_metrics_prometheus(nullptr, nullptr, nullptr, &text) == AGENTHOST_OK);
  CHECK(take(text).empty());
  char *json = nullptr;
  REQUIRE(agenthost_metrics_json(nullptr, nullptr, nullptr, &json) == AGENTHOST_OK);
  CHECK(take(json) == "{}");
  CHECK(agenthost_metrics_prometheus(nullptr, nullptr, nullptr, nullptr) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("out") != std::string::npos);
  CHECK(agenthost_metrics_json(nullptr, nullptr, nullptr, nullptr) == AGENTHOST_INVALID_ARGUMENT);

  agenthost_cache_client *cache = nullptr;
  REQUIRE(agenthost_cache_client_open("memory://", nullptr, &cache) == AGENTHOST_OK);
  REQUIRE(agenthost_metrics_prometheus(cache, nullptr, nullptr, &text) == AGENTHOST_OK);
  const std::string only_cache = take(text);
  CHECK(only_cache.find("agenthost_redis_connections_max") != std::string::npos);
  CHECK(only_cache.find("agenthost_session_") == std::string::npos);
  CHECK(only_cache.find("agenthost_hook_") == std::string::npos);
  agenthost_cache_client_close(cache);
}

namespace {

struct Received {
  std::vector<agenthost_event_kind> kinds;
  std::vector<std::string> names, subjects;
  uint32_t struct_size = 0;
  agenthost_status inner = AGENTHOST_OK;
};

extern "C" void record_event(void *user, const agenthost_event *e) {
  auto *r = static_cast<Received *>(user);
  r->kinds.push_back(e->kind);
  r->names.emplace_back(e->kind_name);
  r->subjects.emplace_back(e->subject);
  r->struct_size = e->struct_size;
  r->inner = agenthost_set_event_callback(nullptr, nullptr);  // refused inside the callback
}

}  // namespace

TEST_CASE("C ABI metrics: the event callback receives a circuit opening", "[metrics][capi]") {
  WebhookServer server;
  Received r;
  struct Reset {  // the callback points at `r`
    ~Reset() { agenthost_set_event_callback(nullptr, nullptr); }
  } reset;
  REQUIRE(agenthost_set_event_callback(record_event, &r) == AGENTHOST_OK);
  agenthost_hook_policy *p =
      policy_of("{\"PreToolUse\":" + hook(server.url("/status500deny")) + "}", 1);
  CHECK(evaluate(p, hook_input("PreToolUse")) == AGENTHOST_DENY);
  REQUIRE(agenthost_set_event_callback(nullptr, nullptr) == AGENTHOST_OK);
  CHECK(evaluate(p, hook_input("PreToolUse")) == AGENTHOST_DENY);  // open: no event, no callback
  agenthost_hook_policy_free(p);

  REQUIRE(r.kinds.size() == 1);
  CHECK(r.kinds[0] == AGENTHOST_EVENT_HOOK_CIRCUIT_OPENED);
  CHECK(r.names[0] == "hook_circuit_opened");
  CHECK(r.subjects[0] == "PreToolUse[0]");
  CHECK(r.struct_size == sizeof(agenthost_event));
  CHECK(r.inner == AGENTHOST_INVALID_ARGUMENT);
}
