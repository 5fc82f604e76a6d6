// Benchmark: listing a 100-session page of one owner on a 3-master Redis Cluster against the same
// listing on a single redis-server, in the same run (interleaved rounds, medians).
//   first page   SessionStore::list, page_size 100 (index range on one master, then the page's
//                100 records read with one MGET split per slot and sent to the 3 masters in
//                parallel)
//   cursor page  the page after the first, by cursor
//   raw floor    raw hiredis, no decoding: ZRANGE of the owner's index (101 members), then the
//                page's records read the way the cluster requires (one MGET per slot, each
//                master's MGETs as one pipeline, all pipelines written before any reply is read);
//                on the single node one MGET of the 100 keys
// Both stores hold the same 1,000 sessions of the owner and 1,000 of others. Starts its own
// servers on free loopback ports (a private cluster through tests/support/cluster_fixture.sh)
// and never touches another server.
#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "cache/cluster/cluster_slot.hpp"
#include "raw_redis.hpp"
#include "sessions/owner_key.hpp"
#include "support/redis_cluster.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;

namespace {

constexpr int kOwnerSessions = 1000;
constexpr int kOtherSessions = 1000;
constexpr int kRounds = 300;
constexpr const char *kOwner = "sk-cluster-bench-owner";

void fill(SessionStore &store) {
  CreateRequest r;
  r.model = "claude-sonnet-4";
  r.metadata_json = R"({"project":"bench","tags":["a","b"]})";
  bench::create_sessions(store, r, {kOwner}, kOwnerSessions);
  std::vector<std::string> others;
  for (int i = 0; i < 10; ++i) others.push_back("sk-other-" + std::to_string(i));
  bench::create_sessions(store, r, others, kOtherSessions);
}

std::function<void()> first_page(SessionStore &store) {
  return [&store] {
    ListQuery q;
    q.owner_api_key = kOwner;
    q.page_size = 100;
    if (store.list(q).sessions.size() != 100) throw std::runtime_error("short page");
  };
}

std::function<void()> cursor_page(SessionStore &store) {
  ListQuery q;
  q.owner_api_key = kOwner;
  q.page_size = 100;
  const std::string cursor = *store.list(q).next_cursor;
  return [&store, cursor] {
    ListQuery next;
    next.owner_api_key = kOwner;
    next.page_size = 100;
    next.cursor = cursor;
    if (store.list(next).sessions.size() != 100) throw std::runtime_error("short page");
  };
}

void append(redisContext *c, const std::vector<std::string> &args) {
  std::vector<const char *> argv;
  std::vector<size_t> lens;
  for (const auto &a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
}

void flush(redisContext *c) {
  for (int done = 0; !done;) {
    if (redisBufferWrite(c, &done) != REDIS_OK) throw std::runtime_error("raw write failed");
  }
}

redisReply *read_one(redisContext *c) {
  void *r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK || r == nullptr) throw std::runtime_error("raw read");
  return static_cast<redisReply *>(r);
}

// The owner's index, newest first: ids of the first page (plus one, as the store reads).
std::vector<std::string> first_ids(redisContext *c, const std::string &index) {
  append(c, {"ZRANGE", index, "0", "100", "REV"});
  redisReply *r = read_one(c);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < r->elements; ++i)
    ids.emplace_back(r->element[i]->str, r->element[i]->len);
  freeReplyObject(r);
  return ids;
}

// Raw floor on one node: the index range, then one MGET of the page's records.
std::function<void()> raw_single(int port, std::string index, std::string prefix) {
  auto ctx = std::make_shared<bench::RawContext>(bench::raw_connect(port));
  const bench::RawRun run = [ctx](const std::vector<std::string> &args) {
    return bench::raw_command(ctx->get(), args);
  };
  return [run, index, prefix] { bench::raw_page_floor(run, index, prefix, 100); };
}

