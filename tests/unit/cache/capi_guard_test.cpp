// The C ABI's exception guard and error helpers never let an exception (bad_alloc included)
// cross the C boundary: allocations are made to fail on demand by replacing operator new.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

#include "guard.hpp"

namespace {
thread_local bool t_fail_allocations = false;

// Makes every operator new on this thread throw bad_alloc while it lives.
struct FailAllocations {
  FailAllocations() { t_fail_allocations = true; }
  ~FailAllocations() { t_fail_allocations = false; }
  FailAllocations(const FailAllocations &) = delete;
  FailAllocations &operator=(const FailAllocations &) = delete;
};

const char *const kFunction = "agenthost_cache_client_open_with_a_long_name";
}  // namespace

void *operator new(std::size_t n) {
  if (t_fail_allocations) throw std::bad_alloc();
  if (void *p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
// The other forms go through the two above, as the standard's defaults do. AddressSanitizer's
// own defaults for them would not, and it reports its nothrow new freed by our delete.
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  try {
    return ::operator new(n);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}
void *operator new[](std::size_t n) { return ::operator new(n); }
void *operator new[](std::size_t n, const std::nothrow_t &tag) noexcept {
  return ::operator new(n, tag);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }
void operator delete[](void *p) noexcept { ::operator delete(p); }
void operator delete[](void *p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }

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
