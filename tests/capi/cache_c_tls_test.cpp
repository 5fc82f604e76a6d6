// The cache C ABI over rediss:// against the shared TLS redis-server (mutual TLS).
#include <catch2/catch.hpp>
#include <string>

#include "capi/c_check.hpp"
#include "capi/cache_c_checks.h"
#include "support/test_env.hpp"

using agenthost::test::why;

TEST_CASE("capi cache: set/get over mutual TLS, refused without a client certificate") {
  const std::string url = agenthost::test::shared_tls_redis_url();
  REQUIRE_FALSE(url.empty());
  const auto tls = agenthost::test::test_tls_options();
  C_CHECK(capi_check_tls_round_trip(
      url.c_str(), tls.ca_file.c_str(), tls.cert_file.c_str(), tls.key_file.c_str(),
      agenthost::test::unique_prefix("capi-tls").c_str(), why, sizeof why));
}
