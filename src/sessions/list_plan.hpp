// A listing query validated once, into what both tiers (the Redis index and PostgreSQL) list by.
#pragma once

#include <agenthost/session.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "sessions/cursor.hpp"

namespace agenthost::detail {

constexpr std::uint32_t kMaxPageSize = 100;

struct ListPlan {
  const ListQuery &query;                 // status, page, page_size and the metadata filters
  std::optional<std::string> owner_hash;  // of query.owner_api_key
  std::optional<CursorPosition> after;    // the decoded query.cursor
};

// Throws Error(invalid_argument), before any read, for page_size outside 1..kMaxPageSize, page 0,
// a page other than 1 with a cursor, a metadata filter that is not UTF-8, an empty owner API key
// or a cursor that encode_cursor did not produce. `query` must outlive the plan.
ListPlan plan_list(const ListQuery &query);

}  // namespace agenthost::detail
