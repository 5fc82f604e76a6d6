// The C ABI's exception guard and error helpers never let an exception (bad_alloc included)
// cross the C boundary: allocations are made to fail on demand by replacing operator new.
#include "guard.hpp"

#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>
#include <string>

#include "support/failing_new.hpp"

namespace {
using agenthost::test::FailAllocations;

const char *const kFunction = "agenthost_cache_client_open_with_a_long_name";
}  // namespace

using namespace agenthost;
using namespace agenthost::capi;

TEST_CASE("capi: null_argument names the function and the argument", "[capi][guard]") {
  CHECK(null_argument(kFunction, "key") == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()) == std::string(kFunction) + ": key is NULL");
}

TEST_CASE("capi: null_argument out of memory still returns its status", "[capi][guard]") {
  agenthost_status status = AGENTHOST_OK;
  {
    FailAllocations oom;
    status = null_argument(kFunction, "key");
  }
  CHECK(status == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()) == "out of memory");
}

TEST_CASE("capi: guard maps exceptions to statuses and messages", "[capi][guard]") {
  CHECK(guard(kFunction, [] { throw Error(Errc::timeout, "slow"); }) == AGENTHOST_TIMEOUT);
  CHECK(std::string(agenthost_last_error()) == std::string(kFunction) + ": slow");
  CHECK(guard(kFunction, [] { throw std::runtime_error("boom"); }) == AGENTHOST_INTERNAL);
  CHECK(std::string(agenthost_last_error()) == std::string(kFunction) + ": internal error: boom");
  CHECK(guard(kFunction, [] { throw 42; }) == AGENTHOST_INTERNAL);
  CHECK(std::string(agenthost_last_error()) == std::string(kFunction) + ": internal error");
  CHECK(guard(kFunction, [] {}) == AGENTHOST_OK);
  CHECK(std::string(agenthost_last_error()).empty());
}

TEST_CASE("capi: guard keeps its status when the message cannot be allocated", "[capi][guard]") {
  const Error timeout(Errc::timeout, "a message long enough to need the heap when copied");
  const std::runtime_error internal("another message long enough to need the heap");
  agenthost_status statuses[3] = {};
  {
    FailAllocations oom;
    statuses[0] = guard(kFunction, [&] { throw timeout; });
    statuses[1] = guard(kFunction, [&] { throw internal; });
    statuses[2] = guard(kFunction, [] { throw std::bad_alloc(); });
  }
  CHECK(statuses[0] == AGENTHOST_TIMEOUT);
  CHECK(statuses[1] == AGENTHOST_INTERNAL);
  CHECK(statuses[2] == AGENTHOST_INTERNAL);
  CHECK(std::string(agenthost_last_error()) == "out of memory");
}
