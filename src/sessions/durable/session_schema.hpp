// The durable tier's table and its migration: created (with every index the listings use) when
// it does not exist; when it exists (made by the Python service, or by an operator), checked and
// never altered: agenthost takes no DDL lock on a table another service writes, and needs only
// SELECT, INSERT, UPDATE and DELETE on it.
#pragma once

#include <string>
#include <vector>

#include "db/pg_pool.hpp"

namespace agenthost::detail {

// The migration (idempotent: CREATE ... IF NOT EXISTS), for `table`. For "sessions" it is
// byte for byte sql/001_sessions.sql. It also runs on a table the Python service created.
std::string migration_sql(const std::string &table);

// The names of the indexes the migration creates on `table` (it also makes <table>_counts, the
// function <table>_count() and the triggers <table>_count_rows and <table>_count_moves).
std::vector<std::string> index_names(const std::string &table);

struct SchemaState {
  // The migration's indexes the table lacks, and "<table>_counts" when the counts are not usable
  // (listings stay correct without them, only slower).
  std::vector<std::string> missing;
  // The counts table exists, its triggers keep it, and this role may read it: listing totals
  // are read from it instead of counting rows.
  bool counted = false;
};

// Inside one transaction under an advisory lock: creates `table` with its indexes, counts table
// and triggers if it does not exist; otherwise checks its columns and what it has. Throws
// Error(unsupported) naming what is wrong when a column the store needs is missing or of a type
// it cannot use.
SchemaState apply_schema(PgSession &session, const std::string &table);

}  // namespace agenthost::detail
