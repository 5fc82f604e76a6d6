#include <fmt/format.h>

#include <agenthost/session_store.hpp>
#include <algorithm>
#include <cmath>
#include <limits>

#include "common/env.hpp"
#include "common/internal_events.hpp"
#include "common/json_string.hpp"
#include "common/time.hpp"
#include "db/pg_url.hpp"
#include "sessions/durable/session_durable.hpp"
#include "sessions/durable/session_rows.hpp"
#include "sessions/key_schema.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_counters.hpp"
#include "sessions/session_id.hpp"
#include "sessions/session_index.hpp"
#include "sessions/session_lister.hpp"
#include "sessions/session_writes_cluster.hpp"

namespace agenthost {

using detail::KeySchema;

namespace {

constexpr std::int64_t kMinTtl = 60;
constexpr std::int64_t kMaxTtl = 86400;
// Optimistic retries of one update. Every round has a winner, so with N writers on one session
// a given update fails a round with probability ~(N-1)/N; 1000 rounds make starvation
// (Error(conflict)) practically impossible for any realistic N while still bounding the loop.
constexpr unsigned kUpdateAttempts = 1000;

KeySchema schema(const SessionStoreOptions &o) { return KeySchema(o.key_prefix, o.index_prefix); }

std::optional<std::string> owner_hash_of(const std::optional<std::string> &api_key) {
  if (!api_key) return std::nullopt;
  if (api_key->empty()) throw Error(Errc::invalid_argument, "owner API key is empty");
  return detail::owner_key_hash(*api_key);
}

// An owner-scoped call sees only sessions carrying exactly that owner's hash.
bool visible_to(const Session &s, const std::optional<std::string> &owner_hash) {
  if (!owner_hash) return true;
  return s.owner && detail::owner_hashes_equal(*s.owner, *owner_hash);
}

Command set_record(const std::string &key, const Session &s, std::chrono::seconds ttl) {
  return {"SET", key, detail::encode_record(s), "EX", std::to_string(ttl.count())};
}

void validate_text(std::string_view text, std::string_view what) {
  if (!detail::is_valid_utf8(text)) {
    throw Error(Errc::invalid_argument, fmt::format("{} is not valid UTF-8", what));
  }
}

void validate_patch(const SessionPatch &patch) {
  if (patch.total_turns && patch.increment_turns) {
    throw Error(Errc::invalid_argument, "total_turns and increment_turns cannot both be given");
  }
  if (patch.total_turns && *patch.total_turns < 0) {
    throw Error(Errc::invalid_argument,
                fmt::format("total_turns={} is out of range (must be >= 0)", *patch.total_turns));
  }
  if (patch.total_cost_usd &&
      (!std::isfinite(*patch.total_cost_usd) || *patch.total_cost_usd < 0)) {
    throw Error(Errc::invalid_argument, "total_cost_usd must be a finite number >= 0");
  }
}

SessionTime now() { return SessionTime(std::chrono::microseconds(detail::now_micros())); }

void apply_patch(Session &s, const SessionPatch &patch,
                 const std::optional<std::string> &metadata) {
  if (patch.status) s.status = *patch.status;
  if (patch.total_turns) s.total_turns = *patch.total_turns;
  if (patch.increment_turns) {
    if (s.total_turns == std::numeric_limits<std::int64_t>::max()) {
      throw Error(Errc::invalid_argument, "total_turns cannot be incremented further");
    }
    ++s.total_turns;
  }
  if (patch.total_cost_usd) s.total_cost_usd = patch.total_cost_usd;
  if (metadata) s.metadata_json = metadata;
  s.updated_at = std::max(now(), s.created_at);
}

}  // namespace

const char *session_status_name(SessionStatus status) noexcept {
  switch (status) {
    case SessionStatus::active:
      return "active";
    case SessionStatus::completed:
      return "completed";
    case SessionStatus::error:
      return "error";
  }
  return "active";
}

std::optional<SessionStatus> parse_session_status(std::string_view text) noexcept {
  if (text == "active") return SessionStatus::active;
  if (text == "completed") return SessionStatus::completed;
  if (text == "error") return SessionStatus::error;
  return std::nullopt;
}

SessionStoreOptions SessionStoreOptions::from_env() {
  SessionStoreOptions o;
  o.ttl = std::chrono::seconds(static_cast<std::int64_t>(
      detail::env_ranged_uint("REDIS_SESSION_TTL", 3600, kMinTtl, kMaxTtl)));
  if (auto url = detail::env_value("DATABASE_URL")) o.database_url = *url;
  o.db_pool_size = static_cast<std::uint32_t>(detail::env_ranged_uint("DB_POOL_SIZE", 5, 1, 1000));
  return o;
}

namespace {

void validate_ms(std::chrono::milliseconds v, std::int64_t max_ms, const char *name) {
  if (v.count() < 1 || v.count() > max_ms) {
    throw Error(Errc::invalid_argument,
                fmt::format("{}={} ms is out of range 1..{}", name, v.count(), max_ms));
  }
}

void count_corrupt(detail::SessionCounters &counters, std::string_view id) noexcept {
  counters.corrupt_records.fetch_add(1, std::memory_order_relaxed);
  detail::emit_internal_event(InternalEventKind::session_corrupt_record, id,
                              "the session record cannot be decoded");
}

}  // namespace

void SessionStoreOptions::validate() const {
  if (key_prefix.empty()) throw Error(Errc::invalid_argument, "key_prefix is empty");
  if (index_prefix.empty()) throw Error(Errc::invalid_argument, "index_prefix is empty");
  if (index_prefix.compare(0, key_prefix.size(), key_prefix) == 0) {
    // The indexes would match the record SCAN pattern (and the Python service's scans).
    throw Error(Errc::invalid_argument,
                fmt::format("index_prefix '{}' must not start with key_prefix '{}'", index_prefix,
                            key_prefix));
  }
  if (ttl.count() < kMinTtl || ttl.count() > kMaxTtl) {
    throw Error(Errc::invalid_argument, fmt::format("session ttl={} s is out of range {}..{}",
                                                    ttl.count(), kMinTtl, kMaxTtl));
  }
  if (database_url.empty()) return;
  detail::normalize_pg_url(database_url);  // the scheme; the message has no password
  if (db_pool_size < 1 || db_pool_size > 1000) {
    throw Error(Errc::invalid_argument,
                fmt::format("db_pool_size={} is out of range 1..1000", db_pool_size));
  }
  detail::validate_table_name(db_table);
  validate_ms(db_connect_timeout, 60000, "db_connect_timeout");
  validate_ms(db_statement_timeout, 600000, "db_statement_timeout");
  validate_ms(db_pool_wait, 600000, "db_pool_wait");
  validate_ms(db_cache_circuit_cooldown, 600000, "db_cache_circuit_cooldown");
  if (db_cache_circuit_threshold < 1 || db_cache_circuit_threshold > 1000) {
    throw Error(Errc::invalid_argument,
                fmt::format("db_cache_circuit_threshold={} is out of range 1..1000",
                            db_cache_circuit_threshold));
  }
}

SessionStore::SessionStore(CacheClient &cache, SessionStoreOptions options)
    : cache_(cache),
      options_(std::move(options)),
      counters_(std::make_unique<detail::SessionCounters>()) {
  options_.validate();
  if (!options_.database_url.empty()) {
    durable_ = std::make_unique<detail::DurableSessions>(cache_, options_);
  }
}

SessionStore::~SessionStore() = default;

SessionStoreStats SessionStore::stats() const {
  SessionStoreStats s = counters_->snapshot();
  if (durable_) durable_->cache_circuit_stats(s);
  return s;
}

std::string SessionStore::not_found_message(std::string_view id) {
  return fmt::format("session '{}' not found", id);
}

Session SessionStore::create(const CreateRequest &request) {
  const detail::OperationTimer timer(counters_->create);
  Session s;
  s.id = request.id ? *request.id : detail::random_session_id();
  detail::validate_session_id(s.id, "id");
  if (request.model.empty()) throw Error(Errc::invalid_argument, "model is empty");
  validate_text(request.model, "model");
  if (request.parent_session_id) {
    detail::validate_session_id(*request.parent_session_id, "parent_session_id");
    s.parent_session_id = request.parent_session_id;
  }
  s.model = request.model;
  s.owner = owner_hash_of(request.owner_api_key);
  if (request.metadata_json) s.metadata_json = detail::normalize_metadata(*request.metadata_json);
  s.created_at = s.updated_at = now();
  if (durable_) return durable_->create(s);

  const KeySchema keys = schema(options_);
  const std::string key = keys.record(s.id);
  std::vector<Command> commands{set_record(key, s, options_.ttl)};
  // On Redis Cluster the indexes are in other slots: written before and after the record.
  const bool cluster = cache_.is_cluster();
  std::vector<std::string> added;
  if (cluster) added = detail::cluster_before_create(cache_, keys, s);
  if (!cluster) {
    for (auto &c : detail::index_write_commands(keys, s)) commands.push_back(std::move(c));
  }
  const auto replies = cache_.transact({key},
                                       [&](const std::vector<std::optional<std::string>> &current)
                                           -> std::optional<std::vector<Command>> {
                                         if (current.at(0)) return std::nullopt;  // id in use
                                         return commands;
                                       });
  if (!replies && cluster) detail::cluster_undo_create(cache_, keys, s.id, added);
  if (!replies) throw Error(Errc::conflict, fmt::format("session '{}' already exists", s.id));
  detail::check_replies(*replies, "session create");
  if (cluster) detail::cluster_after_write(cache_, keys, s);
  return s;
}

std::optional<Session> SessionStore::get(std::string_view id,
                                         const std::optional<std::string> &owner_api_key) {
  const detail::OperationTimer timer(counters_->get);
  detail::validate_session_id(id);
  const auto owner_hash = owner_hash_of(owner_api_key);
  if (durable_) return durable_->get(id, owner_hash);
  const auto value = cache_.get(schema(options_).record(id));
  if (!value) return std::nullopt;
  try {
    Session s = detail::decode_record(id, *value);
    if (!visible_to(s, owner_hash)) return std::nullopt;
    return s;
  } catch (const Error &e) {
    if (e.code() == Errc::corrupt) count_corrupt(*counters_, id);
    // An owner cannot be shown a record whose owner is unreadable: it reads as absent.
    if (e.code() == Errc::corrupt && owner_hash) return std::nullopt;
    throw;
  }
}

Session SessionStore::update(std::string_view id, const SessionPatch &patch,
                             const std::optional<std::string> &owner_api_key) {
  const detail::OperationTimer timer(counters_->update);
  detail::validate_session_id(id);
  validate_patch(patch);
  const auto owner_hash = owner_hash_of(owner_api_key);
  std::optional<std::string> metadata;
  if (patch.metadata_json) metadata = detail::normalize_metadata(*patch.metadata_json);
  if (durable_) return durable_->update(id, patch, metadata, owner_hash);

  const KeySchema keys = schema(options_);
  const std::string key = keys.record(id);
  const bool cluster = cache_.is_cluster();
  if (cluster && patch.status)
    detail::cluster_before_status_change(cache_, keys, id, *patch.status, owner_hash);
  Session updated;
  std::optional<Error> failure;
  const auto replies = cache_.transact(
      {key},
      [&](const std::vector<std::optional<std::string>> &current)
          -> std::optional<std::vector<Command>> {
        failure.reset();
        try {
          if (!current.at(0)) throw Error(Errc::not_found, not_found_message(id));
          updated = detail::decode_record(id, *current.at(0));
          if (!visible_to(updated, owner_hash)) throw Error(Errc::not_found, not_found_message(id));
          apply_patch(updated, patch, metadata);
        } catch (const Error &e) {
          const bool hide = e.code() == Errc::corrupt && owner_hash;
          failure = hide ? Error(Errc::not_found, not_found_message(id)) : e;
          return std::nullopt;
        }
        std::vector<Command> commands{set_record(key, updated, options_.ttl)};
        if (cluster) return commands;
        for (auto &c : detail::index_write_commands(keys, updated))
          commands.push_back(std::move(c));
        return commands;
      },
      kUpdateAttempts);
  if (failure) throw Error(*failure);
  if (!replies) throw Error(Errc::internal, "session update: transaction stopped without a reason");
  detail::check_replies(*replies, "session update");
  if (cluster && patch.status) detail::cluster_after_write(cache_, keys, updated);
  return updated;
}

bool SessionStore::remove(std::string_view id, const std::optional<std::string> &owner_api_key) {
  const detail::OperationTimer timer(counters_->remove);
  detail::validate_session_id(id);
  const auto owner_hash = owner_hash_of(owner_api_key);
  if (durable_) return durable_->remove(id, owner_hash);
  const KeySchema keys = schema(options_);
  const std::string key = keys.record(id);
  const std::string id_text(id);
  const bool cluster = cache_.is_cluster();
  std::optional<std::string> deleted_owner;
  const auto replies =
      cache_.transact({key},
                      [&](const std::vector<std::optional<std::string>> &current)
                          -> std::optional<std::vector<Command>> {
                        if (!current.at(0)) return std::nullopt;
                        std::optional<std::string> record_owner;
                        try {
                          const Session s = detail::decode_record(id, *current.at(0));
                          if (!visible_to(s, owner_hash)) return std::nullopt;
                          record_owner = s.owner;
                        } catch (const Error &e) {
                          // Only the admin view may delete a record whose owner cannot be read.
                          if (e.code() != Errc::corrupt || owner_hash) return std::nullopt;
                        }
                        std::vector<Command> commands{{"DEL", key}};
                        deleted_owner = record_owner;
                        if (cluster) return commands;
                        for (auto &c : detail::index_remove_commands(keys, id_text, record_owner)) {
                          commands.push_back(std::move(c));
                        }
                        return commands;
                      });
  if (!replies) return false;
  detail::check_replies(*replies, "session delete");
  if (cluster) detail::cluster_after_delete(cache_, keys, id_text, deleted_owner);
  return true;
}

SessionPage SessionStore::list(const ListQuery &query) {
  const detail::OperationTimer timer(counters_->list);
  // Repairs a listing made count even when a later step of it throws.
  const detail::IndexRepairCounter repairs(*counters_);
  SessionPage page = list_unmetered(query);
  for (const auto &id : page.corrupt_ids) count_corrupt(*counters_, id);
  // Entries without a usable id are counted but cannot be named.
  const std::uint64_t unnamed = page.skipped_corrupt - page.corrupt_ids.size();
  if (unnamed > 0) counters_->corrupt_records.fetch_add(unnamed, std::memory_order_relaxed);
  return page;
}

SessionPage SessionStore::list_unmetered(const ListQuery &query) {
  if (!durable_ && query.has_metadata_filter()) {
    throw Error(Errc::unsupported,
                "listing by metadata (mode, project_id, tags, title) needs the durable tier "
                "(database_url / DATABASE_URL): Redis has no index of metadata");
  }
  const detail::ListPlan plan = detail::plan_list(query);
  if (durable_) return durable_->list(plan);
  return detail::list_sessions(cache_, schema(options_), plan);
}

}  // namespace agenthost
