// Writing JSON text: the one string-escaping helper the hooks code uses.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

// Appends `text` as a quoted JSON string, escaping '"', '\\' and control characters. Bytes that
// are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string &out, std::string_view text);

}  // namespace agenthost::hooks
