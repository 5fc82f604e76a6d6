#include "contract.hpp"
#include "support/test_env.hpp"

namespace agenthost::test {

CacheClient contract_client() {
  CacheOptions options;
  options.url = contract_url();
  options.tls = contract_tls();
  return CacheClient(options);
}

std::string contract_prefix(const std::string &what) {
  return unique_prefix(std::string("contract:") + contract_backend() + ":" + what);
}

}  // namespace agenthost::test
