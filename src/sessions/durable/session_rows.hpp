// The durable tier's table: the Python service's `sessions` schema, its migration, the SQL the
// store runs, and rows <-> Session.
#pragma once

#include <agenthost/session.hpp>
#include <string>

#include "db/pg_result.hpp"

namespace agenthost::detail {

// created_at as the Redis index scores it (whole milliseconds since the epoch). The keyset
// indexes are built on this expression, so PostgreSQL pages in exactly the Redis order:
// created_at ms descending, then id descending byte by byte (COLLATE "C").
extern const char *const kCreatedMsSql;
// The status as a record reads it: anything but completed and error (NULL too) is active. The
// status filter, its index and the counts use it, so both tiers list such rows alike.
extern const char *const kStatusSql;

// updated_at in microseconds since the epoch (a NULL one, from the Python service, as created_at):
// the version the Redis cache writes compare.
extern const char *const kUpdatedMicrosSql;

// The listing total of the rows `where` selects: from <table>_counts (`where` then names its
// owner_api_key_hash and normalized status), or by counting the table's rows.
std::string total_sql(const std::string &table, bool from_counts, const std::string &where);

// Throws Error(invalid_argument) unless `table` is [a-z_][a-z0-9_]{0,39} (its index names stay
// within PostgreSQL's 63 bytes).
void validate_table_name(const std::string &table);

// The columns every query selects, in the order session_of_row reads them. NULLs the Python
// service's nullable columns may hold read as in a record: updated_at as created_at, total_turns
// as 0, status as active. Metadata is read in JSONB's form from a JSON column too (the form the
// store's Redis records hold).
std::string row_columns();

// One row of row_columns() starting at column `first`.
Session session_of_row(const PgResult &r, int row, int first = 0);

}  // namespace agenthost::detail
