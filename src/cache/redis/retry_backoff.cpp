#include "cache/redis/retry_backoff.hpp"

#include <algorithm>

namespace agenthost::detail {

std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base,
                                        std::chrono::milliseconds limit,
                                        std::uint32_t failed_attempts) {
  const std::chrono::milliseconds exponential =
      base * (1LL << std::min<std::uint32_t>(failed_attempts - 1, 20));
  return std::max(base, std::min(exponential, limit));
}

}  // namespace agenthost::detail
