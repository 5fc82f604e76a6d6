#include "sessions/durable/session_durable.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>

#include "common/internal_events.hpp"
#include "common/json_string.hpp"
#include "common/time.hpp"
#include "sessions/cursor.hpp"
#include "sessions/durable/session_rows.hpp"
#include "sessions/durable/session_schema.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_index.hpp"
#include "sessions/session_lister.hpp"

namespace agenthost::detail {

namespace {

constexpr int kRebuildBatch = 500;
constexpr unsigned kCacheAttempts = 16;
constexpr std::size_t kMaxSuspects = 10000;

std::int64_t micros_of(SessionTime t) { return t.time_since_epoch().count(); }
std::string micros_text(SessionTime t) { return std::to_string(micros_of(t)); }

// A version floor's value: versions (updated_at, in microseconds) at or below it are not cached.
std::optional<std::int64_t> floor_value(const std::optional<std::string> &v) {
  if (!v) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (const std::exception &) {
    return INT64_MAX;  // unreadable: caching nothing is the safe reading
  }
}

bool below_floor(const Session &s, const std::optional<std::string> &floor) {
  const auto f = floor_value(floor);
  return f && micros_of(s.updated_at) <= *f;
}

// A timestamptz from microseconds since the epoch, exactly.
constexpr const char *kMicrosParam = "('epoch'::timestamptz + ${} * interval '1 microsecond')";

std::string at_micros(int param) { return fmt::format(kMicrosParam, param); }

Command set_record(const KeySchema &keys, const Session &s, std::chrono::seconds ttl) {
  return {"SET", keys.record(s.id), encode_record(s), "EX", std::to_string(ttl.count())};
}

// The record of `s` and its index entries.
std::vector<Command> cache_commands(const KeySchema &keys, const Session &s,
                                    std::chrono::seconds ttl) {
  std::vector<Command> commands{set_record(keys, s, ttl)};
  for (auto &c : index_write_commands(keys, s)) commands.push_back(std::move(c));
  return commands;
}

bool visible(const Session &s, const std::optional<std::string> &owner_hash) {
  if (!owner_hash) return true;
  return s.owner && owner_hashes_equal(*s.owner, *owner_hash);
}

std::optional<Session> decoded(std::string_view id, const std::optional<std::string> &value) {
  if (!value) return std::nullopt;
  try {
    return decode_record(id, *value);
  } catch (const Error &e) {
    if (e.code() == Errc::corrupt) return std::nullopt;
    throw;
  }
}

// Redis not answering at all: what opens the Redis circuit.
bool is_redis_down(const Error &e) {
  return e.code() == Errc::connection || e.code() == Errc::timeout;
}

// A Redis failure a read can go around (PostgreSQL has the answer).
bool is_cache_outage(const Error &e) {
  return e.code() == Errc::connection || e.code() == Errc::timeout ||
         e.code() == Errc::pool_exhausted || e.code() == Errc::protocol;
}

// {"mode": ..., "project_id": ..., "tags": [...]}: what session_metadata must contain.
std::optional<std::string> containment(const ListQuery &q) {
  if (!q.mode && !q.project_id && q.tags.empty()) return std::nullopt;
  std::string j = "{";
  const auto field = [&](const char *name, const std::string &v) {
    if (j.size() > 1) j += ',';
    append_json_string(j, name, "filter");
    j += ':';
    append_json_string(j, v, "filter");
  };
  if (q.mode) field("mode", *q.mode);
  if (q.project_id) field("project_id", *q.project_id);
  if (!q.tags.empty()) {
    if (j.size() > 1) j += ',';
    j += "\"tags\":[";
    for (std::size_t i = 0; i < q.tags.size(); ++i) {
      if (i) j += ',';
      append_json_string(j, q.tags[i], "tag filter");
    }
    j += ']';
  }
  return j + "}";
}

}  // namespace

DurableSessions::DurableSessions(CacheClient &cache, const SessionStoreOptions &options)
    : cache_(cache),
      options_(options),
      keys_(options.key_prefix, options.index_prefix),
      pool_(PgOptions{options.database_url, options.db_pool_size, options.db_connect_timeout,
                      options.db_statement_timeout, options.db_pool_wait}),
      table_(options.db_table),
      cache_circuit_(options.db_cache_circuit_threshold, options.db_cache_circuit_cooldown) {
  validate_table_name(table_);
  if (cache.is_cluster()) {
    throw Error(Errc::unsupported,
                "the durable tier (database_url) is not available on Redis "
                "Cluster yet");
  }
}

template <class Step>
auto DurableSessions::via_cache(Step &&step) -> decltype(step()) {
  using Clock = detail::CircuitBreaker::Clock;
  const detail::BreakerToken token = cache_circuit_.acquire(Clock::now());
  if (token == detail::BreakerToken::rejected) {
    cache_skips_.fetch_add(1, std::memory_order_relaxed);
    throw Error(Errc::connection,
                fmt::format("Redis skipped: its circuit is open after {} consecutive connection "
                            "failures or timeouts (the first call after {} ms probes it)",
                            options_.db_cache_circuit_threshold,
                            options_.db_cache_circuit_cooldown.count()));
  }
  try {
    auto result = step();
    cache_circuit_.record(token, true, Clock::now());
    return result;
  } catch (const Error &e) {
    // Any answer from Redis, an error reply included, shows it is up; a pool with no free
    // connection shows nothing either way.
    if (e.code() == Errc::pool_exhausted) {
      cache_circuit_.release(token);
    } else {
      cache_circuit_.record(token, !is_redis_down(e), Clock::now());
    }
    throw;
  } catch (...) {
    cache_circuit_.release(token);
    throw;
  }
}

void DurableSessions::cache_circuit_stats(SessionStoreStats &stats) {
  stats.cache_skips = cache_skips_.load(std::memory_order_relaxed);
  stats.cache_circuit_open =
      cache_circuit_.state(detail::CircuitBreaker::Clock::now()) != detail::CircuitState::closed;
}

std::string DurableSessions::marker(const std::optional<std::string> &owner_hash) const {
  return options_.index_prefix + (owner_hash ? "complete:by_owner:" + *owner_hash : "complete:all");
}

Command DurableSessions::drop_markers(const std::optional<std::string> &owner_hash) const {
  return {"DEL", marker(std::nullopt), marker(owner_hash)};
}

std::string DurableSessions::floor_key(std::string_view id) const {
  return options_.index_prefix + "floor:" + std::string(id);
}

Command DurableSessions::set_floor(const std::string &id, std::int64_t version,
                                   const std::optional<std::string> &current) const {
  const auto held = floor_value(current);
  const std::int64_t value = held ? std::max(*held, version) : version;
  return {"SET", floor_key(id), std::to_string(value), "EX", std::to_string(options_.ttl.count())};
}

void DurableSessions::ensure_schema() {
  std::vector<std::string> missing;
  {
    std::lock_guard<std::mutex> lock(schema_mutex_);
    if (schema_ready_) return;
    SchemaState state;
    pool_.with_session([&](PgSession &s) { state = apply_schema(s, table_); });
    counted_ = state.counted;
    missing = std::move(state.missing);
    schema_ready_ = true;
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto &n : missing) names += (names.empty() ? "" : ", ") + n;
    emit_internal_event(InternalEventKind::session_db_index_missing, table_,
                        fmt::format("{} (listings scan more rows without them; run "
                                    "sql/001_sessions.sql as the table's owner; totals count "
                                    "rows without {}_counts)",
                                    names, table_));
  }
}

