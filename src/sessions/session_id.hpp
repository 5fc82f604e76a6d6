// Session ids: random UUIDv4 by default; caller-given ids are validated.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::detail {

// A random UUIDv4 (OpenSSL RAND_bytes), lower-case, e.g. "0f8fad5b-d9cb-469f-a165-70867728950e".
std::string random_session_id();

// Throws Error(invalid_argument) unless `id` is 1..256 printable ASCII characters without spaces.
// `what` names the argument ("id", "parent_session_id").
void validate_session_id(std::string_view id, std::string_view what = "session id");

}  // namespace agenthost::detail
