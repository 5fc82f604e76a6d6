// CacheClient on the shared 3-master Redis Cluster: multi-key commands split across masters and
// merged in the caller's order, one-slot transactions, scans over every master.
#include <agenthost/cache_client.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "cache/cluster/cluster_slot.hpp"
#include "support/errc_of.hpp"
#include "support/redis_cluster.hpp"
#include "support/test_env.hpp"

using namespace agenthost;

namespace {

CacheClient cluster_client() {
  CacheOptions o;
  o.url = test::shared_cluster_url();
  REQUIRE_FALSE(o.url.empty());
  return CacheClient(o);
}

// The fixture gives each of its 3 masters one third of the slots (redis-cli --cluster create).
int third_of(const std::string &key) { return detail::cluster_key_slot(key) * 3 / 16384; }

}  // namespace

TEST_CASE("cluster: MGET across all 3 masters returns values in the caller's order") {
  CacheClient c = cluster_client();
  CHECK(c.is_cluster());
  const std::string p = test::unique_prefix("cluster:mget");
  std::vector<std::string> keys;
  std::set<int> thirds;
  for (int i = 0; i < 300; ++i) {
    keys.push_back(p + std::to_string(i));
    thirds.insert(third_of(keys.back()));
    if (i % 3 != 0) c.set(keys.back(), "v" + std::to_string(i));
  }
  REQUIRE(thirds.size() == 3);
  auto values = c.mget(keys);
  REQUIRE(values.size() == keys.size());
  for (int i = 0; i < 300; ++i) {
    CAPTURE(i);
    if (i % 3 == 0) {
      CHECK_FALSE(values[static_cast<std::size_t>(i)].has_value());
    } else {
      CHECK(values[static_cast<std::size_t>(i)] ==
            std::optional<std::string>("v" + std::to_string(i)));
    }
  }
  CHECK(c.del(keys) == 200);
  CHECK(c.mget(keys) == std::vector<std::optional<std::string>>(300));
  CHECK(c.stats().created >= 3);  // one pool per master, aggregated
}

TEST_CASE("cluster: a pipelined batch over many slots keeps the caller's order per command") {
  CacheClient c = cluster_client();
  const std::string p = test::unique_prefix("cluster:batch");
  Batch batch;
  for (int i = 0; i < 50; ++i) {
    batch.add({"SET", p + std::to_string(i), std::to_string(i)});
    batch.add({"INCR", p + std::to_string(i)});
  }
  batch.add({"EXISTS", p + "0", p + "1", p + "2", p + "absent"});
  auto replies = c.execute(batch);
  REQUIRE(replies.size() == 101);
  for (int i = 0; i < 50; ++i) {
    CHECK(replies[static_cast<std::size_t>(2 * i)].str == "OK");
    CHECK(replies[static_cast<std::size_t>(2 * i + 1)].integer == i + 1);
  }
  CHECK(replies.back().integer == 3);
}

TEST_CASE("cluster: a transaction across slots is invalid_argument naming the slots") {
  CacheClient c = cluster_client();
  const std::string p = test::unique_prefix("cluster:tx");
  const std::string a = p + "a", b = p + "b";
  REQUIRE(detail::cluster_key_slot(a) != detail::cluster_key_slot(b));
  Batch batch;
  batch.transaction = true;
  batch.add({"SET", a, "1"}).add({"SET", b, "2"});
  std::string message;
  CHECK(test::code_of([&] { c.execute(batch); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Catch::Contains("slot " + std::to_string(detail::cluster_key_slot(a))) &&
                          Catch::Contains("slot " + std::to_string(detail::cluster_key_slot(b))));
  CHECK_FALSE(c.exists(a));
  CHECK_FALSE(c.exists(b));
  auto build = [&](const auto &) { return std::optional<std::vector<Command>>({{"SET", a, "1"}}); };
  CHECK(test::code_of([&] { c.transact({a, b}, build); }) == Errc::invalid_argument);
  auto writes_b = [&](const auto &) {
    return std::optional<std::vector<Command>>({{"SET", b, "1"}});
  };
  CHECK(test::code_of([&] { c.transact({a}, writes_b); }) == Errc::invalid_argument);
  CHECK_FALSE(c.exists(b));
}

TEST_CASE("cluster: keys sharing a {hash tag} can be written in one transaction") {
  CacheClient c = cluster_client();
  const std::string p = "{" + test::unique_prefix("cluster:tag") + "}";
  Batch batch;
  batch.transaction = true;
  batch.add({"SET", p + "a", "1"}).add({"SET", p + "b", "2"}).add({"MGET", p + "a", p + "b"});
  auto replies = c.execute(batch);
  REQUIRE(replies.size() == 3);
  REQUIRE(replies[2].elements.size() == 2);
  CHECK(replies[2].elements[1].str == "2");
  auto result = c.transact({p + "a", p + "b"}, [&](const auto &values) {
    return std::optional<std::vector<Command>>({{"SET", p + "c", *values[0] + *values[1]}});
  });
  REQUIRE(result);
  CHECK(c.get(p + "c") == std::optional<std::string>("12"));
}

TEST_CASE("cluster: scan covers every master, each key once") {
  CacheClient c = cluster_client();
  const std::string p = test::unique_prefix("cluster:scan");
  std::set<std::string> written;
  std::set<int> thirds;
  for (int i = 0; i < 120; ++i) {
    written.insert(p + std::to_string(i));
    thirds.insert(third_of(p + std::to_string(i)));
    c.set(p + std::to_string(i), "x");
  }
  REQUIRE(thirds.size() == 3);
  auto found = c.scan(p + "*");
  CHECK(std::set<std::string>(found.begin(), found.end()) == written);
  CHECK(found.size() == written.size());
  CHECK(c.scan(p + "*", 7).size() == 7);
}

TEST_CASE("cluster: 8 threads share one client: cross-slot reads see their own writes") {
  CacheClient c = cluster_client();
  const std::string p = test::unique_prefix("cluster:threads");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        std::vector<std::string> keys;
        Batch writes;
        for (int k = 0; k < 10; ++k) {
          keys.push_back(p + std::to_string(t) + ":" + std::to_string(i) + ":" + std::to_string(k));
          writes.add({"SET", keys.back(), std::to_string(t * 1000 + k)});
        }
        c.execute(writes);
        auto values = c.mget(keys);
        for (int k = 0; k < 10; ++k) {
          if (values[static_cast<std::size_t>(k)] !=
              std::optional<std::string>(std::to_string(t * 1000 + k))) {
            ++wrong;
          }
        }
        if (c.del(keys) != 10) ++wrong;
      }
    });
  }
  for (auto &th : threads) th.join();
  CHECK(wrong == 0);
}