// The Redis record and indexes of `s`, unless Redis already holds a newer version or the id's
// version floor forbids it (a delete, or a newer write whose cache step failed). On a Redis
// failure the record and the markers are deleted and the floor raised to just below `s` (best
// effort): never an older version served.
DurableSessions::CacheWrite DurableSessions::cache_put(const Session &s,
                                                       std::optional<Error> *failure) {
  const std::string key = keys_.record(s.id);
  bool blocked = false;
  try {
    const auto replies = via_cache([&] {
      return cache_.transact(
          {key, floor_key(s.id)},
          [&](const std::vector<std::optional<std::string>> &current)
              -> std::optional<std::vector<Command>> {
            const auto held = decoded(s.id, current.at(0));
            blocked = false;
            if (held && held->updated_at > s.updated_at) return std::nullopt;
            if (below_floor(s, current.at(1))) {
              // Not cached (a clock behind the floor's): its scopes are no longer complete.
              blocked = true;
              return std::vector<Command>{drop_markers(s.owner)};
            }
            return cache_commands(keys_, s, options_.ttl);
          },
          kCacheAttempts);
    });
    if (replies) check_replies(*replies, "session cache write");
    set_suspect(s.id, false);
    return blocked ? CacheWrite::refused : CacheWrite::stored;
  } catch (const Error &e) {
    if (failure != nullptr) failure->emplace(e);
    if (!invalidate(s.id, s.owner, micros_of(s.updated_at) - 1)) set_suspect(s.id, true);
    return CacheWrite::failed;
  }
}

