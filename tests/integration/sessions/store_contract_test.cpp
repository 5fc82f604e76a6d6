// The SessionStore contract. Compiled from this one source against memory://, (with
// AGENTHOST_SESSIONS_ON_REDIS) against the shared redis-server fixture, and (with
// AGENTHOST_SESSIONS_DURABLE as well) with the durable tier on the shared PostgreSQL. Cases that
// write Redis behind the store's back (Python records, ghosts, corrupt records, reindex from
// records) are Redis-only: with the durable tier PostgreSQL is the truth, and
// durable_sessions_test.cpp covers what they become there.
#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <thread>
#include <utility>

#include "integration/sessions/session_test_cache.hpp"
#include "support/errc_of.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using agenthost::test::code_of;

namespace {

CacheClient make_cache() { return test::make_session_test_cache(); }

constexpr const char *kOwnerKey = "sk-ant-test-owner-1";  // a fixture key, not a real one
constexpr const char *kOwnerHash =
    "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146";

struct Env {
  std::string prefix = test::unique_prefix("sessions");
  CacheClient cache = make_cache();
  SessionStoreOptions options = test::prefixed_store_options(prefix);
  SessionStore store{cache, options};

  std::string record_key(const std::string &id) const { return options.key_prefix + id; }
  std::string all_index() const { return options.index_prefix + "all"; }
  std::string owner_index(const std::string &hash = kOwnerHash) const {
    return options.index_prefix + "by_owner:" + hash;
  }
  std::string status_index(const char *status) const {
    return options.index_prefix + "all:status:" + status;
  }
  std::size_t record_count() { return cache.scan(options.key_prefix + "*").size(); }

  Session create(const std::string &model = "claude-sonnet-4",
                 std::optional<std::string> owner = std::string(kOwnerKey)) {
    CreateRequest r;
    r.model = model;
    r.owner_api_key = std::move(owner);
    return store.create(r);
  }
};

std::vector<std::string> ids_of(const SessionPage &page) {
  std::vector<std::string> ids;
  for (const auto &s : page.sessions) ids.push_back(s.id);
  return ids;
}

// The ids of every page of `query`, following next_cursor (bounded).
std::vector<std::string> walk(SessionStore &store, ListQuery query) {
  std::vector<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    const SessionPage page = store.list(query);
    for (const auto &s : page.sessions) all.push_back(s.id);
    if (!page.next_cursor) return all;
    query.cursor = page.next_cursor;
  }
  FAIL("cursor walk did not end");
  return all;
}

// The Python service's records, byte for byte as its json.dumps wrote them.
const char *kPyOld =
    R"({"id": "py-old-1", "model": "claude-3-5-sonnet-20241022", "status": "active", "created_at": "2026-01-09T17:00:00.123456", "updated_at": "2026-01-09T17:00:00.123456", "total_turns": 3, "total_cost_usd": 0.0123, "parent_session_id": null, "owner_api_key": "sk-ant-test-owner-1"})";
const char *kPyNew =
    R"({"id": "py-new-1", "model": "claude-sonnet-4", "status": "completed", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:05.123456+00:00", "total_turns": "7", "total_cost_usd": null, "parent_session_id": "py-old-1", "owner_api_key_hash": "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146", "session_metadata": {"project": "caf\u00e9", "tags": ["a", "b"], "n": 1}})";
const char *kPyZ =
    R"({"id": "py-z", "model": "m", "status": "weird", "created_at": "2026-01-09T17:00:01Z", "updated_at": "2026-01-09T19:00:02+02:00", "total_turns": 0, "total_cost_usd": "1.5", "parent_session_id": null, "owner_api_key_hash": null, "session_metadata": null, "extra_field": [1, 2]})";

[[maybe_unused]] void write_python_fixtures(Env &env) {
  env.cache.set(env.record_key("py-old-1"), kPyOld, 3600s);
  env.cache.set(env.record_key("py-new-1"), kPyNew, 3600s);
  env.cache.set(env.record_key("py-z"), kPyZ, 3600s);
}

}  // namespace

