// The durable tier of SessionStore: PostgreSQL is the source of truth, Redis its cache and index.
//  - Writes: one SQL statement (its own transaction) first; then the Redis record and indexes in
//    one optimistic transaction that never replaces a newer version (updated_at is strictly
//    increasing per row, enforced in SQL). If Redis fails after the commit, the record and the
//    completeness markers are deleted; if that fails too (Redis unreachable or stalled), the id
//    is remembered as suspect: this store reads it from PostgreSQL (and lists from PostgreSQL)
//    until a Redis write of it succeeds again. So this store never serves an older version.
//  - Reads: Redis first; a miss (or an undecodable record) reads PostgreSQL and re-caches the
//    row unless a newer record is there or the id's version floor (a delete, or a failed cache
//    write of a newer version) is at or above the row's version. Writers' cache steps respect
//    the floor too, so a delayed one never brings back a deleted or older version.
//  - Listing: from the Redis index while its scope's completeness marker exists (written by
//    reindex(), with a TTL of half the session TTL, so it ends before any record it vouches for
//    can expire), otherwise one keyset query on PostgreSQL.
//  - Redis down: every Redis step runs through a circuit breaker. After
//    db_cache_circuit_threshold consecutive connection failures or timeouts it opens, and for
//    db_cache_circuit_cooldown Redis is not called at all: reads and listings go to PostgreSQL
//    at once, and a skipped cache write is a failed one (no invalidation can run either, so the
//    id turns suspect). Then the next call probes Redis; an answer closes the circuit.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/session_store.hpp>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "common/circuit_breaker.hpp"
#include "db/pg_pool.hpp"
#include "sessions/key_schema.hpp"
#include "sessions/list_plan.hpp"

namespace agenthost::detail {

class DurableSessions {
 public:
  DurableSessions(CacheClient &cache, const SessionStoreOptions &options);

  Session create(const Session &s);
  std::optional<Session> get(std::string_view id, const std::optional<std::string> &owner_hash);
  Session update(std::string_view id, const SessionPatch &patch,
                 const std::optional<std::string> &metadata,
                 const std::optional<std::string> &owner_hash);
  bool remove(std::string_view id, const std::optional<std::string> &owner_hash);
  SessionPage list(const ListPlan &plan);
  std::uint64_t reindex();

  // The completeness marker of a listing scope (owner hash, or every session).
  std::string marker(const std::optional<std::string> &owner_hash) const;
  // Fills the Redis circuit's fields of the store's statistics.
  void cache_circuit_stats(SessionStoreStats &stats);

 private:
  // Runs one Redis step (a callable returning a value) through the Redis circuit: while it is
  // open, Error(connection) at once without calling Redis, which every caller already handles
  // as Redis being down.
  template <class Step>
  auto via_cache(Step &&step) -> decltype(step());
  void ensure_schema();
  // What a cache write of one version came to.
  enum class CacheWrite {
    stored,   // Redis holds this version (or a newer one)
    refused,  // the id's version floor forbade it: the scopes' markers were dropped
    failed,   // Redis failed: the record invalidated, or the id suspect (see the top)
  };
  // `failure` (when given) receives Redis' error of a failed write.
  CacheWrite cache_put(const Session &s, std::optional<Error> *failure = nullptr);
  void recache(const Session &s);
  // Deletes the record and the markers and raises the id's version floor to `floor`.
  bool invalidate(const std::string &id, const std::optional<std::string> &owner_hash,
                  std::int64_t floor);
  void set_suspect(const std::string &id, bool suspect);
  bool is_suspect(std::string_view id);
  bool any_suspect();
  // {index_prefix}floor:{id}: versions (updated_at, microseconds) at or below its value are
  // never cached (one TTL). Set by a delete (the deleted version) and by an invalidation (just
  // below the version whose cache write failed); only ever raised.
  std::string floor_key(std::string_view id) const;
  // Deletes the completeness markers of every session and of `owner_hash`'s.
  Command drop_markers(const std::optional<std::string> &owner_hash) const;
  Command set_floor(const std::string &id, std::int64_t version,
                    const std::optional<std::string> &current) const;
  SessionPage list_from_db(const ListPlan &plan);

  CacheClient &cache_;
  const SessionStoreOptions &options_;
  KeySchema keys_;
  PgPool pool_;
  std::string table_;
  std::mutex schema_mutex_;
  bool schema_ready_ = false;
  bool counted_ = false;  // listing totals from <table>_counts (see SchemaState)
  // Ids whose Redis copy may be older than PostgreSQL's (bounded; past the bound every read
  // bypasses Redis until a reindex succeeds).
  std::mutex suspect_mutex_;
  std::unordered_set<std::string> suspect_;
  bool all_suspect_ = false;
  detail::CircuitBreaker cache_circuit_;
  std::atomic<std::uint64_t> cache_skips_{0};
};

}  // namespace agenthost::detail
