// Runs the C99 checks of the cache C ABI (cache_c_checks.c) against the shared redis-server.
#include <catch2/catch.hpp>
#include <string>

#include "capi/c_check.hpp"
#include "capi/cache_c_checks.h"
#include "support/test_env.hpp"

namespace {
using agenthost::test::why;
std::string prefix() { return agenthost::test::unique_prefix("capi"); }
std::string url() {
  std::string u = agenthost::test::shared_redis_url();
  REQUIRE_FALSE(u.empty());
  return u;
}
}  // namespace

TEST_CASE("capi cache: open_env reads REDIS_URL (Redis)") {
  C_CHECK(capi_check_open_env(url().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: set/get/del on Redis") {
  C_CHECK(capi_check_set_get_del(url().c_str(), prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: get of an absent key is NOT_FOUND on Redis") {
  C_CHECK(capi_check_not_found(url().c_str(), prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: binary values on Redis") {
  C_CHECK(capi_check_binary_values(url().c_str(), prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: ttl_s expires the key on Redis") {
  C_CHECK(capi_check_ttl(url().c_str(), prefix().c_str(), why, sizeof why));
}
