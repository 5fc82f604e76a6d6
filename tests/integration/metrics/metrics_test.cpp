// Metrics after known traffic, against real parts: the session store on the shared redis-server,
// the pool on private redis-servers (stopped, paused), hooks against the local webhook server.
// Counters, histograms, the Prometheus and JSON renderings, and the internal events.
#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>
#include <agenthost/metrics.hpp>
#include <agenthost/session_store.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "integration/metrics/event_recorder.hpp"
#include "integration/metrics/exposition_parser.hpp"
#include "integration/sessions/session_test_cache.hpp"
#include "metrics/prometheus_render.hpp"
#include "support/hook_test_util.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using test::EventRecorder;

namespace {

constexpr const char *kOwnerKey = "sk-ant-test-owner-metrics";  // a fixture key, not a real one

bool contains(const std::string &text, const std::string &what) {
  return text.find(what) != std::string::npos;
}

std::uint64_t bucket_total(const LatencyHistogram &h) {
  std::uint64_t n = 0;
  for (auto c : h.counts) n += c;
  return n;
}

struct SessionEnv : test::OwnerSessionEnv {
  SessionEnv() : OwnerSessionEnv("metrics", kOwnerKey) {}
};

ListQuery of_owner() {
  ListQuery q;
  q.owner_api_key = kOwnerKey;
  return q;
}

}  // namespace

TEST_CASE("metrics: session operations are counted with their latency", "[metrics]") {
  SessionEnv env;
  const Session a = env.create();
  const Session b = env.create();
  env.create();
  CHECK(env.store.get(a.id).has_value());
  CHECK(env.store.get(b.id).has_value());
  CHECK_FALSE(env.store.get("no-such-session").has_value());
  SessionPatch patch;
  patch.status = SessionStatus::completed;
  env.store.update(a.id, patch);
  CHECK_THROWS_AS(env.store.update("no-such-session", patch), Error);
  CHECK(env.store.list(of_owner()).total == 3);
  CHECK(env.store.remove(b.id));

  const SessionStoreStats s = env.store.stats();
  CHECK(s.create.calls == 3);
  CHECK(s.create.errors == 0);
  CHECK(s.get.calls == 3);  // an absent session is no error
  CHECK(s.get.errors == 0);
  CHECK(s.update.calls == 2);
  CHECK(s.update.errors == 1);  // not_found
  CHECK(s.list.calls == 1);
  CHECK(s.remove.calls == 1);
  CHECK(s.reindex.calls == 0);
  CHECK(s.corrupt_records == 0);
  CHECK(s.index_repairs == 0);
  for (const auto *op : {&s.create, &s.get, &s.update, &s.list, &s.remove}) {
    CHECK(op->latency.count == op->calls);
    CHECK(bucket_total(op->latency) == op->calls);
    CHECK(op->latency.counts.size() == op->latency.bounds_seconds.size() + 1);
    CHECK(op->latency.sum_seconds > 0);
  }

  const std::string text = prometheus_text(MetricsSources{nullptr, &env.store, nullptr});
  INFO(text.substr(0, 1500));
  CHECK(contains(text, "# TYPE agenthost_session_operations_total counter\n"));
  CHECK(contains(text, "agenthost_session_operations_total{operation=\"create\"} 3\n"));
  CHECK(contains(text, "agenthost_session_operation_errors_total{operation=\"update\"} 1\n"));
  CHECK(contains(text, "# TYPE agenthost_session_operation_duration_seconds histogram\n"));
  CHECK(
      contains(text, "agenthost_session_operation_duration_seconds_count{operation=\"get\"} 3\n"));
  CHECK(contains(
      text,
      "agenthost_session_operation_duration_seconds_bucket{operation=\"get\",le=\"+Inf\"} 3\n"));
  CHECK_FALSE(contains(text, "agenthost_redis_"));  // only the sources asked for
  CHECK_FALSE(contains(text, "agenthost_hook_"));
}

