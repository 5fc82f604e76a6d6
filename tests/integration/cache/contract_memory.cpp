#include "contract.hpp"

namespace agenthost::test {
std::string contract_url() { return "memory://"; }
TlsOptions contract_tls() { return {}; }
const char *contract_backend() { return "memory"; }
}  // namespace agenthost::test
