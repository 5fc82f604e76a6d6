// The bounded pool: borrowers beyond max_connections wait at most pool_wait_timeout.
#include "cache/redis/redis_pool.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <thread>
#include <vector>

#include "integration/cache/redis_backend_helpers.hpp"
#include "integration/cache/redis_busy_borrowers.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;

TEST_CASE("with every connection busy the next borrower gets pool_exhausted after the wait",
          "[redis][pool]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.max_connections = 2;
  o.pool_wait_timeout = milliseconds(200);
  CacheClient c(o);
  BusyBorrowers busy(c, 2);
  REQUIRE(busy.holding() == 2);
  CHECK(c.stats().in_use == 2);
  CHECK(c.stats().open == 2);

  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::pool_exhausted);
  CHECK(result.message == "no Redis connection free within 200 ms (max_connections=2)");
  CHECK(result.elapsed >= milliseconds(100));  // it did wait before giving up
  CHECK(result.elapsed < milliseconds(2500));
  auto s = c.stats();
  CHECK(s.wait_timeouts == 1);
  CHECK(s.waits == 1);
  CHECK(s.open == 2);
  CHECK(s.retries == 0);

  busy.finish();
  CHECK(busy.failed() == 0);
  CHECK(server.cli({"GET", "busy:1"}) == "done\n");
}

TEST_CASE("a zero pool wait fails at once when the pool is full", "[redis][pool]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.max_connections = 1;
  o.pool_wait_timeout = milliseconds(0);
  CacheClient c(o);
  BusyBorrowers busy(c, 1);
  REQUIRE(busy.holding() == 1);
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::pool_exhausted);
  CHECK(result.elapsed < milliseconds(1000));
}

TEST_CASE("a waiting borrower gets the connection another one returns", "[redis][pool]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.max_connections = 1;
  o.pool_wait_timeout = milliseconds(5000);
  CacheClient c(o);
  auto busy = std::make_unique<BusyBorrowers>(c, 1);
  REQUIRE(busy->holding() == 1);
  auto waiter = std::async(std::launch::async, [&] { return c.get("busy:0"); });
  for (int i = 0; i < 500 && c.stats().waits == 0; ++i)
    std::this_thread::sleep_for(milliseconds(5));
  REQUIRE(c.stats().waits == 1);
  busy.reset();  // the transaction commits and returns its connection
  CHECK(waiter.get() == std::optional<std::string>("done"));
  auto s = c.stats();
  CHECK(s.wait_timeouts == 0);
  CHECK(s.created == 1);
  CHECK(s.idle == 1);
  CHECK(s.in_use == 0);
}

TEST_CASE("pool leases create lazily and reuse and discard broken connections and close",
          "[redis][pool]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.max_connections = 3;
  detail::RedisPool pool(detail::parse_redis_url(o.url), o);
  CHECK(pool.stats().open == 0);
  {
    auto a = pool.acquire();
    auto c = pool.acquire();
    CHECK(pool.stats().in_use == 2);
    CHECK(a->pipeline({{"PING"}}).at(0).str == "PONG");
  }
  auto s = pool.stats();
  CHECK(s.created == 2);
  CHECK(s.idle == 2);
  CHECK(s.in_use == 0);
  { auto again = pool.acquire(); }
  CHECK(pool.stats().created == 2);  // reused, not reopened

  server.cli({"CLIENT", "KILL", "TYPE", "normal"});
  {
    auto lease = pool.acquire();  // not checked: nothing failed yet and it was not idle for long
    CHECK_THROWS_AS(lease->pipeline({{"PING"}}), Error);
    CHECK(lease->broken());
  }
  CHECK(pool.stats().open == 1);  // the broken connection is discarded, not pooled
  CHECK(pool.stats().idle_checks == 0);
  // That failure makes the other idle connection suspect: it is PINGed, found dead and replaced.
  CHECK(pool.acquire()->pipeline({{"PING"}}).at(0).str == "PONG");
  s = pool.stats();
  CHECK(s.idle_checks == 1);
  CHECK(s.reconnects == 1);
  CHECK(s.created == 3);
  CHECK(s.open == 1);

  pool.close();
  CHECK(pool.stats().open == 0);
  auto closed = outcome_of([&] { pool.acquire(); });
  CHECK(closed.code == Errc::connection);
  CHECK(closed.message == "the CacheClient is closed");
}