TEST_CASE("create then get returns the session - the record has the stored format and a TTL") {
  Env env;
  CreateRequest r;
  r.model = "claude-sonnet-4";
  r.owner_api_key = kOwnerKey;
  r.parent_session_id = "parent-1";
  r.metadata_json = R"({ "project": "x", "n": [1, 2] })";
  const Session s = env.store.create(r);
  CHECK(s.id.size() == 36);
  CHECK(s.status == SessionStatus::active);
  CHECK(s.total_turns == 0);
  CHECK(s.owner == std::optional<std::string>(kOwnerHash));
#ifdef AGENTHOST_SESSIONS_DURABLE
  // PostgreSQL's JSONB orders an object's keys (shorter first).
  CHECK(s.metadata_json == std::optional<std::string>(R"({"n":[1,2],"project":"x"})"));
#else
  CHECK(s.metadata_json == std::optional<std::string>(R"({"project":"x","n":[1,2]})"));
#endif
  CHECK(s.created_at == s.updated_at);

  const auto got = env.store.get(s.id);
  REQUIRE(got);
  CHECK(got->model == "claude-sonnet-4");
  CHECK(got->created_at == s.created_at);
  CHECK(got->parent_session_id == std::optional<std::string>("parent-1"));

  const auto raw = env.cache.get(env.record_key(s.id));
  REQUIRE(raw);
  for (const char *field :
       {"\"id\":", "\"model\":", "\"status\":", "\"created_at\":", "\"updated_at\":",
        "\"total_turns\":", "\"total_cost_usd\":", "\"parent_session_id\":",
        "\"owner_api_key_hash\":", "\"session_metadata\":"}) {
    CHECK(raw->find(field) != std::string::npos);
  }
  CHECK(raw->find(kOwnerKey) == std::string::npos);  // the plaintext key is never stored
  CHECK(raw->find("+00:00\"") != std::string::npos);
  const auto ttl = env.cache.ttl(env.record_key(s.id));
  REQUIRE(ttl);
  CHECK(*ttl > 3500s);
  CHECK(*ttl <= 3600s);
  CHECK(env.cache.zcard(env.all_index()) == 1);
  CHECK(env.cache.zcard(env.owner_index()) == 1);
  CHECK(env.cache.zcard(env.status_index("active")) == 1);
}

TEST_CASE("create with an id in use is conflict and leaves the record alone") {
  Env env;
  CreateRequest r;
  r.model = "first";
  r.id = "fixed-id";
  env.store.create(r);
  r.model = "second";
  CHECK(code_of([&] { env.store.create(r); }) == Errc::conflict);
  CHECK(env.store.get("fixed-id")->model == "first");
  CHECK(env.cache.zcard(env.all_index()) == 1);
}

TEST_CASE("bad create input is invalid_argument and writes nothing") {
  Env env;
  // A valid request, each time with one field made bad.
  const std::pair<const char *, std::function<void(CreateRequest &)>> bad_fields[] = {
      {"no model", [](CreateRequest &r) { r.model.clear(); }},
      {"empty id", [](CreateRequest &r) { r.id = ""; }},
      {"id with a space", [](CreateRequest &r) { r.id = "a b"; }},
      {"model not UTF-8", [](CreateRequest &r) { r.model = "m\xff"; }},
      {"empty owner key", [](CreateRequest &r) { r.owner_api_key = ""; }},
      {"array metadata", [](CreateRequest &r) { r.metadata_json = "[1]"; }},
      {"metadata with a key given twice",
       [](CreateRequest &r) { r.metadata_json = R"({"a":{"b":1,"b":2}})"; }},
      {"1 MiB metadata",
       [](CreateRequest &r) {
         r.metadata_json = "{\"blob\":\"" + std::string(1 << 20, 'x') + "\"}";
       }},
  };
  for (const auto &[what, make_bad] : bad_fields) {
    INFO(what);
    CreateRequest r;
    r.model = "m";
    make_bad(r);
    CHECK(code_of([&] { env.store.create(r); }) == Errc::invalid_argument);
  }
  CHECK(env.record_count() == 0);
  CHECK(env.cache.zcard(env.all_index()) == 0);
}