// Raw floor on the cluster: the index range on its master, then one MGET per slot, grouped per
// master, every pipeline written before any reply is read.
std::function<void()> raw_cluster(const test::RedisCluster &cluster, std::string index,
                                  std::string prefix) {
  auto ctxs = std::make_shared<std::map<int, bench::RawContext>>();
  for (int port : cluster.ports()) ctxs->emplace(port, bench::raw_connect(port));
  // redis-cli --cluster create gives 3 masters 0-5460, 5461-10922, 10923-16383.
  std::vector<int> owner(detail::kClusterSlots);
  const int first = cluster.master_of_slot(0), second = cluster.master_of_slot(5461),
            third = cluster.master_of_slot(16383);
  for (int slot = 0; slot < detail::kClusterSlots; ++slot) {
    owner[static_cast<std::size_t>(slot)] = slot <= 5460 ? first : slot <= 10922 ? second : third;
  }
  const int index_port = owner[static_cast<std::size_t>(detail::cluster_key_slot(index))];
  return [ctxs, owner, index_port, index, prefix] {
    auto ids = first_ids(ctxs->at(index_port).get(), index);
    std::map<int, std::vector<std::vector<std::string>>> per_master;
    std::map<int, std::size_t> slot_command;  // slot -> index in its master's pipeline
    for (std::size_t i = 0; i < 100 && i < ids.size(); ++i) {
      const std::string key = prefix + ids[i];
      const int slot = detail::cluster_key_slot(key);
      auto &pipeline = per_master[owner[static_cast<std::size_t>(slot)]];
      auto [it, added] = slot_command.emplace(slot, pipeline.size());
      if (added) pipeline.push_back({"MGET"});
      pipeline[it->second].push_back(key);
    }
    for (auto &[port, pipeline] : per_master) {
      redisContext *c = ctxs->at(port).get();
      for (auto &cmd : pipeline) append(c, cmd);
      flush(c);
    }
    for (auto &[port, pipeline] : per_master) {
      redisContext *c = ctxs->at(port).get();
      for (std::size_t n = 0; n < pipeline.size(); ++n) freeReplyObject(read_one(c));
    }
  };
}

}  // namespace

int main() {
  test::RedisServer server;
  test::RedisCluster cluster;
  CacheOptions single_options;
  single_options.url = server.url();
  CacheOptions cluster_options;
  cluster_options.url = cluster.url();
  CacheClient single_cache(single_options);
  CacheClient cluster_cache(cluster_options);
  SessionStore single(single_cache);
  SessionStore clustered(cluster_cache);
  fill(single);
  fill(clustered);

  fmt::print("redis-server (private) on 127.0.0.1:{}; Redis Cluster (private, 3 masters) {}\n",
             server.port(), cluster.url());
  fmt::print("{} sessions of the owner, {} of others; {} interleaved rounds, medians\n\n",
             kOwnerSessions, kOtherSessions, kRounds);
  fmt::print("  {:<34} {:>14} {:>14} {:>8}\n", "", "single node", "3-master", "ratio");
  const auto first =
      bench::interleaved_medians_us(kRounds, {first_page(single), first_page(clustered)});
  const auto next =
      bench::interleaved_medians_us(kRounds, {cursor_page(single), cursor_page(clustered)});
  const std::string index = "sessions:by_owner:" + detail::owner_key_hash(kOwner);
  const auto raw = bench::interleaved_medians_us(
      kRounds,
      {raw_single(server.port(), index, "session:"), raw_cluster(cluster, index, "session:")});
  auto row = [](const char *what, const std::vector<double> &m) {
    fmt::print("  {:<34} {:>11.1f} us {:>11.1f} us {:>7.2f}x\n", what, m[0], m[1], m[1] / m[0]);
  };
  row("list, first page of 100", first);
  row("list, next page of 100 (cursor)", next);
  row("raw floor: index range + page read", raw);
  fmt::print(
      "\ntarget: 3-master <= 1.5x single node (agenthost); the raw floor shows what the\n"
      "fan-out to 3 masters costs on this machine whatever the client\n");
  return 0;
}
