// TranscriptStore on a private 3-master Redis Cluster whose session slot moves to another master
// while 4 threads append to that session (each batch sent twice, as a retry would): no error
// reaches them, and every id is stored exactly once, in each appender's order.
#include <agenthost/cache_client.hpp>
#include <agenthost/transcript_store.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cache/cluster/cluster_slot.hpp"
#include "support/redis_cluster.hpp"
#include "transcripts/transcript_keys.hpp"

using namespace agenthost;
using namespace std::chrono_literals;

namespace {

std::string entry(int t, long i) {
  return "{\"uuid\":\"t" + std::to_string(t) + "-" + std::to_string(i) + "\"}";
}

}  // namespace

TEST_CASE(
    "transcripts on a cluster: a session slot migrated during appends loses and doubles "
    "nothing") {
  test::RedisCluster rc;
  CacheOptions co;
  co.url = rc.url();
  CacheClient cache(co);
  TranscriptStore store(cache);
  const TranscriptKey key{"tenant-mig", "session-mig", std::nullopt};
  const auto names =
      detail::transcript_key_names(store.options().key_prefix, key.scope, key.session_id, "");
  const int slot = detail::cluster_key_slot(names.mtime);
  REQUIRE(slot == detail::cluster_key_slot(names.entries));
  const int from = rc.master_of_slot(slot);
  const int to = rc.ports()[0] == from ? rc.ports()[1] : rc.ports()[0];
  store.append(key, {entry(99, 0)});

  std::atomic<bool> stop{false};
  std::atomic<long> ops{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<long> sent(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (long n = 0; !stop.load() && n < 100000; ++n) {
        const std::vector<std::string> batch{entry(t, 2 * n), entry(t, 2 * n + 1)};
        try {
          store.append(key, batch);
          sent[t] = 2 * n + 2;
          store.append(key, batch);  // a retry: appends nothing
          ++ops;
        } catch (const std::exception &e) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(e.what());
          return;
        }
      }
    });
  }
  for (int i = 0; i < 200 && ops.load() < 50; ++i) std::this_thread::sleep_for(10ms);
  rc.migrate_slot(slot, from, to, 1, 30ms);
  const long after_move = ops.load();
  for (int i = 0; i < 500 && ops.load() < after_move + 100; ++i) std::this_thread::sleep_for(10ms);
  stop = true;
  for (auto &th : threads) th.join();
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  CHECK(ops.load() > after_move);
  CHECK(rc.master_of_slot(slot) == to);
  const auto all = store.load(key);
  REQUIRE(all);
  std::set<std::string> unique(all->begin(), all->end());
  CHECK(unique.size() == all->size());
  std::map<int, long> next;
  for (const std::string &e : *all) {
    const int t = e[10] - '0';
    if (t == 9) continue;  // the first entry
    const long i = std::stol(e.substr(12));
    CHECK(i == next[t]);
    next[t] = i + 1;
  }
  for (int t = 0; t < 4; ++t) CHECK(next[t] == sent[t]);
  CHECK(store.list(key.scope, std::nullopt).total == 1);
}