TEST_CASE("ownership: a foreign session reads exactly like an absent one") {
  Env env;
  const Session mine = env.create();
  const std::optional<std::string> other = std::string("sk-someone-else");
  CHECK(env.store.get(mine.id, std::string(kOwnerKey)));
  CHECK(env.store.get(mine.id));  // admin view
  CHECK_FALSE(env.store.get(mine.id, other));

  std::string foreign_msg, absent_msg;
  SessionPatch patch;
  patch.increment_turns = true;
  CHECK(code_of([&] { env.store.update(mine.id, patch, other); }, &foreign_msg) == Errc::not_found);
  CHECK(code_of([&] { env.store.update("no-such-id", patch, other); }, &absent_msg) ==
        Errc::not_found);
  CHECK(foreign_msg == SessionStore::not_found_message(mine.id));
  CHECK(absent_msg == SessionStore::not_found_message("no-such-id"));
  CHECK_FALSE(env.store.remove(mine.id, other));
  CHECK(env.store.get(mine.id)->total_turns == 0);

  const Session unowned = env.create("m", std::nullopt);
  CHECK_FALSE(env.store.get(unowned.id, std::string(kOwnerKey)));
  CHECK(env.store.get(unowned.id));
}

TEST_CASE("update is partial / refreshes updated_at and the TTL / and moves status indexes") {
  Env env;
  const Session s = env.create();
  env.cache.expire(env.record_key(s.id), 120s);
  std::this_thread::sleep_for(2ms);
  SessionPatch p;
  p.status = SessionStatus::completed;
  p.total_cost_usd = 0.5;
  p.metadata_json = R"({"k": "v"})";
  const Session u = env.store.update(s.id, p, std::string(kOwnerKey));
  CHECK(u.status == SessionStatus::completed);
  CHECK(u.total_cost_usd == 0.5);
  CHECK(u.metadata_json == std::optional<std::string>(R"({"k":"v"})"));
  CHECK(u.model == s.model);
  CHECK(u.created_at == s.created_at);
  CHECK(u.updated_at > s.updated_at);
  CHECK(*env.cache.ttl(env.record_key(s.id)) > 3500s);
  CHECK(env.cache.zcard(env.status_index("active")) == 0);
  CHECK(env.cache.zcard(env.status_index("completed")) == 1);
  CHECK(env.cache.zcard(env.owner_index() + ":status:completed") == 1);
  CHECK(env.cache.zcard(env.owner_index() + ":status:active") == 0);

  SessionPatch turns;
  turns.total_turns = 9;
  CHECK(env.store.update(s.id, turns).total_turns == 9);
  const auto back = env.store.get(s.id);
  CHECK(back->total_turns == 9);
  CHECK(back->status == SessionStatus::completed);
  CHECK(back->total_cost_usd == 0.5);
}

TEST_CASE("bad updates are invalid_argument and change nothing") {
  Env env;
  const Session s = env.create();
  SessionPatch both;
  both.total_turns = 3;
  both.increment_turns = true;
  CHECK(code_of([&] { env.store.update(s.id, both); }) == Errc::invalid_argument);
  SessionPatch negative;
  negative.total_turns = -1;
  CHECK(code_of([&] { env.store.update(s.id, negative); }) == Errc::invalid_argument);
  SessionPatch huge;
  huge.metadata_json = "{\"blob\":\"" + std::string(1 << 20, 'x') + "\"}";
  CHECK(code_of([&] { env.store.update(s.id, huge); }) == Errc::invalid_argument);
  SessionPatch twice;
  twice.metadata_json = R"({"title":"a","title":"b"})";
  std::string message;
  CHECK(code_of([&] { env.store.update(s.id, twice); }, &message) == Errc::invalid_argument);
  CHECK(message == R"(metadata: the key "title" appears twice)");
  CHECK(code_of([&] { env.store.update("", SessionPatch{}); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.get(""); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.update("missing", SessionPatch{}); }) == Errc::not_found);
  const auto back = env.store.get(s.id);
  CHECK(back->total_turns == 0);
  CHECK(back->updated_at == s.updated_at);
  CHECK_FALSE(back->metadata_json);
}

