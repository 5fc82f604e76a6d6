// 64 threads on a pool of 5 connections with a short pool wait: nobody deadlocks, every call
// returns (success or pool_exhausted) in bounded time, and the pool's counters add up.
#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <catch2/catch.hpp>

#include "integration/hardening/hardening_util.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("64 threads on max_connections=5: every call returns, success or pool_exhausted",
          "[faults][concurrency][pool]") {
  RedisServer server;
  CacheOptions o;
  o.url = server.url();
  o.max_connections = 5;
  o.pool_wait_timeout = milliseconds(50);
  o.connect_timeout = milliseconds(2000);
  o.socket_timeout = milliseconds(2000);
  CacheClient cache(o);
  SessionStore store(cache);

  constexpr int kThreads = 64;
  constexpr int kCallsPerThread = 24;
  Tally tally;
  std::atomic<long long> slowest_ms{0};
  run_threads(kThreads, seconds(120), [&](int t) {
    const std::string owner = "sk-pool-" + std::to_string(t % 4);
    std::string last_id;
    for (int i = 0; i < kCallsPerThread; ++i) {
      const auto t0 = Clock::now();
      switch (i % 4) {
        case 0:
          record(tally, [&] {
            CreateRequest r;
            r.model = "claude-test";
            r.owner_api_key = owner;
            last_id = store.create(r).id;
          });
          break;
        case 1:
          record(tally, [&] {
            if (!last_id.empty()) store.get(last_id, owner);
          });
          break;
        case 2:
          record(tally, [&] {
            ListQuery q;
            q.owner_api_key = owner;
            store.list(q);
          });
          break;
        default:
          // A slow command (BLPOP on an empty list, 100 ms) holds its connection, so the pool
          // really runs dry and borrowers really wait.
          record(tally, [&] {
            cache.execute(Batch{}.add({"BLPOP", "pool-empty-" + std::to_string(t), "0.1"}));
          });
      }
      const long long ms = since(t0).count();
      long long prev = slowest_ms.load();
      while (ms > prev && !slowest_ms.compare_exchange_weak(prev, ms)) {
      }
    }
  });

  INFO("outcomes: " << tally.summary());
  CHECK(tally.total() == static_cast<std::uint64_t>(kThreads * kCallsPerThread));
  CHECK(tally.other_than({Errc::pool_exhausted}) == 0);
  CHECK(tally.count(Errc::ok) > 0);
  CHECK(tally.count(Errc::pool_exhausted) > 0);  // the pool was in fact exhausted
  // Generous "does not hang" bound: a call waits 50 ms per borrow and BLPOP holds 100 ms.
  CHECK(slowest_ms.load() < 10000);

  const PoolStats s = cache.stats();
  CHECK(s.max == 5);
  CHECK(s.in_use == 0);
  CHECK(s.open <= 5);
  CHECK(s.idle == s.open);
  CHECK(s.created == s.open);  // nothing broke, nothing was replaced
  CHECK(s.reconnects == 0);
  CHECK(s.wait_timeouts == tally.count(Errc::pool_exhausted));  // one per failed call
  CHECK(s.waits >= s.wait_timeouts);
  CHECK(s.errors_timeout == 0);
  CHECK(s.errors_connection == 0);
  CHECK(s.errors_protocol == 0);

  // The pool is healthy afterwards: with the load gone, every call succeeds.
  for (int i = 0; i < 20; ++i) CHECK_NOTHROW(cache.ping());
}
