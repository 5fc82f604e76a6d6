// The Redis implementation of CacheBackend: commands over the pool, retries of idempotent
// commands on connection loss, optimistic transactions on one leased connection.
#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <thread>

#include "cache/backend.hpp"
#include "cache/redis/redis_pool.hpp"
#include "cache/redis/redis_url.hpp"
#include "cache/redis/retry_backoff.hpp"
#include "cache/redis/unwatch_guard.hpp"
#include "cache/tls/tls_context.hpp"

namespace agenthost::detail {

namespace {

class RedisBackend final : public CacheBackend {
 public:
  RedisBackend(RedisEndpoint endpoint, const CacheOptions &options)
      : options_(options), pool_(std::move(endpoint), options) {}

  std::vector<Reply> run(const std::vector<Command> &commands, bool transaction,
                         bool idempotent) override;
  std::optional<std::vector<Reply>> transact_once(const std::vector<std::string> &watch_keys,
                                                  const CacheClient::TransactionBuilder &build,
                                                  bool *aborted) override;
  PoolStats stats() const override { return pool_.stats(); }
  void close() override { pool_.close(); }

 private:
  std::vector<Reply> run_once(const std::vector<Command> &commands, bool transaction);
  std::vector<std::optional<std::string>> watch_and_read(RedisConnection &conn,
                                                         const std::vector<std::string> &keys);

  CacheOptions options_;
  RedisPool pool_;
};

std::vector<Reply> RedisBackend::run_once(const std::vector<Command> &commands, bool transaction) {
  auto lease = pool_.acquire();
  if (!transaction) return lease->pipeline(commands);
  auto replies = lease->transaction(commands);
  if (!replies) throw Error(Errc::protocol, "Redis EXEC returned nil although nothing was watched");
  return std::move(*replies);
}

// Only a connection-class error is retried: after a timeout the command may still run on the
// server, and a non-idempotent command may already have run.
std::vector<Reply> RedisBackend::run(const std::vector<Command> &commands, bool transaction,
                                     bool idempotent) {
  for (std::uint32_t attempt = 1;; ++attempt) {
    try {
      return run_once(commands, transaction);
    } catch (const Error &e) {
      pool_.count_error(e.code());
      if (!idempotent || e.code() != Errc::connection || attempt >= options_.retry_max_attempts) {
        throw;
      }
    }
    pool_.count_retry();
    std::this_thread::sleep_for(
        retry_backoff(options_.retry_backoff_base, kMaxRetryBackoff, attempt));
  }
}

std::vector<std::optional<std::string>> RedisBackend::watch_and_read(
    RedisConnection &conn, const std::vector<std::string> &keys) {
  std::vector<Command> commands;
  commands.reserve(keys.size() + 1);
  Command watch{"WATCH"};
  watch.insert(watch.end(), keys.begin(), keys.end());
  commands.push_back(std::move(watch));
  for (const auto &key : keys) commands.push_back({"GET", key});
  auto replies = conn.pipeline(commands);
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].is_error()) {
      throw Error(Errc::protocol, fmt::format("Redis {} failed in a transaction: {}",
                                              i == 0 ? "WATCH" : "GET", replies[i].str));
    }
    if (i == 0) continue;
    values.push_back(replies[i].is_nil() ? std::nullopt
                                         : std::optional<std::string>(replies[i].str));
  }
  return values;
}

std::optional<std::vector<Reply>> RedisBackend::transact_once(
    const std::vector<std::string> &watch_keys, const CacheClient::TransactionBuilder &build,
    bool *aborted) {
  *aborted = false;
  try {
    auto lease = pool_.acquire();
    UnwatchGuard unwatch(*lease);
    if (watch_keys.empty()) unwatch.dismiss();
    std::vector<std::optional<std::string>> values;
    if (!watch_keys.empty()) values = watch_and_read(*lease, watch_keys);
    auto commands = build(values);
    if (!commands) return std::nullopt;
    unwatch.dismiss();  // EXEC (or its failure) ends the WATCH
    auto replies = lease->transaction(*commands);
    if (!replies) *aborted = true;
    return replies;
  } catch (const Error &e) {
    pool_.count_error(e.code());
    throw;
  }
}

}  // namespace

std::unique_ptr<CacheBackend> make_redis_backend(const CacheOptions &options) {
  options.validate();
  if (is_cluster_url(options.url)) return make_cluster_backend(options);
  auto endpoint = parse_redis_url(options.url);
  if (endpoint.kind == RedisEndpoint::Kind::memory) {
    throw Error(Errc::invalid_argument, "make_redis_backend called with a memory:// URL");
  }
  if (endpoint.tls) endpoint.tls_context = std::make_shared<const TlsContext>(options.tls);
  return std::make_unique<RedisBackend>(std::move(endpoint), options);
}

}  // namespace agenthost::detail
