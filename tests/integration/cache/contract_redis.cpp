#include <stdexcept>

#include "contract.hpp"
#include "support/test_env.hpp"

namespace agenthost::test {
std::string contract_url() {
  std::string url = shared_redis_url();
  if (url.empty()) {
    throw std::runtime_error(
        "no shared redis-server: run through ctest (fixture 'redis') or set "
        "AGENTHOST_TEST_REDIS_URL");
  }
  return url;
}
TlsOptions contract_tls() { return {}; }
const char *contract_backend() { return "redis"; }
}  // namespace agenthost::test
