// Selects the shared Redis Cluster (or the shared TLS cluster) for the CacheClient contract suite.
#include <stdexcept>

#include "integration/cache/contract.hpp"
#include "support/redis_cluster.hpp"
#include "support/test_env.hpp"

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
TlsOptions contract_tls() {
  return contract_url().rfind("rediss", 0) == 0 ? test_tls_options() : TlsOptions{};
}
const char *contract_backend() { return "cluster"; }
}  // namespace agenthost::test