TEST_CASE("delete removes the record and every index entry together") {
  Env env;
  const Session s = env.create();
  SessionPatch p;
  p.status = SessionStatus::error;
  env.store.update(s.id, p);
  CHECK(env.store.remove(s.id, std::string(kOwnerKey)));
  CHECK_FALSE(env.store.get(s.id));
  CHECK_FALSE(env.store.remove(s.id));
  CHECK(env.cache.zcard(env.all_index()) == 0);
  CHECK(env.cache.zcard(env.owner_index()) == 0);
  CHECK(env.cache.zcard(env.status_index("error")) == 0);
  CHECK(env.cache.zcard(env.owner_index() + ":status:error") == 0);
}

TEST_CASE("list: newest first / by owner / total / pages past the end / status filter") {
  Env env;
  std::vector<std::string> mine;
  for (int i = 0; i < 25; ++i) {
    mine.push_back(env.create("m" + std::to_string(i)).id);
    std::this_thread::sleep_for(2ms);  // distinct created_at (ms) so the order is known
  }
  for (int i = 0; i < 5; ++i) env.create("other", std::string("sk-other"));
  const std::vector<std::string> newest_first(mine.rbegin(), mine.rend());

  ListQuery q;
  q.owner_api_key = kOwnerKey;
  q.page_size = 10;
  const SessionPage p1 = env.store.list(q);
  CHECK(p1.total == 25);
  CHECK(ids_of(p1) == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 10));
  CHECK(p1.next_cursor);
  q.page = 3;
  const SessionPage p3 = env.store.list(q);
  CHECK(ids_of(p3) == std::vector<std::string>(newest_first.begin() + 20, newest_first.end()));
  CHECK_FALSE(p3.next_cursor);
  q.page = 4;
  const SessionPage p4 = env.store.list(q);
  CHECK(p4.sessions.empty());
  CHECK(p4.total == 25);
  CHECK_FALSE(p4.next_cursor);

  ListQuery cursor_walk;
  cursor_walk.owner_api_key = kOwnerKey;
  cursor_walk.page_size = 7;
  CHECK(walk(env.store, cursor_walk) == newest_first);

  ListQuery admin;
  admin.page_size = 100;
  CHECK(env.store.list(admin).total == 30);

  SessionPatch done;
  done.status = SessionStatus::completed;
  env.store.update(mine[3], done);
  env.store.update(mine[5], done);
  ListQuery completed;
  completed.owner_api_key = kOwnerKey;
  completed.status = SessionStatus::completed;
  const SessionPage c = env.store.list(completed);
  CHECK(c.total == 2);
  CHECK(ids_of(c) == std::vector<std::string>{mine[5], mine[3]});
  completed.status = SessionStatus::active;
  CHECK(env.store.list(completed).total == 23);
}

TEST_CASE("list: page_size 0 or 101 / page 0 and tampered cursors are invalid_argument") {
  Env env;
  env.create();
  ListQuery q;
  q.page_size = 0;
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
  q.page_size = 101;
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
  q.page_size = 100;
  q.page = 0;
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
  q.page = 1;
  q.cursor = "not a cursor!";
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
  q.cursor = "YzF8eHx5";  // base64url of "c1|x|y": well-formed base64, bad content
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
  q.cursor.reset();
  q.owner_api_key = "";
  CHECK(code_of([&] { env.store.list(q); }) == Errc::invalid_argument);
}

TEST_CASE("list: cursor pages neither skip nor repeat while sessions are being created") {
  Env env;
  std::set<std::string> before;
  for (int i = 0; i < 60; ++i) before.insert(env.create().id);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 60 && !stop; ++i) {
      env.create();
      std::this_thread::sleep_for(1ms);
    }
  });
  ListQuery q;
  q.owner_api_key = kOwnerKey;
  q.page_size = 7;
  std::vector<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const SessionPage page = env.store.list(q);
    for (const auto &s : page.sessions) seen.push_back(s.id);
    if (!page.next_cursor) break;
    q.cursor = page.next_cursor;
    std::this_thread::sleep_for(1ms);
  }
  stop = true;
  writer.join();
  const std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());                         // no session twice
  for (const auto &id : before) CHECK(unique.count(id) == 1);  // none created before skipped
}

