#include "sessions/session_schema.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <map>

#include "sessions/session_rows.hpp"

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

// {0}: the table; {1}: created_at in whole ms; {2}: the status as a record reads it.
constexpr const char *kMigration =
    R"SQL(-- agenthost durable sessions: the Python service's `sessions` table and the indexes the
-- store's listings use. Idempotent, and it also runs on the table the Python service
-- created (session_metadata JSON or JSONB). Run it as the table's owner: the store
-- creates the table and its indexes only when the table does not exist yet.
CREATE TABLE IF NOT EXISTS {0} (
    id VARCHAR(255) PRIMARY KEY,
    model VARCHAR(255) NOT NULL,
    status VARCHAR(32) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    total_turns BIGINT NOT NULL DEFAULT 0,
    total_cost_usd DOUBLE PRECISION,
    parent_session_id VARCHAR(255),
    owner_api_key_hash VARCHAR(64),
    session_metadata JSONB
);
CREATE INDEX IF NOT EXISTS ix_{0}_owner_api_key_hash ON {0} (owner_api_key_hash);
-- Keyset listing: created_at in whole ms (the Redis score), then id byte order. Statuses
-- other than completed and error (NULL too) list as active, as their records read.
CREATE INDEX IF NOT EXISTS ix_{0}_owner_keyset ON {0}
    (owner_api_key_hash, ({1}), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_{0}_owner_status_keyset ON {0}
    (owner_api_key_hash, ({2}), ({1}), (id COLLATE "C"));
CREATE INDEX IF NOT EXISTS ix_{0}_keyset ON {0} (({1}), (id COLLATE "C"));
-- Metadata filters: mode, project_id and tags by containment (@>). On a JSONB column the
-- cast is no expression (a plain column index); on a JSON one it is the expression the
-- store's queries use.
CREATE INDEX IF NOT EXISTS ix_{0}_metadata ON {0} USING GIN ((session_metadata::jsonb) jsonb_path_ops);
-- Listing totals without counting rows: sessions per (owner, status), kept by triggers in
-- the writing transaction (the Python service's writes too). '' stands for no owner.
CREATE TABLE IF NOT EXISTS {0}_counts (
    owner_api_key_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (owner_api_key_hash, status)
) WITH (fillfactor = 50);  -- room for HOT updates: a count row stays on its page
-- SECURITY DEFINER, so a role that may only write {0} keeps the counts right too. Its
-- search_path is pg_catalog then pg_temp only, with the counts table qualified by its schema
-- (no object another role creates can stand in for one it uses), its comparisons are on text
-- (exact pg_catalog operators), and no role may call it except through the triggers.
DO $do$
BEGIN
    EXECUTE format($f$
CREATE OR REPLACE FUNCTION {0}_count() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    old_owner TEXT;
    old_status TEXT;
    new_owner TEXT;
    new_status TEXT;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM %1$I.{0}_counts;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_owner := COALESCE(OLD.owner_api_key_hash::text, '');
        old_status := CASE WHEN OLD.status::text IN ('completed', 'error') THEN OLD.status::text
                           ELSE 'active' END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_owner := COALESCE(NEW.owner_api_key_hash::text, '');
        new_status := CASE WHEN NEW.status::text IN ('completed', 'error') THEN NEW.status::text
                           ELSE 'active' END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF old_owner = new_owner AND old_status = new_status THEN
            RETURN NULL;
        END IF;
        -- Both rows, in one order: concurrent moves never deadlock on them.
        PERFORM 1 FROM %1$I.{0}_counts
            WHERE (owner_api_key_hash, status) IN ((old_owner, old_status), (new_owner, new_status))
            ORDER BY owner_api_key_hash, status FOR UPDATE;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE %1$I.{0}_counts SET n = n - 1
            WHERE owner_api_key_hash = old_owner AND status = old_status;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO %1$I.{0}_counts VALUES (new_owner, new_status, 1)
            ON CONFLICT (owner_api_key_hash, status) DO UPDATE SET n = {0}_counts.n + 1;
    END IF;
    RETURN NULL;
END $fn$$f$, current_schema());
    REVOKE EXECUTE ON FUNCTION {0}_count() FROM PUBLIC;
END $do$;
-- The triggers (rows, moves, TRUNCATE) and the counts of the rows already there, in one
-- transaction under a lock that holds writers back meanwhile; again whenever one of the
-- triggers is missing or disabled.
DO $do$
BEGIN
    IF (SELECT count(*) FROM pg_trigger WHERE tgrelid = '{0}'::regclass AND tgenabled IN ('O', 'A')
          AND tgname IN ('{0}_count_rows', '{0}_count_moves', '{0}_count_truncate')) < 3 THEN
        LOCK TABLE {0} IN SHARE ROW EXCLUSIVE MODE;
        DROP TRIGGER IF EXISTS {0}_count_rows ON {0};
        DROP TRIGGER IF EXISTS {0}_count_moves ON {0};
        DROP TRIGGER IF EXISTS {0}_count_truncate ON {0};
        DELETE FROM {0}_counts;
        INSERT INTO {0}_counts SELECT COALESCE(owner_api_key_hash, ''), {2}, count(*)
            FROM {0} GROUP BY 1, 2;
        CREATE TRIGGER {0}_count_rows AFTER INSERT OR DELETE ON {0}
            FOR EACH ROW EXECUTE FUNCTION {0}_count();
        CREATE TRIGGER {0}_count_moves AFTER UPDATE OF owner_api_key_hash, status ON {0}
            FOR EACH ROW EXECUTE FUNCTION {0}_count();
        CREATE TRIGGER {0}_count_truncate AFTER TRUNCATE ON {0}
            FOR EACH STATEMENT EXECUTE FUNCTION {0}_count();
    END IF;
END $do$;
)SQL";

std::string migration_sql(const std::string &t) {
  return fmt::format(kMigration, t, kCreatedMsSql, kStatusSql);
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