TEST_CASE("metrics: corrupt records and index repairs are counted and reported", "[metrics]") {
  SessionEnv env;
  EventRecorder events;
  env.create();  // a good record beside the bad one
  const Session bad = env.create();
  env.cache.set(env.options.key_prefix + bad.id, "{not json", 3600s);
  // A ghost: an index entry whose record is gone.
  const Session ghost = env.create();
  env.cache.del(env.options.key_prefix + ghost.id);

  const SessionPage page = env.store.list(of_owner());
  CHECK(page.skipped_corrupt == 1);
  CHECK_THROWS_AS(env.store.get(bad.id), Error);  // no owner key: corrupt is an error

  const SessionStoreStats s = env.store.stats();
  CHECK(s.corrupt_records == 2);  // once by the listing, once by get
  CHECK(s.index_repairs == 1);    // the ghost; the corrupt record's entry is left for inspection
  CHECK(s.get.errors == 1);

  const auto corrupt = events.of(InternalEventKind::session_corrupt_record);
  REQUIRE(corrupt.size() == 2);
  CHECK(corrupt[0].subject == bad.id);
  CHECK(corrupt[1].subject == bad.id);
  const auto repaired = events.of(InternalEventKind::session_index_repaired);
  REQUIRE(repaired.size() == 1);
  CHECK(contains(repaired[0].detail, "1 stale index entries"));
  // Listed again: nothing is stale any more, so nothing more is counted.
  CHECK(env.store.list(of_owner()).total == 2);
  CHECK(env.store.stats().index_repairs == 1);
  CHECK(events.of(InternalEventKind::session_index_repaired).size() == 1);
  CHECK_FALSE(contains(repaired[0].subject + repaired[0].detail, kOwnerKey));

  const std::string text = prometheus_text(MetricsSources{nullptr, &env.store, nullptr});
  CHECK(contains(text, "agenthost_session_corrupt_records_total 3\n"));  // listed twice, one get
  CHECK(contains(
      text, "agenthost_session_index_repairs_total " + std::to_string(s.index_repairs) + "\n"));
}

TEST_CASE("metrics: a pool on a server that restarts counts the reconnect and reports it",
          "[metrics]") {
  test::RedisServer server;
  CacheOptions o;
  o.url = server.url();
  o.max_connections = 2;
  o.connect_timeout = 500ms;
  o.socket_timeout = 1000ms;
  CacheClient cache(o);
  EventRecorder events;
  cache.set("k", "v");
  server.stop();
  CHECK_THROWS_AS(cache.set("k", "v2"), Error);  // not retried: a write
  server.start();
  // The broken connection is replaced on the next call (bounded: a few calls at most).
  for (int i = 0; i < 5; ++i) {
    try {
      cache.set("k", "v3");
      break;
    } catch (const Error &) {
    }
  }
  CHECK(cache.get("k") == std::optional<std::string>("v3"));
  const PoolStats stats = cache.stats();
  CHECK(stats.reconnects >= 1);
  const auto reconnects = events.of(InternalEventKind::redis_reconnect);
  REQUIRE(reconnects.size() == stats.reconnects);
  CHECK(reconnects[0].subject == "127.0.0.1:" + std::to_string(server.port()));

  const std::string text = prometheus_text(MetricsSources{&cache, nullptr, nullptr});
  CHECK(contains(text,
                 "agenthost_redis_reconnects_total " + std::to_string(stats.reconnects) + "\n"));
  CHECK(contains(
      text, "agenthost_redis_connections_created_total " + std::to_string(stats.created) + "\n"));
  CHECK(contains(text, "agenthost_redis_connections_max 2\n"));
}

