#include "sessions/durable/session_schema.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <map>

#include "sessions/durable/session_rows.hpp"

namespace agenthost::detail {

namespace {

constexpr const char *kWhat = "session schema migration";

// Columns the store reads and writes, and the types it accepts for each.
struct ColumnRule {
  const char *name;
  std::vector<std::string> types;
};

const std::vector<ColumnRule> &column_rules() {
  // Not character(n): PostgreSQL hands its values over padded with blanks.
  static const std::vector<std::string> kText = {"character varying", "text"};
  static const std::vector<ColumnRule> rules = {
      {"id", kText},
      {"model", kText},
      {"status", kText},
      {"created_at", {"timestamp with time zone"}},
      {"updated_at", {"timestamp with time zone"}},
      {"total_turns", {"bigint", "integer", "smallint", "numeric"}},
      {"total_cost_usd", {"double precision", "real", "numeric"}},
      {"parent_session_id", kText},
      {"owner_api_key_hash", kText},
      {"session_metadata", {"jsonb", "json"}},
  };
  return rules;
}

// What is wrong with the existing table's columns ("" when nothing).
std::string column_problems(const std::string &table,
                            const std::map<std::string, std::string> &have) {
  std::string missing, wrong;
  for (const auto &rule : column_rules()) {
    const auto at = have.find(rule.name);
    if (at == have.end()) {
      missing += (missing.empty() ? "" : ", ") + std::string(rule.name);
      continue;
    }
    bool ok = false;
    for (const auto &t : rule.types) ok = ok || at->second == t;
    if (!ok) wrong += fmt::format("{}{} is {}", wrong.empty() ? "" : ", ", rule.name, at->second);
  }
  std::string out;
  if (!missing.empty()) out = fmt::format("it has no column {}", missing);
  if (!wrong.empty()) {
    out += fmt::format(
        "{}{} (created_at and updated_at must be timestamptz, session_metadata "
        "json or jsonb)",
        out.empty() ? "" : "; ", wrong);
  }
  if (out.empty()) return out;
  return fmt::format("table '{}' cannot hold durable sessions: {}", table, out);
}

std::map<std::string, std::string> existing_columns(PgSession &s, const std::string &table) {
  const PgResult r = s.exec(
      "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
      "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
      {table}, kWhat);
  std::map<std::string, std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.text(i, 0), r.text(i, 1));
  return out;
}

// The counts table is usable when its three triggers keep it (enabled) and this role may read it.
bool counts_usable(PgSession &s, const std::string &table) {
  const PgResult r = s.exec(
      "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgenabled IN "
      "('O', 'A') AND tgname IN ($1 || '_count_rows', $1 || '_count_moves', $1 || "
      "'_count_truncate')) = 3 AND to_regclass($1 || '_counts') IS NOT NULL AND "
      "has_table_privilege(($1 || '_counts')::regclass, 'SELECT')",
      {table}, kWhat);
  return r.rows() == 1 && r.text(0, 0) == "t";
}

std::vector<std::string> missing_indexes(PgSession &s, const std::string &table) {
  const PgResult r = s.exec(
      "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
      "WHERE x.indrelid = to_regclass($1) AND x.indisvalid",
      {table}, kWhat);
  std::vector<std::string> missing;
  for (const auto &name : index_names(table)) {
    bool found = false;
    for (int i = 0; i < r.rows() && !found; ++i) found = r.text(i, 0) == name;
    if (!found) missing.push_back(name);
  }
  return missing;
}

}  // namespace

// sql/001_sessions.sql, as it is in the repository (for the table `sessions`).
constexpr const char *kMigration =
#include "sessions/migration_sql.inc"
    ;

namespace {

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

// Every `sessions` that stands alone or between underscores (ix_sessions_keyset, sessions_counts)
// names the table or one of its objects; the file's prose avoids the word.
std::string migration_sql(const std::string &t) {
  static const std::string kWord = "sessions";
  const std::string sql = kMigration;
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = sql.find(kWord); at != std::string::npos; at = sql.find(kWord, at + 1)) {
    const std::size_t end = at + kWord.size();
    if ((at > 0 && identifier_char(sql[at - 1])) ||
        (end < sql.size() && identifier_char(sql[end]))) {
      continue;
    }
    out.append(sql, from, at - from).append(t);
    from = end;
  }
  return out.append(sql, from, std::string::npos);
}

std::vector<std::string> index_names(const std::string &t) {
  std::vector<std::string> out;
  for (const char *suffix :
       {"owner_api_key_hash", "owner_keyset", "owner_status_keyset", "keyset", "metadata"}) {
    out.push_back(fmt::format("ix_{}_{}", t, suffix));
  }
  return out;
}

SchemaState apply_schema(PgSession &s, const std::string &table) {
  s.exec("BEGIN", {}, kWhat);
  // One migration at a time across processes (CREATE ... IF NOT EXISTS can race), and the
  // existence check after the lock: another process may have just created it.
  s.exec("SELECT pg_advisory_xact_lock(7406452390412345)", {}, kWhat);
  const auto columns = existing_columns(s, table);
  SchemaState state;
  if (columns.empty()) {
    s.exec(migration_sql(table), {}, kWhat);
  } else {
    const std::string problems = column_problems(table, columns);
    if (!problems.empty()) throw Error(Errc::unsupported, problems);
    state.missing = missing_indexes(s, table);
  }
  state.counted = counts_usable(s, table);
  if (!state.counted) state.missing.push_back(table + "_counts");
  s.exec("COMMIT", {}, kWhat);
  return state;
}

}  // namespace agenthost::detail
