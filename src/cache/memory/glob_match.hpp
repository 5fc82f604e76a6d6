// Redis' glob matching (stringmatchlen) for SCAN MATCH on the memory:// backend.
#pragma once

#include <string_view>

namespace agenthost::detail {

// True when `text` matches `pattern`: `*` any run, `?` one byte, `[abc]`, `[^a-z]` classes,
// `\x` a literal x. Byte-wise and binary-safe; runs in O(|pattern| * |text|) at worst.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

}  // namespace agenthost::detail
