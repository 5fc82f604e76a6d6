// Writing JSON strings: the one escaping helper every session writer uses.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::detail {

// Appends `text` as a quoted JSON string: escapes '"', '\\' and control characters, passes
// valid UTF-8 through. Throws Error(invalid_argument) naming `what` for invalid UTF-8.
void append_json_string(std::string &out, std::string_view text, std::string_view what);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace agenthost::detail