bool DurableSessions::invalidate(const std::string &id,
                                 const std::optional<std::string> &owner_hash, std::int64_t floor) {
  try {
    const auto replies = via_cache([&] {
      return cache_.transact(
          {floor_key(id)},
          [&](const std::vector<std::optional<std::string>> &current)
              -> std::optional<std::vector<Command>> {
            return std::vector<Command>{{"DEL", keys_.record(id)},
                                        drop_markers(owner_hash),
                                        set_floor(id, floor, current.at(0))};
          },
          kCacheAttempts);
    });
    if (replies) check_replies(*replies, "session cache invalidation");
    set_suspect(id, false);
    return true;
  } catch (const Error &) {
    return false;
  }
}

void DurableSessions::set_suspect(const std::string &id, bool suspect) {
  std::lock_guard<std::mutex> lock(suspect_mutex_);
  if (!suspect) {
    if (!suspect_.empty()) suspect_.erase(id);
    return;
  }
  if (suspect_.size() >= kMaxSuspects) {
    all_suspect_ = true;
  } else {
    suspect_.insert(id);
  }
}

bool DurableSessions::is_suspect(std::string_view id) {
  std::lock_guard<std::mutex> lock(suspect_mutex_);
  return all_suspect_ || (!suspect_.empty() && suspect_.count(std::string(id)) > 0);
}

bool DurableSessions::any_suspect() {
  std::lock_guard<std::mutex> lock(suspect_mutex_);
  return all_suspect_ || !suspect_.empty();
}

// After a read from PostgreSQL: cached unless Redis holds a record (the writers' version wins)
// or the version floor is at or above this version (a delete, or a write whose cache step
// failed, committed after this read).
void DurableSessions::recache(const Session &s) {
  const std::string key = keys_.record(s.id);
  try {
    via_cache([&] {
      return cache_.transact(
          {key, floor_key(s.id)},
          [&](const std::vector<std::optional<std::string>> &current)
              -> std::optional<std::vector<Command>> {
            if (current.at(0) && decoded(s.id, current.at(0))) return std::nullopt;
            if (below_floor(s, current.at(1))) {  // see cache_put
              return std::vector<Command>{drop_markers(s.owner)};
            }
            return cache_commands(keys_, s, options_.ttl);
          },
          kCacheAttempts);
    });
  } catch (const Error &) {
    // The read is served from PostgreSQL; the cache is filled by a later read.
  }
}

Session DurableSessions::create(const Session &s) {
  ensure_schema();
  const std::string sql = fmt::format(
      "INSERT INTO {0} (id, model, status, created_at, updated_at, total_turns, total_cost_usd, "
      "parent_session_id, owner_api_key_hash, session_metadata) VALUES ($1, $2, $3, {1}, {1}, "
      "0, NULL, $5, $6, $7::jsonb) ON CONFLICT (id) DO NOTHING RETURNING {2}",
      table_, at_micros(4), row_columns());
  const PgResult r =
      pool_.exec(sql,
                 {s.id, s.model, std::string(session_status_name(s.status)),
                  micros_text(s.created_at), s.parent_session_id, s.owner, s.metadata_json},
                 "session create");
  if (r.rows() == 0) throw Error(Errc::conflict, fmt::format("session '{}' already exists", s.id));
  Session stored = session_of_row(r, 0);
  cache_put(stored);
  return stored;
}