#ifndef AGENTHOST_SESSIONS_DURABLE
TEST_CASE("list: sessions sharing one created_at page by id without skips (reindexed)") {
  Env env;
  constexpr int kCount = 300;  // more ties than one tie batch
  std::set<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    const std::string id = "tie-" + std::to_string(1000 + i);
    ids.insert(id);
    env.cache.set(
        env.record_key(id),
        R"({"id": ")" + id +
            R"(", "model": "m", "status": "active", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:00.123456+00:00", "total_turns": 0, "total_cost_usd": null, "parent_session_id": null, "owner_api_key_hash": ")" +
            kOwnerHash + R"(", "session_metadata": null})",
        3600s);
  }
  CHECK(env.store.reindex() == kCount);
  for (std::uint32_t size : {7u, 100u}) {
    ListQuery q;
    q.owner_api_key = kOwnerKey;
    q.page_size = size;
    const auto walked = walk(env.store, q);
    CHECK(walked.size() == kCount);
    CHECK(std::set<std::string>(walked.begin(), walked.end()) == ids);
    CHECK(std::is_sorted(walked.rbegin(), walked.rend()));  // ties: descending id
  }
}

TEST_CASE("ghosts: records deleted behind the store's back never appear and leave the index") {
  Env env;
  std::vector<std::string> ids;
  for (int i = 0; i < 15; ++i) {
    ids.push_back(env.create().id);
    std::this_thread::sleep_for(2ms);
  }
  // Delete 5 of the 10 newest directly: the first page must be refilled from older sessions.
  for (int i = 14; i >= 5; i -= 2) env.cache.del(env.record_key(ids[i]));
  ListQuery q;
  q.owner_api_key = kOwnerKey;
  q.page_size = 10;
  const SessionPage page = env.store.list(q);
  CHECK(page.sessions.size() == 10);
  for (const auto &s : page.sessions) CHECK(env.cache.exists(env.record_key(s.id)));
  CHECK(page.total == 10);
  CHECK(env.cache.zcard(env.owner_index()) == 10);
  CHECK(env.cache.zcard(env.all_index()) == 10);
  CHECK(env.cache.zcard(env.status_index("active")) == 10);
  CHECK(env.cache.zcard(env.owner_index() + ":status:active") == 10);
}

