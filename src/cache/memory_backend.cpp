// STUB: replaced by the memory:// backend.
#include "cache/backend.hpp"

namespace agenthost::detail {
std::unique_ptr<CacheBackend> make_memory_backend(const CacheOptions &) {
  throw Error(Errc::unsupported, "memory:// backend not built yet");
}
}  // namespace agenthost::detail
