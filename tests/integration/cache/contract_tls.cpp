// The CacheClient contract over TLS: the shared TLS redis-server fixture, with mutual TLS.
#include <stdexcept>

#include "contract.hpp"
#include "support/test_env.hpp"

namespace agenthost::test {
std::string contract_url() {
  std::string url = shared_tls_redis_url();
  if (url.empty()) {
    throw std::runtime_error("no shared TLS redis-server: run through ctest (fixture 'redis_tls')");
  }
  return url;
}
TlsOptions contract_tls() { return test_tls_options(); }
const char *contract_backend() { return "redis"; }
}  // namespace agenthost::test
