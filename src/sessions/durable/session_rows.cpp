#include "sessions/durable/session_rows.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>

#include "sessions/session_codec.hpp"

namespace agenthost::detail {

const char *const kCreatedMsSql =
    "(floor(extract(epoch from (created_at at time zone 'UTC')) * 1000))::bigint";
const char *const kUpdatedMicrosSql =
    "(extract(epoch from COALESCE(updated_at, created_at)) * 1000000)::bigint";

std::string total_sql(const std::string &table, bool from_counts, const std::string &where) {
  if (!from_counts) return fmt::format("SELECT count(*) AS total FROM {} WHERE {}", table, where);
  return fmt::format(
      "SELECT GREATEST(COALESCE(sum(n), 0), 0)::bigint AS total FROM {}_counts WHERE {}", table,
      where);
}

const char *const kStatusSql =
    "(CASE WHEN status::text IN ('completed', 'error') THEN status::text ELSE 'active' END)";

void validate_table_name(const std::string &table) {
  bool ok = !table.empty() && table.size() <= 40 && !(table[0] >= '0' && table[0] <= '9');
  for (char c : table) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    throw Error(Errc::invalid_argument,
                "db_table must be 1..40 characters of a-z, 0-9 and _, not starting with a digit");
  }
}

std::string row_columns() {
  return fmt::format(
      "id, model, status, (extract(epoch from created_at) * 1000000)::bigint, "
      "{}, COALESCE(total_turns, 0)::bigint, "
      "total_cost_usd, parent_session_id, owner_api_key_hash, session_metadata::jsonb::text, {}",
      kUpdatedMicrosSql, kCreatedMsSql);
}

Session session_of_row(const PgResult &r, int row, int f) {
  Session s;
  s.id = std::string(r.text(row, f));
  s.model = std::string(r.text(row, f + 1));
  // Like a stored record: an unknown status reads as active.
  s.status = parse_session_status(r.text(row, f + 2)).value_or(SessionStatus::active);
  s.created_at = SessionTime(std::chrono::microseconds(r.integer(row, f + 3)));
  s.updated_at = SessionTime(std::chrono::microseconds(r.integer(row, f + 4)));
  s.total_turns = r.integer(row, f + 5);
  if (!r.is_null(row, f + 6)) s.total_cost_usd = r.real(row, f + 6);
  s.parent_session_id = r.optional_text(row, f + 7);
  s.owner = r.optional_text(row, f + 8);
  if (!r.is_null(row, f + 9)) {
    const std::string_view m = r.text(row, f + 9);
    // JSONB keeps objects as objects; anything else the Python service stored is dropped.
    if (!m.empty() && m.front() == '{') s.metadata_json = normalize_metadata(m);
  }
  return s;
}

}  // namespace agenthost::detail
