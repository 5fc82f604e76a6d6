// Which master serves which slot, and one RedisPool per master. The map is read from
// CLUSTER SLOTS (the known masters first, then the seed nodes, each tried in turn), patched at
// once by a MOVED reply, and read again when a redirect or a connection failure says it is out
// of date, or when it is older than the refresh interval.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/cache_options.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cache/redis/redis_pool.hpp"
#include "cache/redis/redis_url.hpp"

namespace agenthost::detail {

struct SlotMap {
  std::vector<std::string> masters;  // "host:port"
  std::vector<int> owner;            // per slot: index into masters, -1 when not served
  std::vector<int> first_slot;       // per master: the lowest slot it serves

  // "host:port" of the master serving `slot`; Error(connection) when no master serves it.
  const std::string &master_of(int slot) const;
  // The master after `address` in slot order, or nullopt for the last one.
  std::optional<std::string> next_master(const std::string &address) const;
};

class ClusterTopology {
 public:
  ClusterTopology(std::vector<RedisEndpoint> seeds, const CacheOptions &options);
  ~ClusterTopology();
  ClusterTopology(const ClusterTopology &) = delete;
  ClusterTopology &operator=(const ClusterTopology &) = delete;

  // The current map, read (or read again) first when needed. Throws Error(connection) after
  // close() or when no node answered CLUSTER SLOTS.
  std::shared_ptr<const SlotMap> map();
  // The pool of one node, created on first use. Pools live as long as the topology.
  RedisPool &pool(const std::string &address);

  // A MOVED reply: `slot` is now served by host:port. Patches the map and asks for a re-read.
  void moved(int slot, const std::string &address);
  // A connection failure or a redirect: the next map() reads the map again.
  void suspect() noexcept;

  PoolStats stats() const;
  void close();

 private:
  std::shared_ptr<const SlotMap> load(const std::vector<std::string> &candidates);
  std::vector<std::string> candidates() const;

  const std::vector<RedisEndpoint> seeds_;
  const CacheOptions options_;

  mutable std::mutex mu_;  // guards everything below
  std::shared_ptr<const SlotMap> map_;
  std::chrono::steady_clock::time_point loaded_at_;
  bool suspect_ = false;
  bool closed_ = false;
  std::string last_good_;  // the node that answered CLUSTER SLOTS last: asked first next time
  std::map<std::string, std::unique_ptr<RedisPool>> pools_;
  bool refreshing_ = false;  // a thread is reading the map; the others do not wait for it
  std::condition_variable refreshed_;
};

// "host:port" ("[v6]:port") of an endpoint, the key of its pool.
std::string node_address(const std::string &host, int port);

}  // namespace agenthost::detail
