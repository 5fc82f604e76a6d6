// agenthost::CacheClient: a thread-safe Redis client with a bounded connection pool, or the
// in-process memory:// backend with the same semantics.
#pragma once

#include <agenthost/cache_options.hpp>
#include <agenthost/error.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agenthost {

// One Redis reply (RESP2). Error replies are values here (Type::error, text in `str`) so that a
// batch reports each command's outcome; the typed operations turn them into Error(protocol).
struct Reply {
  enum class Type { nil, integer, string, status, error, array };
  Type type = Type::nil;
  std::int64_t integer = 0;
  std::string str;              // string, status and error replies
  std::vector<Reply> elements;  // array replies

  bool is_nil() const noexcept { return type == Type::nil; }
  bool is_error() const noexcept { return type == Type::error; }
};

// One command as its argument vector, e.g. {"SET", "k", "v", "EX", "60"}. Binary-safe.
using Command = std::vector<std::string>;

// Many commands sent in one round trip; with `transaction`, wrapped in MULTI/EXEC so that no
// other client sees a part of it.
struct Batch {
  std::vector<Command> commands;
  bool transaction = false;

  Batch &add(Command command) {
    commands.push_back(std::move(command));
    return *this;
  }
};

struct ScoredMember {
  std::string member;
  double score = 0;
};

// ZRANGE selection. By rank: start/stop are ranks (negative counts from the end, as in Redis).
// By score: min/max are inclusive scores. `reverse` orders from the highest score; `offset` and
// `count` page the result (count < 0 = no limit); they apply to score ranges only (Redis' LIMIT),
// so a rank query with them, a negative offset or a NaN bound is Error(invalid_argument).
struct ZRangeQuery {
  enum class By { rank, score };
  By by = By::rank;
  std::int64_t start = 0;
  std::int64_t stop = -1;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool reverse = false;
  std::int64_t offset = 0;
  std::int64_t count = -1;
};

// Counters of the connection pool; a snapshot. memory:// reports zeros for the connection fields.
struct PoolStats {
  std::uint64_t open = 0;           // connections currently open (idle + in use)
  std::uint64_t idle = 0;           // open and free
  std::uint64_t in_use = 0;         // borrowed right now
  std::uint64_t max = 0;            // max_connections
  std::uint64_t created = 0;        // connections ever opened
  std::uint64_t waits = 0;          // borrows that had to wait for a free connection
  std::uint64_t wait_timeouts = 0;  // borrows that gave up (pool_exhausted)
  std::uint64_t reconnects = 0;     // broken connections replaced
  std::uint64_t idle_checks = 0;    // PINGs before reuse (long idle, or older than a failure)
  std::uint64_t retries = 0;        // idempotent commands retried after a connection loss
  std::uint64_t errors_timeout = 0;
  std::uint64_t errors_connection = 0;
  std::uint64_t errors_protocol = 0;
};

namespace detail {
class CacheBackend;
}

// Thread-safe: one client per process, shared by all threads. Connections are opened lazily.
// Every operation throws Error on failure: timeout, connection, pool_exhausted, protocol (an error
// reply; Redis' text is kept in the message) or invalid_argument (e.g. an empty key).
// Results are returned by value (owned by the caller); arguments are copied before the call
// returns, so string_views need only live for the call. Destroying, moving or assigning a client
// while another thread uses it is undefined behaviour; a moved-from client throws
// Error(invalid_argument) from every operation.
class CacheClient {
 public:
  // Validates the options (Error(invalid_argument) / Error(unsupported), see
  // CacheOptions::validate); makes no connection.
  explicit CacheClient(CacheOptions options = {});
  static CacheClient from_env();  // CacheClient(CacheOptions::from_env())
  ~CacheClient();                 // closes the connections
  CacheClient(CacheClient &&) noexcept;
  CacheClient &operator=(CacheClient &&) noexcept;
  CacheClient(const CacheClient &) = delete;
  CacheClient &operator=(const CacheClient &) = delete;

  const CacheOptions &options() const noexcept;
  bool is_memory() const noexcept;
  // True for a redis+cluster:// URL: batches with `transaction` and transact() may then only
  // touch keys of one hash slot (else Error(invalid_argument)); everything else is unchanged.
  bool is_cluster() const noexcept;

