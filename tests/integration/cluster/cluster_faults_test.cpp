// CacheClient on private 3-master Redis Clusters that the tests disturb: a slot moved to another
// master while clients read and write (no error may reach them), and a master stopped (calls on
// its slots fail with connection/timeout within the configured timeouts; the rest keep working;
// a slot given to a live master is served again).
#include <agenthost/cache_client.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "cache/cluster/cluster_slot.hpp"
#include "support/redis_cluster.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

CacheOptions fast_options(const std::string &url) {
  CacheOptions o;
  o.url = url;
  o.connect_timeout = 500ms;
  o.socket_timeout = 500ms;
  o.pool_wait_timeout = 500ms;
  o.retry_max_attempts = 2;
  o.retry_backoff_base = 10ms;
  return o;
}

// A key whose slot is served by the master on `port`.
std::string key_on(const test::RedisCluster &rc, int port, const std::string &prefix) {
  for (int i = 0; i < 100000; ++i) {
    std::string k = prefix + std::to_string(i);
    if (rc.master_of_slot(detail::cluster_key_slot(k)) == port) return k;
  }
  throw std::runtime_error("no key found for the master");
}

}  // namespace

TEST_CASE("cluster: a slot migrated while 4 threads read and write: no error reaches them") {
  test::RedisCluster rc;
  CacheClient c(fast_options(rc.url()));
  const int slot = detail::cluster_key_slot("mig");
  const int from = rc.master_of_slot(slot);
  const int to = rc.ports()[0] == from ? rc.ports()[1] : rc.ports()[0];
  // 40 keys in the migrating slot (hash tag), plus keys elsewhere for cross-slot MGETs.
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back("{mig}k" + std::to_string(i));
    c.set(keys.back(), "0");
  }
  std::atomic<bool> stop{false};
  std::atomic<long> ops{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<long> increments(keys.size());  // per key, by thread t only for keys i % 4 == t
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::string> spread{keys[0], "elsewhere:a", keys[5], "elsewhere:b", keys[9]};
      for (long n = 0; !stop.load() && n < 1000000; ++n) {
        try {
          const std::size_t i = static_cast<std::size_t>(t + 4 * (n % 10));
          c.incr(keys[i]);
          ++increments[i];
          if (c.mget(spread).size() != spread.size()) throw std::runtime_error("mget size");
          auto tx = c.transact({keys[i]}, [&](const auto &values) {
            return std::optional<std::vector<Command>>({{"SET", keys[i], *values[0]}});
          });
          if (!tx) throw std::runtime_error("transact declined");
          ++ops;
        } catch (const std::exception &e) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(e.what());
          if (errors.size() > 20) return;
        }
      }
    });
  }
  // Let the clients run before, during and after the move.
  for (int i = 0; i < 200 && ops.load() < 50; ++i) std::this_thread::sleep_for(10ms);
  rc.migrate_slot(slot, from, to, 5, 20ms);
  const long after_move = ops.load();
  for (int i = 0; i < 500 && ops.load() < after_move + 200; ++i) std::this_thread::sleep_for(10ms);
  stop = true;
  for (auto &th : threads) th.join();
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  CHECK(ops.load() > after_move);
  CHECK(rc.master_of_slot(slot) == to);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CAPTURE(i);
    CHECK(c.get(keys[i]) == std::optional<std::string>(std::to_string(increments[i])));
  }
}