std::optional<Session> DurableSessions::get(std::string_view id,
                                            const std::optional<std::string> &owner_hash) {
  const bool suspect = is_suspect(id);
  if (!suspect) {
    std::optional<Session> held;
    try {
      held = decoded(id, via_cache([&] { return cache_.get(keys_.record(id)); }));
    } catch (const Error &e) {
      if (!is_cache_outage(e)) throw;  // Redis unreachable: PostgreSQL answers
    }
    if (held) {
      if (!visible(*held, owner_hash)) return std::nullopt;
      return held;
    }
  }
  ensure_schema();
  const PgResult r =
      pool_.exec(fmt::format("SELECT {} FROM {} WHERE id = $1", row_columns(), table_),
                 {std::string(id)}, "session read", true);
  if (r.rows() == 0) {
    // Gone: no version that ever existed is newer than now.
    if (suspect) invalidate(std::string(id), owner_hash, now_micros());
    return std::nullopt;
  }
  Session s = session_of_row(r, 0);
  if (suspect) {
    cache_put(s);  // overwrites whatever Redis holds: it may be older
  } else {
    recache(s);
  }
  if (!visible(s, owner_hash)) return std::nullopt;
  return s;
}

Session DurableSessions::update(std::string_view id, const SessionPatch &patch,
                                const std::optional<std::string> &metadata,
                                const std::optional<std::string> &owner_hash) {
  ensure_schema();
  // One statement: the row lock makes increments exact under concurrency, and updated_at
  // strictly increases per row (the version the cache writes compare). Only the patched
  // columns are set (a JSON column the patch leaves alone keeps its text; no status trigger).
  PgParams params{std::string(id), owner_hash, std::to_string(now_micros())};
  std::string set;
  // column = $n<cast>, its value the next parameter.
  const auto assign = [&](const char *column, const char *cast, std::optional<std::string> value) {
    params.push_back(std::move(value));
    set += std::string(column) + " = $" + std::to_string(params.size()) + cast + ", ";
  };
  if (patch.status) assign("status", "", std::string(session_status_name(*patch.status)));
  if (patch.increment_turns) set += "total_turns = COALESCE(total_turns, 0) + 1, ";
  if (patch.total_turns) assign("total_turns", "::bigint", std::to_string(*patch.total_turns));
  if (patch.total_cost_usd) {
    assign("total_cost_usd", "::double precision", format_json_double(*patch.total_cost_usd));
  }
  if (metadata) assign("session_metadata", "::jsonb", *metadata);
  const std::string sql = fmt::format(
      "UPDATE {0} SET {1}updated_at = GREATEST({2}, updated_at + interval '1 microsecond', "
      "created_at) WHERE id = $1 AND ($2::text IS NULL OR owner_api_key_hash = $2) RETURNING {3}",
      table_, set, at_micros(3), row_columns());
  PgResult r;
  try {
    r = pool_.exec(sql, params, "session update");
  } catch (const Error &e) {
    if (e.code() == Errc::invalid_argument && patch.increment_turns) {
      throw Error(Errc::invalid_argument, "total_turns cannot be incremented further");
    }
    throw;
  }
  if (r.rows() == 0) throw Error(Errc::not_found, SessionStore::not_found_message(id));
  Session s = session_of_row(r, 0);
  cache_put(s);
  return s;
}