TEST_CASE("ghosts: expired records never appear and one admin listing drops them") {
  Env env;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(env.create().id);
  for (int i = 0; i < 3; ++i) env.cache.expire(env.record_key(ids[i]), 30ms);
  for (int i = 0; i < 200 && env.cache.exists(env.record_key(ids[0])); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ListQuery admin;
  const SessionPage page = env.store.list(admin);
  CHECK(page.sessions.size() == 3);
  CHECK(page.total == 3);
  CHECK(env.cache.zcard(env.all_index()) == 3);
}

TEST_CASE("corrupt records are counted and skipped in listings / corrupt on get") {
  Env env;
  const Session good = env.create();
  const Session bad = env.create();
  env.cache.set(env.record_key(bad.id), "{\"model\": \"m\", \"total_turns\": \"x\"", 3600s);
  ListQuery q;
  q.owner_api_key = kOwnerKey;
  const SessionPage page = env.store.list(q);
  CHECK(ids_of(page) == std::vector<std::string>{good.id});
  CHECK(page.skipped_corrupt == 1);
  CHECK(page.corrupt_ids == std::vector<std::string>{bad.id});
  CHECK(code_of([&] { env.store.get(bad.id); }) == Errc::corrupt);
  CHECK_FALSE(env.store.get(bad.id, std::string(kOwnerKey)));  // cannot prove ownership
  CHECK(env.store.remove(bad.id));                             // the admin may clean it up
  CHECK(env.store.list(q).skipped_corrupt == 0);
}

TEST_CASE("compatibility: the Python service's records are read / reindexed / listed / updated") {
  Env env;
  write_python_fixtures(env);
  env.cache.set(env.record_key("not-json"), "garbage", 3600s);
  env.cache.sadd(env.record_key("py-old-1") + ":tags", {"x"});  // another type under session:*

  const auto old_one = env.store.get("py-old-1", std::string(kOwnerKey));
  REQUIRE(old_one);
  CHECK(old_one->total_turns == 3);
  CHECK(old_one->total_cost_usd == 0.0123);
  const auto z = env.store.get("py-z");
  REQUIRE(z);
  CHECK(z->status == SessionStatus::active);
  CHECK(z->total_cost_usd == 1.5);
  // "17:00:01Z" and "19:00:02+02:00" are UTC instants 17:00:01 and 17:00:02.
  CHECK(z->created_at == SessionTime(std::chrono::seconds(1767978001)));
  CHECK(z->updated_at == SessionTime(std::chrono::seconds(1767978002)));

  CHECK(env.store.reindex() == 3);
  CHECK(env.store.reindex() == 3);  // idempotent
  CHECK(env.cache.zcard(env.all_index()) == 3);

  ListQuery q;
  q.owner_api_key = kOwnerKey;
  const SessionPage mine = env.store.list(q);
  CHECK(mine.total == 2);
  // Same created_at: ties come in descending id order.
  CHECK(ids_of(mine) == std::vector<std::string>{"py-old-1", "py-new-1"});
  CHECK(mine.sessions[1].metadata_json ==
        std::optional<std::string>("{\"project\":\"caf\xc3\xa9\",\"tags\":[\"a\",\"b\"],\"n\":1}"));
  ListQuery admin;
  CHECK(ids_of(env.store.list(admin)) == std::vector<std::string>{"py-z", "py-old-1", "py-new-1"});

  SessionPatch inc;
  inc.increment_turns = true;
  const Session updated = env.store.update("py-old-1", inc, std::string(kOwnerKey));
  CHECK(updated.total_turns == 4);
  const auto raw = env.cache.get(env.record_key("py-old-1"));
  CHECK(raw->find("sk-ant-test-owner-1") == std::string::npos);  // migrated to the hash
  CHECK(raw->find(kOwnerHash) != std::string::npos);
  CHECK(raw->find("\"created_at\":\"2026-01-09T17:00:00.123456+00:00\"") != std::string::npos);
}

TEST_CASE("compatibility: a status changed by the Python service is corrected in the index") {
  Env env;
  write_python_fixtures(env);
  REQUIRE(env.store.reindex() == 3);
  std::string changed = kPyZ;
  changed.replace(changed.find("\"weird\""), 7, "\"completed\"");
  env.cache.set(env.record_key("py-z"), changed, 3600s);
  ListQuery active;
  active.status = SessionStatus::active;
  CHECK(ids_of(env.store.list(active)) == std::vector<std::string>{"py-old-1"});
  ListQuery completed;
  completed.status = SessionStatus::completed;
  const SessionPage c = env.store.list(completed);
  CHECK(ids_of(c) == std::vector<std::string>{"py-z", "py-new-1"});
  CHECK(c.total == 2);
}

#endif  // AGENTHOST_SESSIONS_DURABLE

TEST_CASE("concurrency: 8 threads x 100 increments end at exactly 800 turns") {
  Env env;
  const Session s = env.create();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      SessionPatch inc;
      inc.increment_turns = true;
      for (int i = 0; i < 100; ++i) {
        try {
          env.store.update(s.id, inc, std::string(kOwnerKey));
        } catch (const Error &) {
          ++failures;
        }
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  CHECK(env.store.get(s.id)->total_turns == 800);
}

TEST_CASE("options: from_env reads REDIS_SESSION_TTL strictly and validate rejects bad prefixes") {
  ::setenv("REDIS_SESSION_TTL", "59", 1);
  CHECK(code_of([] { SessionStoreOptions::from_env(); }) == Errc::invalid_argument);
  ::setenv("REDIS_SESSION_TTL", "120", 1);
  CHECK(SessionStoreOptions::from_env().ttl == 120s);
  ::unsetenv("REDIS_SESSION_TTL");
  CHECK(SessionStoreOptions::from_env().ttl == 3600s);
  SessionStoreOptions bad;
  bad.index_prefix = "session:idx:";
  CHECK(code_of([&] { bad.validate(); }) == Errc::invalid_argument);
  bad = SessionStoreOptions{};
  bad.ttl = 86401s;
  CHECK(code_of([&] { bad.validate(); }) == Errc::invalid_argument);
}

namespace {

// Every id listed by `query`, following next_cursor.
[[maybe_unused]] std::set<std::string> listed(SessionStore &store, ListQuery query) {
  query.page_size = 100;
  const auto ids = walk(store, query);
  return std::set<std::string>(ids.begin(), ids.end());
}

}  // namespace

#ifndef AGENTHOST_SESSIONS_DURABLE
TEST_CASE("reindex racing status updates never removes a session from its status index") {
  Env env;
  constexpr int kSessions = 200;
  constexpr int kRounds = 12;
  std::set<std::string> ids;
  for (int i = 0; i < kSessions; ++i) ids.insert(env.create().id);
  const SessionStatus cycle[] = {SessionStatus::completed, SessionStatus::error,
                                 SessionStatus::active};
  for (int round = 0; round < kRounds; ++round) {
    const SessionStatus status = cycle[round % 3];
    std::atomic<bool> toggled{false};
    std::atomic<int> failures{0};
    std::thread toggler([&] {
      SessionPatch p;
      p.status = status;
      for (const auto &id : ids) {
        try {
          env.store.update(id, p);
        } catch (const Error &) {
          ++failures;
        }
      }
      toggled = true;
    });
    // Reindex over and over while the statuses change under it (bounded: the toggler ends).
    for (int i = 0; i < 100000 && !toggled; ++i) env.store.reindex();
    toggler.join();
    INFO("round " << round << ", status " << session_status_name(status));
    REQUIRE(failures == 0);
    ListQuery admin;
    admin.status = status;
    CHECK(listed(env.store, admin) == ids);
    ListQuery mine = admin;
    mine.owner_api_key = kOwnerKey;
    CHECK(listed(env.store, mine) == ids);
  }
}

TEST_CASE("reindex racing deletes leaves no ghost in listings") {
  Env env;
  std::vector<std::string> doomed;
  std::set<std::string> kept;
  for (int i = 0; i < 100; ++i) {
    const std::string id = env.create().id;
    if (i % 2 == 0)
      doomed.push_back(id);
    else
      kept.insert(id);
  }
  std::atomic<bool> deleted{false};
  std::thread deleter([&] {
    for (const auto &id : doomed) {
      try {
        env.store.remove(id);
      } catch (const Error &) {
      }
    }
    deleted = true;
  });
  for (int i = 0; i < 100000 && !deleted; ++i) env.store.reindex();
  deleter.join();
  for (const auto &id : doomed) CHECK_FALSE(env.store.get(id));
  ListQuery mine;
  mine.owner_api_key = kOwnerKey;
  CHECK(listed(env.store, mine) == kept);
  CHECK(env.store.list(mine).total == kept.size());  // the listing dropped every ghost it met
}

namespace {

// A Python-service record of `id` whose total_turns and total_cost_usd are the given JSON text.
std::string py_record(const std::string &id, const std::string &turns, const std::string &cost) {
  return R"({"id": ")" + id +
         R"(", "model": "m", "status": "active", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:00.123456+00:00", "total_turns": )" +
         turns + R"(, "total_cost_usd": )" + cost +
         R"(, "parent_session_id": null, "owner_api_key_hash": ")" + kOwnerHash +
         R"(", "session_metadata": null})";
}

}  // namespace

