// An allocation that fails while a pipeline's replies are being read must not leave the
// connection out of step (its unread replies would answer the next caller). operator new is
// replaced in this executable so that one allocation of a chosen size fails on demand.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <string>

#include "integration/cache/redis_backend_helpers.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;

namespace {
// The size of the next allocation to fail on this thread; 0 = none.
thread_local std::size_t t_fail_size = 0;
}  // namespace

void *operator new(std::size_t n) {
  if (t_fail_size != 0 && n == t_fail_size) {
    t_fail_size = 0;
    throw std::bad_alloc();
  }
  if (void *p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
// The other forms go through the two above, as the standard's defaults do (AddressSanitizer's
// own defaults would not).
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  try {
    return ::operator new(n);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}
void *operator new[](std::size_t n) { return ::operator new(n); }
void *operator new[](std::size_t n, const std::nothrow_t &t) noexcept {
  return ::operator new(n, t);
}
void operator delete[](void *p) noexcept { ::operator delete(p); }
void operator delete[](void *p, std::size_t) noexcept { ::operator delete(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }

TEST_CASE("an allocation failure while replies are read leaves no stale reply for the next call",
          "[redis]") {
  const std::string url = shared_redis_url();
  REQUIRE(!url.empty());
  auto o = fast_options(url);
  o.max_connections = 1;  // the next call gets the same connection unless it was discarded
  CacheClient c(o);
  const std::string p = unique_prefix("alloc-failure");
  c.set(p + "mine", "mine");
  c.set(p + "other", "stale");

  constexpr std::size_t kCommands = 37;  // an unusual count, so its reply vector is one size
  Batch batch;
  for (std::size_t i = 0; i < kCommands; ++i) batch.add({"GET", p + "other"});
  t_fail_size = kCommands * sizeof(Reply);  // the vector the replies are read into
  CHECK_THROWS_AS(c.execute(batch), std::bad_alloc);
  const bool failure_was_met = t_fail_size == 0;
  t_fail_size = 0;
  REQUIRE(failure_was_met);

  // A connection still holding the 37 "stale" replies would answer this GET with one of them.
  CHECK(c.get(p + "mine") == std::optional<std::string>("mine"));
  CHECK(c.get(p + "other") == std::optional<std::string>("stale"));
  CHECK(c.del(std::vector<std::string>{p + "mine", p + "other"}) == 2);
}