  // PING; returns when the server answered (at once for memory://).
  void ping();
  // nullopt when the key does not exist (or has expired).
  std::optional<std::string> get(std::string_view key);
  // ttl 0 = no expiry.
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl = {});
  // true when the key was absent and is now set.
  bool set_if_absent(std::string_view key, std::string_view value,
                     std::chrono::milliseconds ttl = {});
  // The number of keys that existed and were removed.
  std::uint64_t del(std::string_view key);
  std::uint64_t del(const std::vector<std::string> &keys);
  bool exists(std::string_view key);
  // false when the key does not exist. ttl must be positive (use del to remove a key).
  bool expire(std::string_view key, std::chrono::milliseconds ttl);
  // Remaining time to live: nullopt for an absent key, -1 ms for a key without expiry.
  std::optional<std::chrono::milliseconds> ttl(std::string_view key);
  // INCRBY: the new value (an absent key counts as 0). Error(protocol) when the value is not an
  // integer or the result would overflow.
  std::int64_t incr(std::string_view key, std::int64_t by = 1);
  // Any number of keys; sent in bounded chunks, in one pipeline. Result in the keys' order.
  std::vector<std::optional<std::string>> mget(const std::vector<std::string> &keys);
  // The same, taking the keys (no copy of them is made).
  std::vector<std::optional<std::string>> mget(std::vector<std::string> &&keys);
  // SCAN MATCH pattern in bounded batches; stops after `cap` keys. Each key at most once.
  // The pattern is Redis' glob syntax (* ? [..] \x) and must not be empty.
  std::vector<std::string> scan(std::string_view pattern,
                                std::size_t cap = std::numeric_limits<std::size_t>::max());

  // Sets and sorted sets, as in Redis: sadd/zadd return the number of members added (a zadd of
  // an existing member updates its score and does not count), srem/zrem the number removed,
  // zcard the size (0 for an absent key); smembers is unordered. A key holding another type is
  // Error(protocol) (WRONGTYPE).
  std::uint64_t sadd(std::string_view key, const std::vector<std::string> &members);
  std::uint64_t srem(std::string_view key, const std::vector<std::string> &members);
  std::vector<std::string> smembers(std::string_view key);

  std::uint64_t zadd(std::string_view key, const std::vector<ScoredMember> &members);
  std::uint64_t zrem(std::string_view key, const std::vector<std::string> &members);
  std::uint64_t zcard(std::string_view key);
  // Members in the query's order (ascending, or descending with `reverse`), with their scores.
  std::vector<ScoredMember> zrange(std::string_view key, const ZRangeQuery &query);

  // A lock: SET key token NX PX ttl with a random token. Returns the token, or nullopt when the
  // lock is held by someone else. Waits at most `wait` (polling) before giving up. The token is
  // 32 hex characters from a CSPRNG; ttl must be positive.
  std::optional<std::string> lock_acquire(std::string_view key, std::chrono::milliseconds ttl,
                                          std::chrono::milliseconds wait = {});
  // Deletes the lock only if it still holds `token` (atomic compare-and-delete). false otherwise.
  bool lock_release(std::string_view key, std::string_view token);

  // Sends the batch in one round trip (MULTI/EXEC when batch.transaction) and returns one reply
  // per command. Error replies are returned, not thrown; a transaction aborted by Redis
  // (EXECABORT) throws Error(protocol). Batches are never retried (they may contain writes).
  std::vector<Reply> execute(const Batch &batch);

  // Optimistic transaction (WATCH/MULTI/EXEC on Redis; write versions on memory://): reads the
  // current values of `watch_keys`, calls `build` with them; `build` returns the batch to commit,
  // or nullopt to stop without writing. When another client changed a watched key in between,
  // the whole step is repeated, at most `max_attempts` times (then Error(conflict)). Keep `build`
  // short and never let it wait on other users of this client: on Redis it runs while holding
  // one pooled connection (the one with the WATCH), so a builder that blocks or calls this
  // client itself ties up a connection and can make it (or others) fail with
  // Error(pool_exhausted), always so with max_connections = 1. On memory:// it runs without any
  // lock held. watch_keys must not be empty.
  // Returns the replies of the committed commands, or nullopt if `build` returned nullopt.
  using TransactionBuilder = std::function<std::optional<std::vector<Command>>(
      const std::vector<std::optional<std::string>> &)>;
  std::optional<std::vector<Reply>> transact(const std::vector<std::string> &watch_keys,
                                             const TransactionBuilder &build,
                                             unsigned max_attempts = 100);

  // A snapshot of the pool's counters; cheap, never touches the network.
  PoolStats stats() const;
  // Closes all connections; later calls throw Error(connection). Idempotent.
  void close();

 private:
  CacheOptions options_;
  std::unique_ptr<detail::CacheBackend> backend_;
};

}  // namespace agenthost
