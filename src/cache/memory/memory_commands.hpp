// The Redis command interpreter of the memory:// backend: the commands CacheClient and
// SessionStore send, with Redis' replies and error texts.
#pragma once

#include <agenthost/cache_client.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cache/memory/memory_store.hpp"

namespace agenthost::detail {

// Redis' checks when a command is queued inside MULTI: the command exists and has a valid
// number of arguments. Returns the error reply text, or nullopt when the command is acceptable.
std::optional<std::string> check_command(const Command &command);

// Executes one command against the store (the caller holds the store's lock).
Reply execute_command(MemoryStore &store, const Command &command, MemoryClock::time_point now);

// Pieces shared by the command files.
namespace memory {

struct Context {
  MemoryStore &store;
  MemoryClock::time_point now;
};

using Handler = Reply (*)(Context &, const Command &);

inline constexpr const char *kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char *kNotInteger = "ERR value is not an integer or out of range";
inline constexpr const char *kNotFloat = "ERR value is not a valid float";
inline constexpr const char *kSyntax = "ERR syntax error";

Reply ok();
Reply nil();
Reply integer(std::int64_t value);
Reply bulk(std::string value);
Reply error(std::string text);
Reply array(std::vector<Reply> elements);

// Redis' string2ll: an optional '-', digits without leading zeros, no spaces or '+', in int64.
bool parse_int(std::string_view text, std::int64_t *out) noexcept;
// Redis' float arguments: decimal or "inf"/"+inf"/"-inf"; NaN is rejected.
bool parse_double(std::string_view text, double *out) noexcept;
// A score as Redis 7.0 writes one ("%.17g", "inf", "-inf"): it parses back to the same double.
std::string format_double(double value);
bool equals_nocase(std::string_view a, std::string_view b) noexcept;

// Set and sorted-set commands (memory_set_commands.cpp).
Reply cmd_sadd(Context &, const Command &);
Reply cmd_srem(Context &, const Command &);
Reply cmd_smembers(Context &, const Command &);
Reply cmd_scard(Context &, const Command &);
Reply cmd_sismember(Context &, const Command &);
Reply cmd_zadd(Context &, const Command &);
Reply cmd_zrem(Context &, const Command &);
Reply cmd_zcard(Context &, const Command &);
Reply cmd_zscore(Context &, const Command &);
Reply cmd_zcount(Context &, const Command &);
Reply cmd_zrange(Context &, const Command &);
Reply cmd_zrangebyscore(Context &, const Command &);
Reply cmd_zrevrangebyscore(Context &, const Command &);
Reply cmd_zrevrange(Context &, const Command &);

}  // namespace memory
}  // namespace agenthost::detail
