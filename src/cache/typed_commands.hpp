// What CacheClient's typed operations share: argument checks, running one command, and turning
// replies into values (error replies and unexpected reply types become Error(protocol)).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/backend.hpp"

namespace agenthost::detail {

inline constexpr std::size_t kMaxValueBytes = std::size_t{512} * 1024 * 1024;  // Redis' limit

// The backend of a live client; Error(invalid_argument) for a moved-from one.
CacheBackend &live(const std::unique_ptr<CacheBackend> &backend);

void check_key(std::string_view key);                             // non-empty
void check_value(std::string_view value);                         // at most 512 MiB
void check_ttl(std::chrono::milliseconds ttl, const char *what);  // >= 0

// Runs one command; an error reply throws Error(protocol, "<COMMAND> failed: <text>").
Reply run_one(CacheBackend &backend, Command command, bool idempotent);
// Error(protocol) if `reply` is an error reply.
void throw_if_error(const Reply &reply, std::string_view command);

std::int64_t expect_integer(const Reply &reply, std::string_view command);
void expect_status(const Reply &reply, std::string_view command, std::string_view status);
std::optional<std::string> expect_string_or_nil(Reply &reply, std::string_view command);
std::vector<Reply> &expect_array(Reply &reply, std::string_view command);
std::string expect_string(Reply &reply, std::string_view command);

// Scores as Redis reads and writes them: shortest round-trip text, "-inf"/"+inf".
std::string format_score(double score);
double parse_score(std::string_view text, std::string_view command);

}  // namespace agenthost::detail
