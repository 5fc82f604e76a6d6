// An allocation that fails while a pipeline's replies are being read must not leave the
// connection out of step (its unread replies would answer the next caller). One allocation of
// a chosen size is made to fail (support/failing_new.cpp replaces operator new here).
#include <catch2/catch.hpp>
#include <new>
#include <string>

#include "integration/cache/redis_backend_helpers.hpp"
#include "support/failing_new.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;

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
  fail_next_allocation_of(kCommands * sizeof(Reply));  // the vector the replies are read into
  CHECK_THROWS_AS(c.execute(batch), std::bad_alloc);
  const bool failure_was_met = !allocation_failure_pending();
  fail_next_allocation_of(0);
  REQUIRE(failure_was_met);

  // A connection still holding the 37 "stale" replies would answer this GET with one of them.
  CHECK(c.get(p + "mine") == std::optional<std::string>("mine"));
  CHECK(c.get(p + "other") == std::optional<std::string>("stale"));
  CHECK(c.del(std::vector<std::string>{p + "mine", p + "other"}) == 2);
}
