// The pause before retrying an idempotent command after a lost connection: one schedule for the
// single-node and the cluster backend.
#pragma once

#include <chrono>
#include <cstdint>

namespace agenthost::detail {

// With 10 attempts and a 1 s base, an uncapped schedule would sleep over 8 minutes in one call.
inline constexpr std::chrono::milliseconds kMaxRetryBackoff{2000};

// base * 2^(failed_attempts - 1), capped at `limit` but never below `base` (a base above the
// limit is used as is). The exponent stops at 20, so the product cannot overflow for any base
// CacheOptions::validate accepts.
std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base,
                                        std::chrono::milliseconds limit,
                                        std::uint32_t failed_attempts);

}  // namespace agenthost::detail
