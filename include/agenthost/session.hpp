// A session record and the requests about sessions: Session, CreateRequest, SessionPatch,
// ListQuery and the SessionPage a listing returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

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

}  // namespace agenthost