bool DurableSessions::remove(std::string_view id, const std::optional<std::string> &owner_hash) {
  ensure_schema();
  const PgResult r = pool_.exec(
      fmt::format("DELETE FROM {} WHERE id = $1 AND ($2::text IS NULL OR owner_api_key_hash = $2) "
                  "RETURNING owner_api_key_hash, {}",
                  table_, kUpdatedMicrosSql),
      {std::string(id), owner_hash}, "session delete");
  const bool deleted = r.rows() > 0;
  const std::optional<std::string> row_owner = deleted ? r.optional_text(0, 0) : std::nullopt;
  // Every version of the row is at or below the deleted one (updated_at strictly increases);
  // for a record with no row, its own version (or, undecodable, now).
  std::int64_t floor = deleted ? r.integer(0, 1) : now_micros();
  const std::string key = keys_.record(id);
  const std::string id_text(id);
  bool cached = false;
  try {
    const auto replies = via_cache([&] {
      return cache_.transact(
          {key, floor_key(id)},
          [&](const std::vector<std::optional<std::string>> &current)
              -> std::optional<std::vector<Command>> {
            cached = false;
            std::optional<std::string> owner = row_owner;
            if (current.at(0)) {
              const auto held = decoded(id, current.at(0));
              // A record the caller may not see is left alone (unless the row was theirs).
              if (!deleted && held && !visible(*held, owner_hash)) return std::nullopt;
              if (!deleted && !held && owner_hash) return std::nullopt;
              if (held) owner = held->owner;
              if (held && !deleted) floor = micros_of(held->updated_at);
              cached = true;
            }
            if (!deleted && !cached) return std::nullopt;
            std::vector<Command> commands{{"DEL", key}};
            for (auto &c : index_remove_commands(keys_, id_text, owner))
              commands.push_back(std::move(c));
            commands.push_back(set_floor(id_text, floor, current.at(1)));
            return commands;
          },
          kCacheAttempts);
    });
    if (replies) check_replies(*replies, "session cache delete");
  } catch (const Error &) {
    if (!deleted) throw;
    if (!invalidate(id_text, row_owner, floor)) set_suspect(id_text, true);
  }
  return deleted || cached;
}

SessionPage DurableSessions::list(const ListPlan &plan) {
  // While a Redis copy may be older than its row, Redis does not list.
  if (!plan.query.has_metadata_filter() && !any_suspect()) {
    IndexCompleteness complete{marker(plan.owner_hash)};
    try {
      SessionPage page = via_cache([&] { return list_sessions(cache_, keys_, plan, &complete); });
      if (complete.present && !complete.met_stale && page.skipped_corrupt == 0) return page;
      // An index that met a stale entry can no longer vouch for the scope.
      if (complete.present) via_cache([&] { return cache_.del(complete.marker); });
    } catch (const Error &e) {
      if (!is_cache_outage(e)) throw;  // Redis unreachable: PostgreSQL answers
    }
  }
  return list_from_db(plan);
}

