// Session <-> JSON: the stored record (the Python service's format) and the API shape.
#pragma once

#include <agenthost/session.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace agenthost::detail {

constexpr std::size_t kMaxMetadataBytes = std::size_t{64} * 1024;  // minified

// The stored record: {"id","model","status","created_at","updated_at","total_turns",
// "total_cost_usd","parent_session_id","owner_api_key_hash","session_metadata"}.
std::string encode_record(const Session &session);

// Reads every variant the Python service wrote (see docs/sessions.md "Stored format"). `id` is the
// id of the key the record was read from; it wins over the record's own "id" field. Throws
// Error(corrupt) naming the key's id and the reason.
Session decode_record(std::string_view id, std::string_view json);
// decode_record for a caller that owns the id (a listing): it moves into the result's id, so the
// id is not copied. On a throw `id` is left as it was.
Session decode_record_taking_id(std::string &id, std::string_view json);

// The reference reader decode_record falls back to (simdjson DOM on every record): the same
// result or the same error for every input. For tests.
Session decode_record_with_dom(std::string_view id, std::string_view json);

// The API shape (C ABI): the record without the owner hash, metadata under "metadata".
std::string encode_api(const Session &session);
void append_api(std::string &out, const Session &session);

// Validates caller metadata: a JSON object without a duplicated key (at any depth), valid UTF-8,
// at most kMaxMetadataBytes once minified.
// Returns it minified. Throws Error(invalid_argument).
std::string normalize_metadata(std::string_view json);

// A JSON number the way Python's float repr writes it (always with '.' or an exponent).
std::string format_json_double(double value);

}  // namespace agenthost::detail
