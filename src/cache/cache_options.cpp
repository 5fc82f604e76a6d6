// STUB: replaced by the options/URL work.
#include <agenthost/config.hpp>
#include <agenthost/error.hpp>

namespace agenthost {
CacheOptions CacheOptions::from_env() { return CacheOptions{}; }
void CacheOptions::validate() const {}
}  // namespace agenthost