SessionPage DurableSessions::list_from_db(const ListPlan &plan) {
  ensure_schema();
  const ListQuery &q = plan.query;
  const std::optional<std::string> &owner_hash = plan.owner_hash;
  PgParams params;
  std::string where = "TRUE";
  std::string count_where = "TRUE";  // the same scope in <table>_counts (statuses normalized)
  const auto param = [&](std::optional<std::string> v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  if (owner_hash) {
    where += " AND owner_api_key_hash = " + param(owner_hash);
    count_where += " AND owner_api_key_hash = $" + std::to_string(params.size());
  }
  if (q.status) {
    where +=
        fmt::format(" AND {} = {}", kStatusSql, param(std::string(session_status_name(*q.status))));
    count_where += " AND status = $" + std::to_string(params.size());
  }
  if (auto c = containment(q)) where += " AND session_metadata::jsonb @> " + param(*c) + "::jsonb";
  if (q.title_contains) {
    where += " AND strpos(lower(session_metadata->>'title'), lower(" + param(*q.title_contains) +
             ")) > 0";
  }
  std::string page_where = where;
  std::uint64_t offset = 0;
  if (plan.after) {
    const CursorPosition &at = *plan.after;
    page_where += fmt::format(" AND ({}, id COLLATE \"C\") < ({}::bigint, {}::text COLLATE \"C\")",
                              kCreatedMsSql, param(std::to_string(at.score)), param(at.id));
  } else {
    offset = static_cast<std::uint64_t>(q.page - 1) * q.page_size;
  }
  // The total from the counts (per owner and status: O(1), the admin view O(owners)), in the
  // same snapshot as the page; with a metadata filter (or no counts), by counting the rows.
  const bool from_counts = counted_ && !q.has_metadata_filter();
  const std::string total = total_sql(table_, from_counts, from_counts ? count_where : where);
  const std::string sql = fmt::format(
      "SELECT c.total, p.* FROM ({0}) c LEFT JOIN LATERAL (SELECT {1} FROM {2} WHERE {3} ORDER BY "
      "{4} DESC, id COLLATE \"C\" DESC LIMIT {5} OFFSET {6}) p ON TRUE",
      total, row_columns(), table_, page_where, kCreatedMsSql, q.page_size + 1, offset);
  const PgResult r = pool_.exec(sql, params, "session list", true);
  SessionPage page;
  page.page = q.page;
  page.page_size = q.page_size;
  page.sessions.reserve(q.page_size);
  if (r.rows() > 0) page.total = static_cast<std::uint64_t>(r.integer(0, 0));
  const int shown = std::min<int>(r.rows(), static_cast<int>(q.page_size));
  for (int i = 0; i < shown; ++i) {
    if (r.is_null(i, 1)) break;  // the LEFT JOIN's empty page
    page.sessions.push_back(session_of_row(r, i, 1));
  }
  if (r.rows() > static_cast<int>(q.page_size) && !page.sessions.empty()) {
    page.next_cursor = encode_cursor({r.integer(shown - 1, 11), page.sessions.back().id});
  }
  return page;
}

std::uint64_t DurableSessions::reindex() {
  ensure_schema();
  const auto started = std::chrono::steady_clock::now();
  std::set<std::optional<std::string>> scopes{std::nullopt};
  std::set<std::optional<std::string>> unsure;  // scopes with a row Redis did not take
  std::uint64_t count = 0;
  std::optional<CursorPosition> after;
  for (;;) {
    PgParams params;
    std::string where = "TRUE";
    if (after) {
      params = {std::to_string(after->score), after->id};
      where = fmt::format("({}, id COLLATE \"C\") < ($1::bigint, $2::text COLLATE \"C\")",
                          kCreatedMsSql);
    }
    const PgResult r = pool_.exec(
        fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} DESC, id COLLATE \"C\" DESC LIMIT {}",
                    row_columns(), table_, where, kCreatedMsSql, kRebuildBatch),
        params, "session reindex", true);
    for (int i = 0; i < r.rows(); ++i) {
      Session s = session_of_row(r, i);
      scopes.insert(s.owner);
      std::optional<Error> failure;
      const CacheWrite written = cache_put(s, &failure);
      if (written == CacheWrite::failed) {
        // Redis did not take it: the rebuild is not done, whatever PostgreSQL returned.
        throw Error(failure->code(),
                    fmt::format("session reindex: Redis did not take session '{}' (after {} "
                                "sessions): {}",
                                s.id, count, failure->what()));
      }
      if (written == CacheWrite::refused) unsure.insert({std::nullopt, s.owner});
      ++count;
    }
    if (r.rows() < kRebuildBatch) break;
    after = CursorPosition{r.integer(r.rows() - 1, 10), std::string(r.text(r.rows() - 1, 0))};
  }
  {
    std::lock_guard<std::mutex> lock(suspect_mutex_);
    if (suspect_.empty()) all_suspect_ = false;
  }
  // The markers may live only while every record they vouch for is sure to: records written
  // from here on live a whole TTL, so half a TTL minus the rebuild's duration is safe.
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  const auto life = options_.ttl / 2 - elapsed;
  if (life.count() < 1) return count;
  Batch b;
  for (const auto &owner : scopes) {
    if (unsure.count(owner) == 0)
      b.add({"SET", marker(owner), "1", "EX", std::to_string(life.count())});
  }
  if (!b.commands.empty())
    check_replies(via_cache([&] { return cache_.execute(b); }), "session reindex markers");
  return count;
}

}  // namespace agenthost::detail
