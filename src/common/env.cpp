#include "common/env.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <charconv>
#include <cstdlib>

namespace agenthost::detail {

namespace {
// Values are echoed in messages; cap them so a huge variable cannot flood a log.
std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}
}  // namespace

std::uint64_t parse_ranged_uint(std::string_view name, std::string_view text, std::uint64_t lo,
                                std::uint64_t hi) {
  std::uint64_t value = 0;
  const char *first = text.data();
  const char *last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != last) {
    throw Error(Errc::invalid_argument, fmt::format("{}={} is not a whole number (expected {}..{})",
                                                    name, shown(text), lo, hi));
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    throw Error(Errc::invalid_argument,
                fmt::format("{}={} is out of range {}..{}", name, shown(text), lo, hi));
  }
  return value;
}

std::optional<std::string> env_value(const char *name) {
  const char *raw = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
  if (raw == nullptr || *raw == '\0') return std::nullopt;
  return std::string(raw);
}

std::uint64_t env_ranged_uint(const char *name, std::uint64_t fallback, std::uint64_t lo,
                              std::uint64_t hi) {
  auto value = env_value(name);
  if (!value) return fallback;
  return parse_ranged_uint(name, *value, lo, hi);
}

}  // namespace agenthost::detail
