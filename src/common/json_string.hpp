// Writing JSON strings: the one escaping routine of the library (fmt writes the rest of the JSON).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agenthost::detail {

// Length of the well-formed UTF-8 sequence starting at s[i] (no overlongs, no surrogates,
// <= U+10FFFF), or 0 when it is malformed. Requires i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

// Appends `text` as a quoted JSON string: escapes '"', '\\' and control characters, passes valid
// UTF-8 through. Throws Error(invalid_argument) naming `what` for invalid UTF-8 (data we store).
void append_json_string(std::string &out, std::string_view text, std::string_view what);

// The same, but each byte that is not valid UTF-8 becomes U+FFFD, so the output is always valid
// JSON (reasons and URLs we report, which must never make a verdict fail).
void append_json_string_lossy(std::string &out, std::string_view text);

}  // namespace agenthost::detail
