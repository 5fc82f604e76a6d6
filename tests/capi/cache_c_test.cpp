// Runs the C99 checks of the cache C ABI (cache_c_checks.c) against memory://.
#include <agenthost/version.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "capi/c_check.hpp"
#include "capi/cache_c_checks.h"
#include "support/test_env.hpp"

namespace {
using agenthost::test::why;
std::string prefix() { return agenthost::test::unique_prefix("capi"); }
}  // namespace

TEST_CASE("capi cache: NULL pointer arguments are invalid_argument naming the argument") {
  C_CHECK(capi_check_null_arguments(why, sizeof why));
}

TEST_CASE("capi: every status has its ABI number and name") {
  C_CHECK(capi_check_status_names(why, sizeof why));
}

TEST_CASE("capi: agenthost_version is the library version") {
  C_CHECK(capi_check_version(AGENTHOST_VERSION_STRING, why, sizeof why));
}

TEST_CASE("capi: agenthost_last_error is per thread") {
  C_CHECK(capi_check_last_error_is_per_thread(why, sizeof why));
}

TEST_CASE("capi cache: option struct defaults, struct_size prefixes, validation") {
  C_CHECK(capi_check_options(why, sizeof why));
}

TEST_CASE("capi cache: TLS options are versioned with struct_size and checked at open") {
  C_CHECK(capi_check_tls_options(why, sizeof why));
}

TEST_CASE("capi cache: open_env reads REDIS_URL and validates REDIS_* (memory://)") {
  C_CHECK(capi_check_open_env("memory://", why, sizeof why));
}

TEST_CASE("capi cache: set/get/del on memory://") {
  C_CHECK(capi_check_set_get_del("memory://", prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: get of an absent key is NOT_FOUND on memory://") {
  C_CHECK(capi_check_not_found("memory://", prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: binary values on memory://") {
  C_CHECK(capi_check_binary_values("memory://", prefix().c_str(), why, sizeof why));
}

TEST_CASE("capi cache: ttl_s expires the key on memory://") {
  C_CHECK(capi_check_ttl("memory://", prefix().c_str(), why, sizeof why));
}
