// STUB: replaced by the Redis backend.
#include "cache/backend.hpp"

namespace agenthost::detail {
std::unique_ptr<CacheBackend> make_redis_backend(const CacheOptions &) {
  throw Error(Errc::unsupported, "redis backend not built yet");
}
}  // namespace agenthost::detail
