#include "sessions/session_schema.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <map>

#include "sessions/session_rows.hpp"

namespace agenthost::detail {

namespace {

constexpr const char *kWhat = "session schema migration";

// Columns the store reads and writes, and the types it accepts for each ("" = any).
struct ColumnRule {
  const char *name;
  std::vector<std::string> types;
};

const std::vector<ColumnRule> &column_rules() {
  static const std::vector<ColumnRule> rules = {
      {"id", {}},
      {"model", {}},
      {"status", {}},
      {"created_at", {"timestamp with time zone"}},
      {"updated_at", {"timestamp with time zone"}},
      {"total_turns", {"bigint", "integer", "smallint", "numeric"}},
      {"total_cost_usd", {"double precision", "real", "numeric"}},
      {"parent_session_id", {}},
      {"owner_api_key_hash", {}},
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
    if (rule.types.empty()) continue;
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

// The counts table is usable when both triggers keep it and this role may read it.
bool counts_usable(PgSession &s, const std::string &table) {
  const PgResult r = s.exec(
      "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname IN "
      "($1 || '_count_rows', $1 || '_count_moves')) = 2 AND to_regclass($1 || '_counts') IS NOT "
      "NULL AND has_table_privilege(($1 || '_counts')::regclass, 'SELECT')",
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

std::string migration_sql(const std::string &t) {
  return fmt::format(
      "-- agenthost durable sessions: the Python service's `sessions` table and the indexes the\n"
      "-- store's listings use. Idempotent, and it also runs on the table the Python service\n"
      "-- created (session_metadata JSON or JSONB). Run it as the table's owner: the store\n"
      "-- creates the table and its indexes only when the table does not exist yet.\n"
      "CREATE TABLE IF NOT EXISTS {0} (\n"
      "    id VARCHAR(255) PRIMARY KEY,\n"
      "    model VARCHAR(255) NOT NULL,\n"
      "    status VARCHAR(32) NOT NULL DEFAULT 'active',\n"
      "    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
      "    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
      "    total_turns BIGINT NOT NULL DEFAULT 0,\n"
      "    total_cost_usd DOUBLE PRECISION,\n"
      "    parent_session_id VARCHAR(255),\n"
      "    owner_api_key_hash VARCHAR(64),\n"
      "    session_metadata JSONB\n"
      ");\n"
      "CREATE INDEX IF NOT EXISTS ix_{0}_owner_api_key_hash ON {0} (owner_api_key_hash);\n"
      "-- Keyset listing: created_at in whole ms (the Redis score), then id byte order.\n"
      "CREATE INDEX IF NOT EXISTS ix_{0}_owner_keyset ON {0}\n"
      "    (owner_api_key_hash, ({1}), (id COLLATE \"C\"));\n"
      "CREATE INDEX IF NOT EXISTS ix_{0}_owner_status_keyset ON {0}\n"
      "    (owner_api_key_hash, status, ({1}), (id COLLATE \"C\"));\n"
      "CREATE INDEX IF NOT EXISTS ix_{0}_keyset ON {0} (({1}), (id COLLATE \"C\"));\n"
      "-- Metadata filters: mode, project_id and tags by containment (@>). On a JSONB column the\n"
      "-- cast is no expression (a plain column index); on a JSON one it is the expression the\n"
      "-- store's queries use.\n"
      "CREATE INDEX IF NOT EXISTS ix_{0}_metadata ON {0} USING GIN ((session_metadata::jsonb) "
      "jsonb_path_ops);\n"
      "-- Listing totals without counting rows: sessions per (owner, status), kept by triggers in\n"
      "-- the writing transaction (the Python service's writes too). '' stands for NULL.\n"
      "CREATE TABLE IF NOT EXISTS {0}_counts (\n"
      "    owner_api_key_hash TEXT NOT NULL,\n"
      "    status TEXT NOT NULL,\n"
      "    n BIGINT NOT NULL,\n"
      "    PRIMARY KEY (owner_api_key_hash, status)\n"
      ") WITH (fillfactor = 50);  -- room for HOT updates: a count row stays on its page\n"
      "-- SECURITY DEFINER: a role that may only write {0} keeps the counts right too.\n"
      "CREATE OR REPLACE FUNCTION {0}_count() RETURNS trigger LANGUAGE plpgsql\n"
      "    SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
      "BEGIN\n"
      "    IF TG_OP = 'UPDATE' THEN  -- both rows, in one order: concurrent moves never deadlock\n"
      "        PERFORM 1 FROM {0}_counts\n"
      "            WHERE (owner_api_key_hash, status) IN\n"
      "                ((COALESCE(OLD.owner_api_key_hash, ''), COALESCE(OLD.status, '')),\n"
      "                 (COALESCE(NEW.owner_api_key_hash, ''), COALESCE(NEW.status, '')))\n"
      "            ORDER BY owner_api_key_hash, status FOR UPDATE;\n"
      "    END IF;\n"
      "    IF TG_OP <> 'INSERT' THEN\n"
      "        UPDATE {0}_counts SET n = n - 1\n"
      "            WHERE owner_api_key_hash = COALESCE(OLD.owner_api_key_hash, '')\n"
      "              AND status = COALESCE(OLD.status, '');\n"
      "    END IF;\n"
      "    IF TG_OP <> 'DELETE' THEN\n"
      "        INSERT INTO {0}_counts\n"
      "            VALUES (COALESCE(NEW.owner_api_key_hash, ''), COALESCE(NEW.status, ''), 1)\n"
      "            ON CONFLICT (owner_api_key_hash, status) DO UPDATE SET n = {0}_counts.n + 1;\n"
      "    END IF;\n"
      "    RETURN NULL;\n"
      "END $$;\n"
      "-- The triggers and the counts of the rows already there, in one transaction under a lock\n"
      "-- that holds writers back meanwhile.\n"
      "DO $$\n"
      "BEGIN\n"
      "    IF NOT EXISTS (SELECT 1 FROM pg_trigger\n"
      "                   WHERE tgrelid = '{0}'::regclass AND tgname = '{0}_count_rows') THEN\n"
      "        LOCK TABLE {0} IN SHARE ROW EXCLUSIVE MODE;\n"
      "        DELETE FROM {0}_counts;\n"
      "        INSERT INTO {0}_counts SELECT COALESCE(owner_api_key_hash, ''), COALESCE(status, "
      "''),\n"
      "            count(*) FROM {0} GROUP BY 1, 2;\n"
      "        CREATE TRIGGER {0}_count_rows AFTER INSERT OR DELETE ON {0}\n"
      "            FOR EACH ROW EXECUTE FUNCTION {0}_count();\n"
      "        CREATE TRIGGER {0}_count_moves AFTER UPDATE OF owner_api_key_hash, status ON {0}\n"
      "            FOR EACH ROW WHEN (OLD.owner_api_key_hash IS DISTINCT FROM "
      "NEW.owner_api_key_hash\n"
      "                               OR OLD.status IS DISTINCT FROM NEW.status)\n"
      "            EXECUTE FUNCTION {0}_count();\n"
      "    END IF;\n"
      "END $$;\n",
      t, kCreatedMsSql);
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
