// Listing repairs of stale index entries: never undo a concurrent writer, never UB on a foreign
// score, never fail on a member that is no id. Compiled twice: memory:// and (with
// AGENTHOST_SESSIONS_ON_REDIS) the shared redis-server fixture.
#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "integration/sessions/session_test_cache.hpp"
#include "sessions/session_lister.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace std::chrono_literals;

namespace {

constexpr const char *kOwnerKey = "sk-ant-test-owner-repair";  // a fixture key, not a real one

struct Env : test::OwnerSessionEnv {
  Env() : OwnerSessionEnv("session-repair", kOwnerKey) {}
  std::string all_index() const { return options.index_prefix + "all"; }
};

// Clears the hook however the test ends.
struct HookGuard {
  explicit HookGuard(std::function<void()> f) { detail::before_index_repair_hook = std::move(f); }
  ~HookGuard() { detail::before_index_repair_hook = nullptr; }
};

std::vector<std::string> ids_of(const SessionPage &page) {
  std::vector<std::string> ids;
  for (const auto &s : page.sessions) ids.push_back(s.id);
  return ids;
}

ListQuery active_of_owner() {
  ListQuery q;
  q.owner_api_key = kOwnerKey;
  q.status = SessionStatus::active;
  return q;
}

}  // namespace

// The record turns completed behind the store's back (its index entries untouched), so the
// listing finds a misplaced entry; before the repair runs, the store makes it active again. The
// repair must see the record as it is now and leave the (valid again) active entry in place.
TEST_CASE("index repair: an update between the listing's read and its repair is not undone") {
  Env env;
  const Session s = env.create();
  std::string completed = env.cache.get(env.options.key_prefix + s.id).value();
  const auto at = completed.find("\"status\":\"active\"");
  REQUIRE(at != std::string::npos);
  completed.replace(at, 17, "\"status\":\"completed\"");
  env.cache.set(env.options.key_prefix + s.id, completed, 3600s);
  int calls = 0;
  {
    HookGuard hook([&] {
      ++calls;
      SessionPatch back;
      back.status = SessionStatus::active;
      env.store.update(s.id, back);
    });
    const SessionPage first = env.store.list(active_of_owner());
    CHECK(calls == 1);
    CHECK(ids_of(first) == std::vector<std::string>{s.id});
  }
  const SessionPage again = env.store.list(active_of_owner());
  CHECK(ids_of(again) == std::vector<std::string>{s.id});
  CHECK(again.total == 1);
}

// A ghost (record deleted behind the store's back) whose id is created again before the repair:
// the new session's entries stay.
TEST_CASE("index repair: a create re-using a ghost's id before the repair keeps its entries") {
  Env env;
  const Session s = env.create();
  env.cache.del(env.options.key_prefix + s.id);
  {
    HookGuard hook([&] {
      CreateRequest r;
      r.id = s.id;
      r.model = "m2";
      r.owner_api_key = std::string(kOwnerKey);
      env.store.create(r);
    });
    env.store.list(active_of_owner());
  }
  const SessionPage page = env.store.list(active_of_owner());
  REQUIRE(ids_of(page) == std::vector<std::string>{s.id});
  CHECK(page.sessions[0].model == "m2");
}

TEST_CASE("index repair: a ghost without a concurrent writer is still removed") {
  Env env;
  const Session kept = env.create();
  const Session gone = env.create();
  env.cache.del(env.options.key_prefix + gone.id);
  CHECK(ids_of(env.store.list(active_of_owner())) == std::vector<std::string>{kept.id});
  CHECK(env.store.list(active_of_owner()).total == 1);
}

// Scores a foreign writer may put in an index: none may be converted (UB); the entries are
// counted, a ghost's entry is dropped and a live session's score is rewritten from its record.
TEST_CASE("index repair: non-finite and huge scores are skipped and counted, never converted") {
  Env env;
  const Session live = env.create();
  const double inf = std::numeric_limits<double>::infinity();
  env.cache.zadd(env.all_index(), {{"ghost-inf", inf},
                                   {"ghost-ninf", -inf},
                                   {"ghost-huge", 1e300},
                                   {"ghost-big", 1e17},
                                   {live.id, inf}});
  ListQuery all;
  all.page_size = 1;  // the last member's score is read for the cursor
  const SessionPage first = env.store.list(all);
  CHECK(first.total <= 5);
  ListQuery everything;
  everything.page_size = 100;
  const SessionPage page = env.store.list(everything);
  CHECK(ids_of(page) == std::vector<std::string>{live.id});
  CHECK(page.skipped_corrupt == 0);
  CHECK(page.total == 1);
  CHECK(env.store.list(all).next_cursor == std::nullopt);
}

// Members that are no session id (not UTF-8, empty, huge) are skipped, counted and removed.
TEST_CASE("index repair: members that are no id are skipped, counted and removed") {
  Env env;
  const Session live = env.create();
  const double score = 1.0;
  env.cache.zadd(env.all_index(), {{std::string("bad-\xff\xfe", 6), score},
                                   {std::string(), score},
                                   {std::string(5000, 'x'), score}});
  ListQuery everything;
  everything.page_size = 100;
  SessionPage page;
  REQUIRE_NOTHROW(page = env.store.list(everything));
  CHECK(ids_of(page) == std::vector<std::string>{live.id});
  CHECK(env.cache.zcard(env.all_index()) == 1);
  CHECK(env.store.list(everything).total == 1);
}
