// The interface both CacheClient backends implement: they execute Redis commands.
// CacheClient's typed operations are written once on top of it, so memory:// and Redis share
// their semantics by construction and the contract suite checks both.
#pragma once

#include <agenthost/cache_client.hpp>

namespace agenthost::detail {

class CacheBackend {
 public:
  virtual ~CacheBackend() = default;

  // Executes the commands in one round trip (inside MULTI/EXEC when `transaction`) and returns
  // one reply per command. Error replies are returned as Reply::Type::error. When `idempotent`,
  // a connection lost before the reply is read may be retried (with backoff); otherwise never.
  // Throws Error(timeout | connection | pool_exhausted | protocol).
  virtual std::vector<Reply> run(const std::vector<Command> &commands, bool transaction,
                                 bool idempotent) = 0;

  // One attempt of an optimistic transaction (see CacheClient::transact). Returns:
  //  - nullopt when `build` returned nullopt (nothing written);
  //  - a vector of replies when committed;
  // and sets *aborted = true (returning nullopt) when a watched key changed in between.
  virtual std::optional<std::vector<Reply>> transact_once(
      const std::vector<std::string> &watch_keys, const CacheClient::TransactionBuilder &build,
      bool *aborted) = 0;

  // PING, one reply per node asked: one node, or on Redis Cluster every master (a readiness
  // check must see a master that is down). Retried like an idempotent run().
  virtual std::vector<Reply> ping() { return run({{"PING"}}, false, true); }

  // True on Redis Cluster: a transaction (and transact) may only touch keys of one hash slot.
  virtual bool single_slot_transactions_only() const { return false; }

  virtual PoolStats stats() const = 0;
  virtual void close() = 0;
};

std::unique_ptr<CacheBackend> make_memory_backend(const CacheOptions &options);
// Chooses the cluster backend for redis+cluster:// URLs.
std::unique_ptr<CacheBackend> make_redis_backend(const CacheOptions &options);
std::unique_ptr<CacheBackend> make_cluster_backend(const CacheOptions &options);

}  // namespace agenthost::detail
