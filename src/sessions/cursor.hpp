// The opaque listing cursor: the (score, id) of the last session of a page, base64url-encoded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agenthost::detail {

struct CursorPosition {
  std::int64_t score = 0;  // created_at in ms
  std::string id;
};

std::string encode_cursor(const CursorPosition &position);
// Throws Error(invalid_argument) "invalid cursor" for anything encode_cursor did not produce.
CursorPosition decode_cursor(std::string_view cursor);

}  // namespace agenthost::detail
