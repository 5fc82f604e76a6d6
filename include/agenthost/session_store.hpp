// agenthost::SessionStore: agent sessions in Redis (or memory://), listed by owner in O(page),
// in the record format of the Python service so both can share one Redis.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/metrics.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

namespace detail {
class DurableSessions;
struct SessionCounters;
}  // namespace detail

enum class SessionStatus { active, completed, error };

// "active", "completed", "error".
const char *session_status_name(SessionStatus status) noexcept;
// nullopt for any other text (callers decide: requests reject it, stored records coerce it).
std::optional<SessionStatus> parse_session_status(std::string_view text) noexcept;

using SessionClock = std::chrono::system_clock;
using SessionTime = std::chrono::time_point<SessionClock, std::chrono::microseconds>;

struct Session {
  std::string id;
  std::string model;
  SessionStatus status = SessionStatus::active;
  SessionTime created_at{};  // UTC
  SessionTime updated_at{};  // UTC
  std::int64_t total_turns = 0;
  std::optional<double> total_cost_usd;
  std::optional<std::string> parent_session_id;
  std::optional<std::string> owner;          // SHA-256 hex of the owner's API key
  std::optional<std::string> metadata_json;  // a JSON object, minified
};

struct CreateRequest {
  std::string model;              // required, non-empty
  std::optional<std::string> id;  // default: a random UUIDv4
  std::optional<std::string> parent_session_id;
  std::optional<std::string> owner_api_key;  // stored only as its SHA-256 hex
  // A JSON object (max 64 KiB minified) without a key given twice in any of its objects.
  std::optional<std::string> metadata_json;
};

// A partial update: absent fields are left as they are. total_turns and increment_turns are
// mutually exclusive.
struct SessionPatch {
  std::optional<SessionStatus> status;
  std::optional<std::int64_t> total_turns;  // >= 0
  bool increment_turns = false;
  std::optional<double> total_cost_usd;  // finite, >= 0
  std::optional<std::string> metadata_json;
};

struct ListQuery {
  std::optional<std::string> owner_api_key;  // absent: every owner (an admin view)
  std::optional<SessionStatus> status;
  std::uint32_t page = 1;             // >= 1; must be 1 with a cursor
  std::uint32_t page_size = 20;       // 1..100, never clamped
  std::optional<std::string> cursor;  // next_cursor of a previous page of the same query
  // Metadata filters (session_metadata): "mode" and "project_id" equal, every one of `tags` in
  // its "tags" array, "title" containing `title_contains` case-insensitively. They need the
  // durable tier (executed in PostgreSQL); a Redis-only store refuses them (Error(unsupported)).
  // (Default member initializers: aggregate initialisation written before these existed, e.g.
  // {owner, status, page, size, cursor}, compiles without -Wmissing-field-initializers.)
  std::optional<std::string> mode{};
  std::optional<std::string> project_id{};
  std::vector<std::string> tags{};
  std::optional<std::string> title_contains{};

  bool has_metadata_filter() const { return mode || project_id || !tags.empty() || title_contains; }
};

struct SessionPage {
  std::vector<Session> sessions;  // newest first
  std::uint64_t total = 0;        // sessions matching the query (owner, status)
  std::uint32_t page = 1;
  std::uint32_t page_size = 20;
  std::optional<std::string> next_cursor;  // nullopt on the last page
  std::uint64_t skipped_corrupt = 0;       // records on this page that could not be decoded
  std::vector<std::string> corrupt_ids;    // their ids, left in place for inspection
};

struct SessionStoreOptions {
  std::string key_prefix = "session:";     // records: {key_prefix}{id}
  std::string index_prefix = "sessions:";  // indexes: {index_prefix}all, {index_prefix}by_owner:{h}
  std::chrono::seconds ttl{3600};          // 60 s..86400 s; every write resets it

  // The durable tier (PostgreSQL, the source of truth; Redis becomes its cache and index). Empty:
  // Redis (or memory://) only, exactly as without it. postgresql://, postgres:// and
  // postgresql+driver:// (the Python service's SQLAlchemy form; "+driver" is dropped).
  std::string database_url;
  std::uint32_t db_pool_size = 5;                        // 1..1000 (DB_POOL_SIZE)
  std::string db_table = "sessions";                     // [a-z_][a-z0-9_]{0,39}
  std::chrono::milliseconds db_connect_timeout{5000};    // 1 ms..60 s (libpq: whole s, >= 2)
  std::chrono::milliseconds db_statement_timeout{5000};  // 1 ms..600 s
  std::chrono::milliseconds db_pool_wait{5000};          // 1 ms..600 s

