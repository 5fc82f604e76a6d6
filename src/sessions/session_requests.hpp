// The JSON requests of the C ABI, parsed strictly: wrong types, unknown fields and unknown
// statuses are Error(invalid_argument) naming the field.
#pragma once

#include <agenthost/session_store.hpp>
#include <string_view>

namespace agenthost::detail {

// {"model": str, "id"?: str, "parent_session_id"?: str, "owner_api_key"?: str, "metadata"?: obj}
CreateRequest parse_create_request(std::string_view json);
// {"status"?, "total_turns"?, "increment_turns"?: bool, "total_cost_usd"?, "metadata"?}
SessionPatch parse_session_patch(std::string_view json);
// {"owner_api_key"?, "status"?, "page"?, "page_size"?, "cursor"?}
ListQuery parse_list_query(std::string_view json);
// {"key_prefix"?, "index_prefix"?, "ttl_s"?}; absent fields take the defaults, ttl_s that of
// SessionStoreOptions::from_env() (REDIS_SESSION_TTL).
SessionStoreOptions parse_store_options(std::string_view json);

}  // namespace agenthost::detail
