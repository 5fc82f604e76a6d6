// Selects the shared Redis Cluster for the CacheClient contract suite.
#include <stdexcept>

#include "integration/cache/contract.hpp"
#include "support/redis_cluster.hpp"

namespace agenthost::test {
std::string contract_url() {
  std::string url = shared_cluster_url();
  if (url.empty()) {
    throw std::runtime_error(
        "no shared Redis Cluster: run through ctest (fixture 'redis_cluster') or set "
        "AGENTHOST_TEST_CLUSTER_URL");
  }
  return url;
}
TlsOptions contract_tls() { return {}; }
const char *contract_backend() { return "cluster"; }
}  // namespace agenthost::test
