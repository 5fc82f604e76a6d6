// A bounded pool of RedisConnections: lazy creation up to max_connections, a bounded wait for a
// free one, broken connections discarded and replaced, PING before reusing a long-idle one or one
// older than the last connection failure seen on any connection (its "generation").
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/cache_options.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "cache/redis/redis_connection.hpp"
#include "cache/redis/redis_url.hpp"

namespace agenthost::detail {

class RedisPool {
 public:
  // Hands a connection to one borrower; returns it to the pool (or discards it when broken) on
  // destruction.
  class Lease {
   public:
    Lease(RedisPool *pool, std::unique_ptr<RedisConnection> conn, std::uint64_t generation)
        : pool_(pool), conn_(std::move(conn)), generation_(generation) {}
    ~Lease();
    Lease(Lease &&other) noexcept
        : pool_(other.pool_), conn_(std::move(other.conn_)), generation_(other.generation_) {}
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    Lease &operator=(Lease &&) = delete;

    RedisConnection &operator*() const { return *conn_; }
    RedisConnection *operator->() const { return conn_.get(); }

   private:
    RedisPool *pool_;
    std::unique_ptr<RedisConnection> conn_;
    std::uint64_t generation_;
  };

  RedisPool(RedisEndpoint endpoint, const CacheOptions &options);
  ~RedisPool();
  RedisPool(const RedisPool &) = delete;
  RedisPool &operator=(const RedisPool &) = delete;

  // Throws Error(pool_exhausted) when no connection became free within pool_wait_timeout,
  // Error(connection) after close(), or the connect error of a new connection.
  Lease acquire();

  PoolStats stats() const;
  void count_error(Errc code) noexcept;
  void count_retry() noexcept { retries_.fetch_add(1, std::memory_order_relaxed); }

  // Closes idle connections now and leased ones when they come back. Idempotent.
  void close();

 private:
  // A connection and the pool generation it was last known good in.
  struct Pooled {
    std::unique_ptr<RedisConnection> conn;
    std::uint64_t generation = 0;
  };

  Pooled take_idle_or_reserve(std::unique_lock<std::mutex> &lock);
  Pooled open_reserved(std::uint64_t generation);
  Pooled checked(Pooled pooled, std::uint64_t current_generation);
  void release(std::unique_ptr<RedisConnection> conn, std::uint64_t generation) noexcept;
  void unreserve(bool connection_failed) noexcept;

  const RedisEndpoint endpoint_;
  const CacheOptions options_;

  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Pooled> idle_;  // most recently used last
  std::uint64_t open_ = 0;    // idle + leased + being opened
  std::uint64_t in_use_ = 0;
  std::uint64_t created_ = 0;
  std::uint64_t waits_ = 0;
  std::uint64_t wait_timeouts_ = 0;
  std::uint64_t reconnects_ = 0;
  std::uint64_t pending_replacements_ = 0;  // broken connections discarded, not yet replaced
  std::uint64_t idle_checks_ = 0;
  // Bumped on every connection-class error or timeout; an idle connection from an older
  // generation is PINGed before reuse, so a server restart costs one failed call, not one per
  // idle connection.
  std::uint64_t generation_ = 0;
  bool closed_ = false;

  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> errors_timeout_{0};
  std::atomic<std::uint64_t> errors_connection_{0};
  std::atomic<std::uint64_t> errors_protocol_{0};
};

}  // namespace agenthost::detail
