// Reading numeric settings from the environment: strict, ranged, never clamped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::detail {

// Parses `text` as a whole decimal number in [lo, hi]. Throws Error(invalid_argument)
// "<name>=<text> is out of range lo..hi" / "<name>=<text> is not a whole number (expected lo..hi)".
std::uint64_t parse_ranged_uint(std::string_view name, std::string_view text, std::uint64_t lo,
                                std::uint64_t hi);

// The variable's value, or nullopt when unset or empty.
std::optional<std::string> env_value(const char *name);

// env_value(name) parsed with parse_ranged_uint, or `fallback` when unset or empty.
std::uint64_t env_ranged_uint(const char *name, std::uint64_t fallback, std::uint64_t lo,
                              std::uint64_t hi);

}  // namespace agenthost::detail