  // Reads REDIS_SESSION_TTL (60..86400 s); unset or empty = 3600. DATABASE_URL and DB_POOL_SIZE
  // (1..1000, default 5) as the Python service does.
  static SessionStoreOptions from_env();
  // Throws Error(invalid_argument): empty prefixes, an index prefix inside the record keyspace,
  // ttl out of 60..86400 s, a database URL of another scheme, db_* out of range.
  void validate() const;
};

// One operation's counters since the store was created.
struct SessionOperationStats {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;  // calls that threw (not_found from update included)
  LatencyHistogram latency;  // every call, failed ones too
};

struct SessionStoreStats {
  SessionOperationStats create, get, update, remove, list, reindex;
  // Undecodable records met by get (without an owner key: with one they read as absent, and are
  // still counted) and by listings (SessionPage::skipped_corrupt), each time one is met. With the
  // durable tier, get treats an undecodable cached record as a cache miss (PostgreSQL answers and
  // the record is rewritten), which is not counted here.
  std::uint64_t corrupt_records = 0;
  std::uint64_t index_repairs = 0;  // stale index entries that listings removed or re-placed
};

// Thread-safe (as thread-safe as the CacheClient it borrows, which must outlive it).
// Methods taking `owner_api_key` act only on that owner's sessions when it is given; a session of
// another owner is reported exactly like an absent one. Results are returned by value. Besides
// the errors listed per method, every method that reads or writes throws the CacheClient's
// (timeout, connection, pool_exhausted, protocol), and Error(invalid_argument) for a malformed id.
class SessionStore {
 public:
  // Validates the options (Error(invalid_argument)); makes no call to the cache.
  explicit SessionStore(CacheClient &cache, SessionStoreOptions options = {});

  ~SessionStore();
  SessionStore(const SessionStore &) = delete;
  SessionStore &operator=(const SessionStore &) = delete;

  const SessionStoreOptions &options() const noexcept { return options_; }
  // True with a database_url: PostgreSQL is the source of truth. Its table and indexes are
  // created (idempotently) on the first call that needs the database.
  bool durable() const noexcept { return durable_ != nullptr; }

  // Throws Error(conflict) when the id is in use, Error(invalid_argument) for bad input.
  Session create(const CreateRequest &request);
  // nullopt when absent or owned by someone else; Error(corrupt) when undecodable (with an
  // owner key, an undecodable record reads as absent: its owner cannot be proven).
  std::optional<Session> get(std::string_view id,
                             const std::optional<std::string> &owner_api_key = std::nullopt);
  // Atomic read-modify-write; refreshes updated_at and the TTL. Error(not_found) when absent
  // or owned by someone else, Error(invalid_argument) for a bad patch, Error(corrupt) for an
  // undecodable record (not_found with an owner key), Error(conflict) if concurrent writers to
  // this session won every one of its bounded retries.
  Session update(std::string_view id, const SessionPatch &patch,
                 const std::optional<std::string> &owner_api_key = std::nullopt);
  // Removes the record and its index entries together. false when absent (or not the owner's;
  // an undecodable record can be removed only without an owner key).
  bool remove(std::string_view id, const std::optional<std::string> &owner_api_key = std::nullopt);
  // One index range read plus one MGET of the page (more only to drop stale index entries).
  // Error(invalid_argument) for a page or page_size out of range, or an invalid cursor (one that
  // is not a next_cursor passed back unchanged, or combined with page != 1).
  SessionPage list(const ListQuery &query);
  // Adds every {key_prefix}* record to the indexes it belongs in (SCAN in bounded batches);
  // idempotent. Add-only: stale entries are not removed here but by the listings that meet them.
  // Returns the number of sessions indexed; undecodable records are skipped.
  // Durable: rebuilds the Redis records and indexes of every session from PostgreSQL instead
  // (keyset batches) and marks the indexes complete, so listings are served by Redis again.
  std::uint64_t reindex();

  // A snapshot of the counters; safe to call while other threads use the store.
  SessionStoreStats stats() const;

  // The message of not_found for `id`: identical for absent and foreign sessions.
  static std::string not_found_message(std::string_view id);

 private:
  SessionPage list_unmetered(const ListQuery &query);

  CacheClient &cache_;
  SessionStoreOptions options_;
  std::unique_ptr<detail::DurableSessions> durable_;
  std::unique_ptr<detail::SessionCounters> counters_;
};

}  // namespace agenthost