TEST_CASE("cluster: a stopped master fails its slots within the timeouts, others keep working") {
  test::RedisCluster rc;
  const CacheOptions options = fast_options(rc.url());
  CacheClient c(options);
  // Not the master of slot 0, where a keyless command goes: ping() must still see it down.
  const int dead = rc.master_of_slot(0) == rc.ports()[1] ? rc.ports()[2] : rc.ports()[1];
  const std::string on_dead = key_on(rc, dead, "dead:");
  std::vector<std::string> alive_keys;
  for (int port : rc.ports()) {
    if (port != dead) alive_keys.push_back(key_on(rc, port, "alive:"));
  }
  for (const auto &k : alive_keys) c.set(k, "v");
  c.set(on_dead, "v");
  REQUIRE_NOTHROW(c.ping());
  rc.stop_master(dead);
  try {  // a readiness check: every master must answer, not just one
    c.ping();
    FAIL("ping succeeded with a master stopped");
  } catch (const Error &e) {
    CHECK((e.code() == Errc::connection || e.code() == Errc::timeout));
    CHECK_THAT(e.what(), Catch::Contains(std::to_string(dead)));
  }

  // Generous: every attempt may spend a connect timeout and a socket timeout, plus backoff.
  const auto bound =
      3 * options.retry_max_attempts * (options.connect_timeout + options.socket_timeout + 1000ms);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    const auto start = Clock::now();
    try {
      c.get(on_dead);
      FAIL("a read of a stopped master's slot succeeded");
    } catch (const Error &e) {
      CHECK((e.code() == Errc::connection || e.code() == Errc::timeout));
    }
    try {
      c.set(on_dead, "w");
      FAIL("a write to a stopped master's slot succeeded");
    } catch (const Error &e) {
      CHECK((e.code() == Errc::connection || e.code() == Errc::timeout));
    }
    CHECK(Clock::now() - start < bound);
    for (const auto &k : alive_keys) {
      CHECK(c.get(k) == std::optional<std::string>("v"));
      c.set(k, "v");
    }
    std::vector<std::string> mixed{alive_keys[0], on_dead, alive_keys[1]};
    try {
      c.mget(mixed);
      FAIL("an MGET touching a stopped master succeeded");
    } catch (const Error &e) {
      CHECK((e.code() == Errc::connection || e.code() == Errc::timeout));
    }
    std::this_thread::sleep_for(1s);  // the cluster marks the master failed after 2 s
  }

  // An operator gives the dead master's slot to a live one: the client follows the new map.
  const int slot = detail::cluster_key_slot(on_dead);
  const int heir =
      alive_keys.empty() ? 0 : rc.master_of_slot(detail::cluster_key_slot(alive_keys[0]));
  REQUIRE(rc.cli(heir, {"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", rc.node_id(heir)}) ==
          "OK");
  rc.cli(heir, {"CLUSTER", "BUMPEPOCH"});
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      c.set(on_dead, "again");
      served = c.get(on_dead) == std::optional<std::string>("again");
    } catch (const Error &e) {
      CHECK((e.code() == Errc::connection || e.code() == Errc::timeout));
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(served);
}

TEST_CASE("cluster: a hung master times out within the socket timeout, others keep working") {
  test::RedisCluster rc;
  const CacheOptions options = fast_options(rc.url());
  CacheClient c(options);
  const int hung = rc.ports()[2];
  const std::string on_hung = key_on(rc, hung, "hung:");
  const std::string elsewhere = key_on(rc, rc.ports()[0], "alive:");
  c.set(on_hung, "v");
  c.set(elsewhere, "v");
  rc.pause_master(hung);
  // A timeout is not retried (the command may have run): one socket timeout, with slack.
  const auto bound = 3 * (options.connect_timeout + options.socket_timeout);
  for (int round = 0; round < 2; ++round) {
    CAPTURE(round);
    const auto start = Clock::now();
    try {
      c.get(on_hung);
      FAIL("a read of a hung master's slot succeeded");
    } catch (const Error &e) {
      CHECK((e.code() == Errc::timeout || e.code() == Errc::connection));
    }
    CHECK(Clock::now() - start < bound);
    CHECK(c.get(elsewhere) == std::optional<std::string>("v"));
  }
  rc.resume_master(hung);
  bool back = false;
  for (int i = 0; i < 50 && !back; ++i) {
    try {
      back = c.get(on_hung) == std::optional<std::string>("v");
    } catch (const Error &) {
      std::this_thread::sleep_for(100ms);
    }
  }
  CHECK(back);
}
