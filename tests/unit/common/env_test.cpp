#include "common/env.hpp"

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "support/errc_of.hpp"

using agenthost::Errc;
using agenthost::detail::env_ranged_uint;
using agenthost::detail::parse_ranged_uint;

using agenthost::test::code_of;

TEST_CASE("parse_ranged_uint accepts whole numbers inside the range, bounds included", "[env]") {
  CHECK(parse_ranged_uint("X", "5", 5, 200) == 5);
  CHECK(parse_ranged_uint("X", "200", 5, 200) == 200);
  CHECK(parse_ranged_uint("X", "50", 5, 200) == 50);
}

TEST_CASE("parse_ranged_uint rejects out-of-range values naming variable and range", "[env]") {
  std::string msg;
  CHECK(code_of([] { parse_ranged_uint("REDIS_MAX_CONNECTIONS", "500", 5, 200); }, &msg) ==
        Errc::invalid_argument);
  CHECK(msg == "REDIS_MAX_CONNECTIONS=500 is out of range 5..200");
  CHECK(code_of([] { parse_ranged_uint("X", "4", 5, 200); }) == Errc::invalid_argument);
  CHECK(code_of([] { parse_ranged_uint("X", "99999999999999999999999", 5, 200); }, &msg) ==
        Errc::invalid_argument);
  CHECK(msg.find("out of range 5..200") != std::string::npos);
}

TEST_CASE("parse_ranged_uint rejects text that is not a whole number", "[env]") {
  for (const char *bad : {"", "abc", "5s", " 5", "5 ", "-5", "+5", "5.0", "0x10"}) {
    std::string msg;
    INFO("value: '" << bad << "'");
    CHECK(code_of([&] { parse_ranged_uint("REDIS_SOCKET_TIMEOUT", bad, 1, 30); }, &msg) ==
          Errc::invalid_argument);
    CHECK(msg.find("REDIS_SOCKET_TIMEOUT=") == 0);
    CHECK(msg.find("1..30") != std::string::npos);
  }
}

TEST_CASE("env_ranged_uint: unset or empty takes the fallback", "[env]") {
  ::unsetenv("AGENTHOST_TEST_ENV_X");
  CHECK(env_ranged_uint("AGENTHOST_TEST_ENV_X", 7, 1, 10) == 7);
  ::setenv("AGENTHOST_TEST_ENV_X", "", 1);
  CHECK(env_ranged_uint("AGENTHOST_TEST_ENV_X", 7, 1, 10) == 7);
  ::setenv("AGENTHOST_TEST_ENV_X", "3", 1);
  CHECK(env_ranged_uint("AGENTHOST_TEST_ENV_X", 7, 1, 10) == 3);
  ::setenv("AGENTHOST_TEST_ENV_X", "11", 1);
  CHECK(code_of([] { env_ranged_uint("AGENTHOST_TEST_ENV_X", 7, 1, 10); }) ==
        Errc::invalid_argument);
  ::unsetenv("AGENTHOST_TEST_ENV_X");
}
