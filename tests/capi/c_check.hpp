// Running the C99 checks of cache_c_checks.c from Catch2: each check fills `why` on failure.
#pragma once

#include <catch2/catch.hpp>

namespace agenthost::test {
inline char why[512];
}  // namespace agenthost::test

// Runs one C check; on failure its description is the message.
#define C_CHECK(call)             \
  do {                            \
    bool passed = (call);         \
    INFO(::agenthost::test::why); \
    CHECK(passed);                \
  } while (false)