// Python's json.dumps (allow_nan=True) writes a non-finite cost as the bare tokens NaN and
// Infinity, and json.loads reads them back: the service sees a session, so must we. A cost that
// is not a finite number is no known cost (the API's JSON cannot carry NaN either).
#endif  // AGENTHOST_SESSIONS_DURABLE

#ifndef AGENTHOST_SESSIONS_DURABLE
TEST_CASE("compatibility: a NaN or Infinity cost (Python json.dumps) reads as no cost") {
  Env env;
  env.cache.set(env.record_key("py-nan"), py_record("py-nan", "1", "NaN"), 3600s);
  env.cache.set(env.record_key("py-inf"), py_record("py-inf", "1", "Infinity"), 3600s);
  for (const char *id : {"py-nan", "py-inf"}) {
    INFO(id);
    std::optional<Session> s;
    CHECK(code_of([&] { s = env.store.get(id); }) == Errc::ok);
    CHECK((s && !s->total_cost_usd && s->total_turns == 1));
  }
  CHECK(env.store.reindex() == 2);
  ListQuery mine;
  mine.owner_api_key = kOwnerKey;
  const SessionPage page = env.store.list(mine);
  CHECK(page.skipped_corrupt == 0);
  CHECK(ids_of(page) == std::vector<std::string>{"py-nan", "py-inf"});
  env.cache.set(env.record_key("py-minus"), py_record("py-minus", "1", "-Infinity"), 3600s);
  std::optional<Session> minus;
  CHECK(code_of([&] { minus = env.store.get("py-minus"); }) == Errc::ok);
  CHECK((minus && !minus->total_cost_usd));
}