TEST_CASE("metrics: a refused connect and an exhausted pool are events with the endpoint",
          "[metrics]") {
  test::RedisServer server;
  CacheOptions o;
  o.url = server.url();
  o.max_connections = 1;
  o.socket_timeout = 3000ms;
  o.pool_wait_timeout = 100ms;
  o.retry_max_attempts = 1;
  CacheClient cache(o);
  EventRecorder events;
  cache.set("k", "v");
  // The one connection is held by a call the paused server does not answer.
  server.cli({"CLIENT", "PAUSE", "2000", "ALL"});
  auto held = std::async(std::launch::async, [&] {
    try {
      cache.set("k", "v2");
    } catch (const Error &) {
    }
  });
  // Once the held call has borrowed the one connection (bounded wait), a second borrow gives up.
  for (int i = 0; i < 200 && cache.stats().in_use == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(cache.stats().in_use == 1);
  bool exhausted = false;
  try {
    cache.ping();
  } catch (const Error &e) {
    exhausted = e.code() == Errc::pool_exhausted;
  }
  held.get();
  REQUIRE(exhausted);
  const auto ev = events.of(InternalEventKind::redis_pool_exhausted);
  REQUIRE_FALSE(ev.empty());
  CHECK(ev[0].subject == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(contains(ev[0].detail, "max_connections=1"));
  CHECK(cache.stats().wait_timeouts == ev.size());

  // Nothing listens any more: opening a connection fails, and says where.
  server.stop();
  CacheOptions down = o;
  down.connect_timeout = 300ms;
  CacheClient refused(down);
  CHECK_THROWS_AS(refused.ping(), Error);
  const auto failed = events.of(InternalEventKind::redis_connect_failed);
  REQUIRE_FALSE(failed.empty());
  CHECK(failed.back().subject == "127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("metrics: hook decisions, failures by class and latency per hook", "[metrics]") {
  test::WebhookServer server;
  const std::string config = "{\"PreToolUse\":[" + test::hook(server.url("/allow")) + "," +
                             test::hook(server.url("/deny?token=secret-in-query")) + "]," +
                             "\"PostToolUse\":" + test::hook(server.url("/garbage")) + "}";
  HookPolicy policy(config, test::private_ok());
  for (int i = 0; i < 3; ++i) {
    CHECK(policy.evaluate(test::hook_input("PreToolUse")).decision == Decision::deny);
  }
  policy.evaluate(test::hook_input("PostToolUse"));
  policy.evaluate(test::hook_input("PostToolUse"));

  const HookPolicyStats s = policy.stats();
  CHECK(s.events.at("PreToolUse").deny == 3);
  CHECK(s.events.at("PreToolUse").allow == 0);
  CHECK(s.events.at("PostToolUse").failed == 2);
  REQUIRE(s.hooks.size() == 3);
  const HookStats &allow = s.hooks[0];
  const HookStats &deny = s.hooks[1];
  const HookStats &garbage = s.hooks[2];
  CHECK(allow.event == "PreToolUse");
  CHECK(allow.index == 0);
  CHECK(allow.allow == 3);
  CHECK(allow.deny == 0);
  CHECK(deny.index == 1);
  CHECK(deny.deny == 3);
  CHECK_FALSE(contains(deny.url, "secret"));
  CHECK(garbage.event == "PostToolUse");
  CHECK(garbage.failures.at("invalid_reply") == 2);
  CHECK(garbage.failures.size() == 10);  // every class present
  CHECK(garbage.failures.at("timeout") == 0);
  for (const auto &h : s.hooks) {
    CHECK(h.circuit == "closed");
    CHECK(h.latency.count == (h.event == "PreToolUse" ? 3u : 2u));
    CHECK(bucket_total(h.latency) == h.latency.count);
  }

  const std::string text = prometheus_text(MetricsSources{nullptr, nullptr, &policy});
  CHECK_FALSE(contains(text, "secret-in-query"));
  CHECK(contains(text,
                 "agenthost_hook_evaluations_total{event=\"PreToolUse\",decision=\"deny\"} 3\n"));
  CHECK(contains(text, "agenthost_hook_failures_total{event=\"PostToolUse\",hook=\"0\",url=\"" +
                           garbage.url + "\",class=\"invalid_reply\"} 2\n"));
  CHECK(contains(text, "agenthost_hook_circuit_state{event=\"PreToolUse\",hook=\"1\",url=\"" +
                           deny.url + "\",state=\"closed\"} 1\n"));
  const std::string json = metrics_json(MetricsSources{nullptr, nullptr, &policy});
  CHECK(contains(json, "\"agenthost_hook_decisions_total\":{\"type\":\"counter\""));
}

TEST_CASE("metrics: a circuit that opens is counted, shown open and reported once", "[metrics]") {
  test::WebhookServer server;
  HookPolicyOptions o = test::private_ok();
  o.failure_threshold = 2;
  o.cooldown = 60s;
  HookPolicy policy("{\"PreToolUse\":" + test::hook(server.url("/status500deny")) + "}", o);
  EventRecorder events;
  for (int i = 0; i < 3; ++i) {
    const Verdict v = policy.evaluate(test::hook_input("PreToolUse"));
    CHECK(v.decision == Decision::deny);
    CHECK(v.failed);
  }
  const HookPolicyStats s = policy.stats();
  REQUIRE(s.hooks.size() == 1);
  const HookStats &h = s.hooks[0];
  CHECK(h.circuit == "open");
  CHECK(h.circuit_opened == 1);
  CHECK(h.failures.at("http_status") == 2);
  CHECK(h.failures.at("circuit_open") == 1);
  CHECK(h.latency.count == 2);  // the open circuit kept the third call back
  CHECK(h.deny == 3);           // PreToolUse fails closed
  CHECK(s.events.at("PreToolUse").circuit_open == 1);
  CHECK(server.request_count() == 2);

  const auto opened = events.of(InternalEventKind::hook_circuit_opened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].subject == "PreToolUse[0]");
  CHECK(events.of(InternalEventKind::hook_circuit_closed).empty());

  const std::string text = prometheus_text(MetricsSources{nullptr, nullptr, &policy});
  CHECK(
      contains(text, "agenthost_hook_circuit_opened_total{event=\"PreToolUse\",hook=\"0\",url=\"" +
                         h.url + "\"} 1\n"));
  CHECK(contains(text, "agenthost_hook_circuit_state{event=\"PreToolUse\",hook=\"0\",url=\"" +
                           h.url + "\",state=\"open\"} 1\n"));
}

TEST_CASE("metrics: a circuit whose probe succeeds reports it closed", "[metrics]") {
  test::WebhookServer server;
  HookPolicyOptions o = test::private_ok();
  o.failure_threshold = 1;
  o.cooldown = 1000ms;
  server.get("/_mode/500");
  HookPolicy policy("{\"PreToolUse\":" + test::hook(server.url("/dynamic")) + "}", o);
  EventRecorder events;
  CHECK(policy.evaluate(test::hook_input("PreToolUse")).failed);
  CHECK(policy.stats().hooks[0].circuit == "open");
  server.get("/_mode/allow");
  std::this_thread::sleep_for(1200ms);  // past the cooldown: the next call is the probe
  CHECK(policy.stats().hooks[0].circuit == "half_open");
  CHECK(policy.evaluate(test::hook_input("PreToolUse")).decision == Decision::allow);
  CHECK(policy.stats().hooks[0].circuit == "closed");
  CHECK(events.of(InternalEventKind::hook_circuit_opened).size() == 1);
  const auto closed = events.of(InternalEventKind::hook_circuit_closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].subject == "PreToolUse[0]");
}

TEST_CASE("metrics: the event listener is replaced, removed, and may not set itself", "[metrics]") {
  SessionEnv env;
  const Session bad = env.create();
  env.cache.set(env.options.key_prefix + bad.id, "{not json", 3600s);
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  std::atomic<int> refused{0};
  struct Reset {  // the listeners below point at this test's locals
    ~Reset() { set_internal_event_listener({}); }
  } reset;
  set_internal_event_listener([&](const InternalEvent &) { ++first; });
  env.store.list(of_owner());
  CHECK(first == 1);
  set_internal_event_listener([&](const InternalEvent &) {
    ++second;
    try {
      set_internal_event_listener({});
    } catch (const Error &e) {
      if (e.code() == Errc::invalid_argument) ++refused;
    }
    throw std::runtime_error("a listener that throws changes nothing");
  });
  CHECK(env.store.list(of_owner()).skipped_corrupt == 1);
  CHECK(first == 1);
  CHECK(second == 1);
  CHECK(refused == 1);
  set_internal_event_listener({});
  env.store.list(of_owner());
  CHECK(second == 1);
  CHECK(internal_event_kind_name(InternalEventKind::hook_circuit_opened) ==
        std::string("hook_circuit_opened"));
}

TEST_CASE("metrics: label values and HELP are escaped as the exposition format says", "[metrics]") {
  std::deque<detail::MetricFamily> families(2);
  families[0].name = "agenthost_test_escaping_total";
  families[0].type = "counter";
  families[0].help = "help with a \\ backslash\nand a line feed";
  families[0].samples.push_back({{{"value", "a\"b\\c\nd"}, {"plain", "x"}}, 7, std::nullopt});
  families[1].name = "agenthost_test_seconds";
  families[1].type = "histogram";
  families[1].help = "a histogram";
  LatencyHistogram h;
  h.bounds_seconds = {0.1, 1};
  h.counts = {1, 2, 3};
  h.count = 6;
  h.sum_seconds = 4.5;
  families[1].samples.push_back({{{"op", "x"}}, 0, h});
  const std::string text = detail::render_prometheus_text(families);
  CHECK(contains(
      text, "# HELP agenthost_test_escaping_total help with a \\\\ backslash\\nand a line feed\n"));
  int n = 0;
  const auto samples = test::parsed_exposition(text, n);
  CHECK(n == 2);
  CHECK(samples.at(R"(agenthost_test_escaping_total{plain="x",value="a\"b\\c\nd"})") == 7);
  CHECK(samples.at(R"(agenthost_test_seconds_bucket{le="0.1",op="x"})") == 1);
  CHECK(samples.at(R"(agenthost_test_seconds_bucket{le="1",op="x"})") == 3);
  CHECK(samples.at(R"(agenthost_test_seconds_bucket{le="+Inf",op="x"})") == 6);
  CHECK(samples.at(R"(agenthost_test_seconds_count{op="x"})") == 6);
  CHECK(samples.at(R"(agenthost_test_seconds_sum{op="x"})") == 4.5);
}

TEST_CASE("metrics: a call cancelled in flight counts as cancelled, with no decision",
          "[metrics]") {
  test::WebhookServer server;
  HookPolicy policy("{\"PreToolUse\":" + test::hook(server.url("/never"), 30000) + "}",
                    test::private_ok());
  auto promise = std::make_shared<std::promise<Verdict>>();
  auto verdict = promise->get_future();
  const auto ticket = policy.evaluate_async(
      test::hook_input("PreToolUse"), [promise](Verdict &&v) { promise->set_value(std::move(v)); });
  // Cancel once the server holds the request (bounded wait), so the call is in flight.
  for (int i = 0; i < 200 && server.request_count() == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(server.request_count() == 1);
  CHECK(policy.cancel(ticket));
  const Verdict v = verdict.get();
  CHECK(v.decision == Decision::deny);
  CHECK(v.error == "cancelled");
  const HookStats h = policy.stats().hooks.at(0);
  CHECK(h.failures.at("cancelled") == 1);
  CHECK(h.allow + h.deny + h.ask + h.defer == 0);
  CHECK(h.circuit == "closed");  // a cancelled call counts neither way in the breaker
}

// The setter's promise, under load: once it returns, the previous listener is not running and is
// never called again. Two threads list a page with a corrupt record (an event per listing) while
// the listener is swapped 50 times; a retired listener that is still called is a violation.
TEST_CASE("metrics: a listener is swapped while threads report events", "[metrics]") {
  SessionEnv env;
  const Session bad = env.create();
  env.cache.set(env.options.key_prefix + bad.id, "{not json", 3600s);
  struct Generation {
    std::atomic<bool> retired{false};
    std::atomic<int> calls{0};
  };
  std::vector<std::unique_ptr<Generation>> generations;
  std::atomic<int> violations{0};
  std::atomic<bool> stop{false};
  struct Reset {
    ~Reset() { set_internal_event_listener({}); }
  } reset;
  std::vector<std::thread> listers;
  for (int t = 0; t < 2; ++t) {
    listers.emplace_back([&] {
      for (int i = 0; i < 2000 && !stop; ++i) env.store.list(of_owner());
    });
  }
  for (int g = 0; g < 50; ++g) {
    generations.push_back(std::make_unique<Generation>());
    Generation *current = generations.back().get();
    set_internal_event_listener([current, &violations](const InternalEvent &) {
      if (current->retired) ++violations;
      current->calls.fetch_add(1);
    });
    if (g > 0) generations[g - 1]->retired = true;  // replaced: must never be called again
    std::this_thread::sleep_for(2ms);
  }
  set_internal_event_listener({});
  generations.back()->retired = true;
  stop = true;
  for (auto &t : listers) t.join();
  CHECK(violations == 0);
  int calls = 0;
  for (const auto &g : generations) calls += g->calls;
  CHECK(calls > 0);
}