// The tokens are replaced only outside strings: a model named "NaN" keeps its name.
TEST_CASE("compatibility: a bare NaN cost leaves the same word inside strings alone") {
  Env env;
  std::string record = py_record("py-word", "1", "NaN");
  record.replace(record.find(R"("model": "m")"), 12, R"("model": "NaN \" Infinity")");
  env.cache.set(env.record_key("py-word"), record, 3600s);
  std::optional<Session> s;
  CHECK(code_of([&] { s = env.store.get("py-word"); }) == Errc::ok);
  CHECK((s && s->model == "NaN \" Infinity" && !s->total_cost_usd));
}

// A numeric string is read like the number it holds: "3.0" is 3, as the JSON number 3.0 is.
TEST_CASE("compatibility: total_turns \"3.0\" reads as 3") {
  Env env;
  env.cache.set(env.record_key("py-turns"), py_record("py-turns", "\"3.0\"", "null"), 3600s);
  std::optional<Session> s;
  CHECK(code_of([&] { s = env.store.get("py-turns"); }) == Errc::ok);
  CHECK((s && s->total_turns == 3));
  for (const char *bad : {"\"3.5\"", "\"-1.0\"", "\"1e300\""}) {
    INFO(bad);
    env.cache.set(env.record_key("py-bad"), py_record("py-bad", bad, "null"), 3600s);
    CHECK(code_of([&] { env.store.get("py-bad"); }) == Errc::corrupt);
  }
}
#endif  // AGENTHOST_SESSIONS_DURABLE

#ifdef AGENTHOST_SESSIONS_ON_REDIS
// Redis alone: SCAN and the index writes fail. Durable: PostgreSQL answers, but no record
// reaches Redis. Either way a count would claim a rebuild that did not happen.
TEST_CASE("reindex with Redis stopped is a connection error, not a count") {
  test::RedisServer redis;
  CacheOptions co;
  co.url = redis.url();
  co.connect_timeout = co.socket_timeout = co.pool_wait_timeout = 500ms;
  CacheClient cache(co);
  SessionStoreOptions o = test::prefixed_store_options(test::unique_prefix("reindex-down"));
  SessionStore store(cache, o);
  for (int i = 0; i < 3; ++i) {
    CreateRequest r;
    r.model = "m";
    store.create(r);
  }
  CHECK(store.reindex() == 3);
  redis.stop();
  std::string message;
  CHECK(code_of([&] { store.reindex(); }, &message) == Errc::connection);
  INFO(message);
  CHECK_FALSE(message.empty());
  redis.start();
  // The durable tier rebuilds the records Redis lost from PostgreSQL; Redis alone had no
  // persistence, so nothing is left to index.
  CHECK(store.reindex() == (store.durable() ? 3u : 0u));
}
#endif
