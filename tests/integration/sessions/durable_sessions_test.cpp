// The durable tier (PostgreSQL the truth, Redis the cache and index) against a real PostgreSQL
// (the shared fixture, or a private one for the cases that stop it) and real redis-servers
// (private ones for the cases that flush or restart theirs).
#include <libpq-fe.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/metrics.hpp>
#include <agenthost/session_store.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "db/pg_pool.hpp"
#include "db/pg_url.hpp"
#include "sessions/durable/session_rows.hpp"
#include "sessions/durable/session_schema.hpp"
#include "sessions/owner_key.hpp"
#include "support/errc_of.hpp"
#include "support/pg_server.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using agenthost::test::code_of;

namespace {

constexpr const char *kOwner = "sk-ant-test-durable-owner";  // fixture keys, not real ones
constexpr const char *kOther = "sk-ant-test-durable-other";
constexpr const char *kOwnerHash =
    "9c5d9a8b0a3c1b1e4c9a0d7c3f6c8a3a1c1f2e5d9d1d0c3b6a8e7f1a2b3c4d5e";  // a literal, not kOwner's

CacheClient cache_at(const std::string &url, std::chrono::milliseconds timeout = 2000ms) {
  CacheOptions o;
  o.url = url;
  o.socket_timeout = timeout;
  o.connect_timeout = timeout;
  o.pool_wait_timeout = timeout;
  return CacheClient(o);
}

SessionStoreOptions durable_options(const std::string &pg_url) {
  SessionStoreOptions o = {};
  const std::string prefix = test::unique_prefix("durable");
  o.key_prefix = prefix + "session:";
  o.index_prefix = prefix + "sessions:";
  o.database_url = pg_url;
  o.db_table = test::unique_table("durable");
  o.db_connect_timeout = 3000ms;
  o.db_statement_timeout = 5000ms;
  o.db_pool_wait = 5000ms;
  return o;
}

std::string shared_pg() {
  const std::string url = test::shared_pg_url();
  REQUIRE_FALSE(url.empty());
  return url;
}

// Runs SQL on the database directly (what the Python service, or an operator, does).
void psql(const std::string &url, const std::string &sql) {
  PGconn *c = PQconnectdb(detail::normalize_pg_url(url).c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult *r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  INFO(PQresultErrorMessage(r));
  CHECK((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK));
  PQclear(r);
  PQfinish(c);
}

// What `sql` answers (its last statement): rows joined by '\n', columns by '|'.
std::string query(const std::string &url, const std::string &sql) {
  PGconn *c = PQconnectdb(detail::normalize_pg_url(url).c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult *r = PQexec(c, sql.c_str());
  INFO(PQresultErrorMessage(r));
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
  std::string out;
  for (int i = 0; i < PQntuples(r); ++i) {
    if (i) out += '\n';
    for (int j = 0; j < PQnfields(r); ++j) out += (j ? "|" : "") + std::string(PQgetvalue(r, i, j));
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

// PostgreSQL's error for `sql` ("" when it ran).
std::string failure(const std::string &url, const std::string &sql) {
  PGconn *c = PQconnectdb(detail::normalize_pg_url(url).c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult *r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  std::string out =
      (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  return out;
}

// `url` with another role's credentials.
std::string url_as(const std::string &url, const std::string &role, const std::string &password) {
  const auto user = url.find("://") + 3;
  return url.substr(0, user) + role + ":" + password + url.substr(url.find('@', user));
}

// The Python service's table as SQLAlchemy creates it from its model (nullable status,
// updated_at and total_turns, INTEGER turns, JSON metadata, the parent a foreign key, the owner
// index), and a role that may only read and write its rows, as the service's own role.
std::string python_service_table(const std::string &url, const std::string &table,
                                 const std::string &role) {
  const std::string password = "pw-" + role;
  psql(url, "CREATE TABLE " + table +
                " (id VARCHAR NOT NULL, model VARCHAR NOT NULL, status VARCHAR, created_at "
                "TIMESTAMP WITH TIME ZONE DEFAULT now(), updated_at TIMESTAMP WITH TIME ZONE, "
                "total_turns INTEGER, total_cost_usd FLOAT, parent_session_id VARCHAR, "
                "owner_api_key_hash VARCHAR(64), session_metadata JSON, PRIMARY KEY (id), "
                "FOREIGN KEY(parent_session_id) REFERENCES " +
                table + " (id))");
  psql(url,
       "CREATE INDEX ix_" + table + "_owner_api_key_hash ON " + table + " (owner_api_key_hash)");
  psql(url, "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
  psql(url, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + role);
  return url_as(url, role, password);
}

// The internal events of one kind heard while it lives.
class EventLog {
 public:
  explicit EventLog(InternalEventKind kind) {
    set_internal_event_listener([this, kind](const InternalEvent &e) {
      if (e.kind != kind) return;
      std::lock_guard<std::mutex> lock(mutex_);
      heard_.push_back(std::string(e.subject) + ": " + std::string(e.detail));
    });
  }
  ~EventLog() { set_internal_event_listener({}); }
  std::vector<std::string> heard() {
    std::lock_guard<std::mutex> lock(mutex_);
    return heard_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> heard_;
};

// A durable store on a private redis-server (tests that flush, restart or break its keys) and
// its own table in the shared PostgreSQL.
struct PrivateRedisStore {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  const SessionStoreOptions o = durable_options(shared_pg());
  SessionStore store{cache, o};
};

Session make(SessionStore &store, const char *owner = kOwner,
             std::optional<std::string> metadata = std::nullopt) {
  CreateRequest r;
  r.model = "claude-sonnet-4";
  r.owner_api_key = owner;
  r.metadata_json = std::move(metadata);
  return store.create(r);
}

// A page's full content, for comparing listings served by Redis and by PostgreSQL.
std::string describe(const SessionPage &p) {
  std::ostringstream o;
  o << "total=" << p.total << " page=" << p.page << " size=" << p.page_size
    << " next=" << p.next_cursor.value_or("-") << " corrupt=" << p.skipped_corrupt << "\n";
  for (const auto &s : p.sessions) {
    o << s.id << " " << s.model << " " << session_status_name(s.status) << " "
      << s.created_at.time_since_epoch().count() << " " << s.updated_at.time_since_epoch().count()
      << " " << s.total_turns << " " << (s.total_cost_usd ? std::to_string(*s.total_cost_usd) : "-")
      << " " << s.owner.value_or("-") << " " << s.metadata_json.value_or("-") << "\n";
  }
  return o.str();
}

// Every page of every query the tests compare: by owner (two page sizes, cursor walk and page
// numbers), by status, and the admin view.
std::vector<std::string> all_pages(SessionStore &store) {
  std::vector<std::string> out;
  std::vector<ListQuery> queries;
  for (std::uint32_t size : {7u, 100u}) {
    ListQuery q;
    q.owner_api_key = kOwner;
    q.page_size = size;
    queries.push_back(q);
  }
  ListQuery done;
  done.owner_api_key = kOwner;
  done.status = SessionStatus::completed;
  done.page_size = 3;
  queries.push_back(done);
  ListQuery admin;
  admin.page_size = 10;
  queries.push_back(admin);
  for (ListQuery q : queries) {
    for (int i = 0; i < 100; ++i) {
      const SessionPage p = store.list(q);
      out.push_back(describe(p));
      if (!p.next_cursor) break;
      q.cursor = p.next_cursor;
    }
    ListQuery numbered = queries.front();
    numbered.page = 2;
    out.push_back(describe(store.list(numbered)));
  }
  return out;
}

// 40 sessions of kOwner (some completed, some with turns and cost), 5 of kOther, some created
// within one millisecond (ties ordered by id).
void populate(SessionStore &store) {
  for (int i = 0; i < 40; ++i) {
    const Session s = make(store);
    if (i % 4 == 0) {
      SessionPatch p;
      p.status = SessionStatus::completed;
      p.total_cost_usd = 0.25 * i;
      store.update(s.id, p);
    }
    if (i % 3 == 0) {
      SessionPatch p;
      p.increment_turns = true;
      store.update(s.id, p);
    }
    if (i % 10 == 0) std::this_thread::sleep_for(2ms);
  }
  for (int i = 0; i < 5; ++i) make(store, kOther);
}

bool marker_exists(CacheClient &cache, const SessionStoreOptions &o, const char *owner_hash) {
  const std::string scope =
      owner_hash ? std::string("complete:by_owner:") + owner_hash : std::string("complete:all");
  return cache.exists(o.index_prefix + scope);
}

}  // namespace

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: FLUSHALL loses nothing and listings return the same pages") {
  REQUIRE(store.durable());
  populate(store);
  const auto from_db = all_pages(store);  // no marker yet: PostgreSQL serves
  CHECK(store.reindex() == 45);
  CHECK(marker_exists(cache, o, nullptr));
  const auto from_redis = all_pages(store);
  CHECK(from_redis == from_db);

  cache.execute([] {
    Batch b;
    b.add({"FLUSHALL"});
    return b;
  }());
  CHECK_FALSE(marker_exists(cache, o, nullptr));
  CHECK(all_pages(store) == from_db);
  ListQuery q;
  q.owner_api_key = kOwner;
  q.page_size = 100;
  for (const auto &s : store.list(q).sessions) {
    const auto got = store.get(s.id, std::string(kOwner));
    REQUIRE(got);
    CHECK(got->total_turns == s.total_turns);
    CHECK(got->updated_at == s.updated_at);
    CHECK(cache.exists(o.key_prefix + s.id));  // re-cached by the read
  }
  CHECK(store.reindex() == 45);
  CHECK(all_pages(store) == from_db);
}

TEST_CASE("durable: a Redis restart without persistence loses nothing") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStore store(cache, durable_options(shared_pg()));
  populate(store);
  store.reindex();
  const auto before = all_pages(store);
  redis.stop();
  redis.start();
  CHECK(all_pages(store) == before);
  const Session s = make(store);
  CHECK(store.get(s.id));
  CHECK(store.list(ListQuery{}).total == 46);
}

TEST_CASE_METHOD(PrivateRedisStore, "durable: records and markers expiring by TTL lose nothing") {
  populate(store);
  store.reindex();
  const auto before = all_pages(store);
  // Half of the records expire now (as if their TTL ended), the markers stay: the listing meets
  // the ghosts, stops trusting the index and asks PostgreSQL.
  const auto keys = cache.scan(o.key_prefix + "*");
  REQUIRE(keys.size() == 45);
  for (std::size_t i = 0; i < keys.size(); i += 2) cache.expire(keys[i], 1ms);
  for (int i = 0; i < 200 && cache.exists(keys[0]); ++i) std::this_thread::sleep_for(5ms);
  CHECK(all_pages(store) == before);
  // Every record and marker gone: the same.
  for (const auto &k : keys) cache.expire(k, 1ms);
  cache.del(o.index_prefix + "complete:all");
  for (int i = 0; i < 200 && cache.exists(keys[1]); ++i) std::this_thread::sleep_for(5ms);
  CHECK(all_pages(store) == before);
}

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: index keys evicted while their markers live lose nothing") {
  populate(store);
  store.reindex();
  const auto before = all_pages(store);
  // An allkeys-* eviction policy may drop an index (a key without a TTL) and keep its marker.
  std::size_t evicted = 0;
  for (const auto &k : cache.scan(o.index_prefix + "*")) {
    if (k.find("complete:") != std::string::npos) continue;
    cache.del(k);
    ++evicted;
  }
  CHECK(evicted >= 4);  // all, by owner (two owners), by status
  REQUIRE(marker_exists(cache, o, nullptr));
  CHECK(all_pages(store) == before);
}

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: deleted sessions never come back (cache, FLUSHALL, listings)") {
  const Session a = make(store);
  const Session b = make(store);
  store.reindex();
  CHECK_FALSE(store.remove(a.id, std::string(kOther)));  // not theirs
  CHECK(store.remove(a.id, std::string(kOwner)));
  CHECK_FALSE(store.get(a.id));
  CHECK_FALSE(store.remove(a.id));
  ListQuery q;
  q.owner_api_key = kOwner;
  CHECK(store.list(q).total == 1);
  cache.execute([] {
    Batch x;
    x.add({"FLUSHALL"});
    return x;
  }());
  CHECK_FALSE(store.get(a.id));
  CHECK(store.get(b.id));
  const SessionPage p = store.list(q);
  CHECK(p.total == 1);
  REQUIRE(p.sessions.size() == 1);
  CHECK(p.sessions[0].id == b.id);
}

TEST_CASE(
    "durable: PostgreSQL down - writes fail with connection and nothing half-written is served") {
  test::PgServer pg;
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStoreOptions o = durable_options(pg.url());
  SessionStore store(cache, o);
  const Session s = make(store);
  SessionPatch inc;
  inc.increment_turns = true;
  store.update(s.id, inc);
  pg.halt();

  const std::string password = detail::pg_url_password(pg.url());
  REQUIRE_FALSE(password.empty());
  std::string message;
  CreateRequest r;
  r.model = "m";
  r.id = "never-written";
  CHECK(code_of([&] { store.create(r); }, &message) == Errc::connection);
  CHECK(message.find(password) == std::string::npos);
  CHECK(message.find("PostgreSQL") != std::string::npos);
  CHECK(code_of([&] { store.update(s.id, inc); }, &message) == Errc::connection);
  CHECK(message.find(password) == std::string::npos);
  CHECK(code_of([&] { store.remove(s.id); }) == Errc::connection);
  // Nothing of the failed writes is in Redis; the acknowledged version still is.
  CHECK_FALSE(cache.exists(o.key_prefix + "never-written"));
  const auto cached = store.get(s.id);
  REQUIRE(cached);
  CHECK(cached->total_turns == 1);
  // A read that needs the database fails as clearly.
  CHECK(code_of([&] { store.get("never-written"); }) == Errc::connection);

  pg.resume();  // the pool's broken connections are replaced
  CHECK(store.update(s.id, inc).total_turns == 2);
  CHECK(store.get(s.id)->total_turns == 2);
  CHECK_FALSE(store.get("never-written"));
}

TEST_CASE("durable: a database on a closed port is a connection error without the password") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStoreOptions o = durable_options("postgresql+asyncpg://agenthost:s3cret-pw@127.0.0.1:" +
                                          std::to_string(test::free_port()) + "/x");
  SessionStore store(cache, o);
  std::string message;
  CHECK(code_of([&] { make(store); }, &message) == Errc::connection);
  CHECK(message.find("s3cret-pw") == std::string::npos);
  CHECK(message.find("127.0.0.1") != std::string::npos);
  CHECK(cache.scan(o.key_prefix + "*").empty());
}

// Calls until the store's Redis circuit opens (Redis is down: each call fails over to
// PostgreSQL), each answering `id` with `turns`.
void open_circuit(SessionStore &store, const std::string &id, std::int64_t turns) {
  for (int i = 0; i < 20 && !store.stats().cache_circuit_open; ++i) {
    const auto got = store.get(id);
    REQUIRE(got);
    CHECK(got->total_turns == turns);
  }
  REQUIRE(store.stats().cache_circuit_open);
}

TEST_CASE(
    "durable: with Redis down the circuit opens, PostgreSQL answers without Redis being "
    "called, and after a restart the cache serves again") {
  // Persistence: the record written before the outage comes back with the restart.
  test::RedisServer redis({"--appendonly", "yes", "--appendfsync", "always"});
  CacheClient cache = cache_at(redis.url(), 500ms);
  SessionStoreOptions slow = durable_options(shared_pg());
  slow.db_cache_circuit_threshold = 2;
  slow.db_cache_circuit_cooldown = 600000ms;  // stays open for the whole test
  SessionStoreOptions quick = slow;           // the same table and keys
  quick.db_cache_circuit_cooldown = 100ms;
  SessionStore a(cache, slow);
  SessionStore b(cache, quick);
  const Session s = make(a);
  REQUIRE(a.reindex() == 1);
  const std::string key = slow.key_prefix + s.id;
  REQUIRE(cache.exists(key));
  CHECK_FALSE(a.stats().cache_circuit_open);

  redis.stop();
  open_circuit(a, s.id, 0);
  open_circuit(b, s.id, 0);

  // Open: get and list answer from PostgreSQL, and no call reaches the Redis client's pool.
  const PoolStats before = cache.stats();
  const std::uint64_t skips = a.stats().cache_skips;
  ListQuery mine;
  mine.owner_api_key = kOwner;
  for (int i = 0; i < 5; ++i) {
    CHECK(a.get(s.id)->total_turns == 0);
    const SessionPage page = a.list(mine);
    CHECK(page.total == 1);
    CHECK(page.sessions.at(0).id == s.id);
  }
  const PoolStats after = cache.stats();
  CHECK(after.errors_connection == before.errors_connection);
  CHECK(after.errors_timeout == before.errors_timeout);
  CHECK(after.created == before.created);
  CHECK(after.retries == before.retries);
  CHECK(a.stats().cache_skips > skips);
  CHECK(a.stats().cache_circuit_open);

  // A write while b's circuit is open (or its first probe fails): its cache step is skipped or
  // fails, and is handled as a failed one.
  SessionPatch p;
  p.total_turns = 7;
  CHECK(b.update(s.id, p).total_turns == 7);
  redis.start();  // same port; the record of turns 0 is back from the append-only file
  const auto stale = cache.get(key);
  REQUIRE(stale);
  CHECK(stale->find("\"total_turns\":0") != std::string::npos);

  // b probes Redis after its cooldown and closes the circuit; before and after, never the
  // stale record.
  for (int i = 0; i < 200 && b.stats().cache_circuit_open; ++i) {
    CHECK(b.get(s.id)->total_turns == 7);
    CHECK(b.list(mine).sessions.at(0).total_turns == 7);
    std::this_thread::sleep_for(25ms);
  }
  REQUIRE_FALSE(b.stats().cache_circuit_open);
  CHECK(b.get(s.id)->total_turns == 7);
  // The cache is used again: the read rewrote Redis' stale record, calls skip nothing.
  const auto fresh = cache.get(key);
  REQUIRE(fresh);
  CHECK(fresh->find("\"total_turns\":7") != std::string::npos);
  const std::uint64_t b_skips = b.stats().cache_skips;
  const Session t = make(b);
  CHECK(cache.exists(slow.key_prefix + t.id));
  CHECK(b.get(t.id));
  CHECK(b.stats().cache_skips == b_skips);
  CHECK(b.reindex() == 2);
  // a's circuit is still open: PostgreSQL goes on answering it.
  CHECK(a.stats().cache_circuit_open);
  CHECK(a.get(s.id)->total_turns == 7);
}

TEST_CASE("durable: the Redis circuit's options are validated") {
  SessionStoreOptions o = durable_options(shared_pg());
  o.db_cache_circuit_threshold = 0;
  std::string message;
  CHECK(code_of([&] { o.validate(); }, &message) == Errc::invalid_argument);
  CHECK(message.find("db_cache_circuit_threshold") != std::string::npos);
  o.db_cache_circuit_threshold = 1001;
  CHECK(code_of([&] { o.validate(); }) == Errc::invalid_argument);
  o.db_cache_circuit_threshold = 1000;
  o.db_cache_circuit_cooldown = 0ms;
  CHECK(code_of([&] { o.validate(); }, &message) == Errc::invalid_argument);
  CHECK(message.find("db_cache_circuit_cooldown") != std::string::npos);
  o.db_cache_circuit_cooldown = 600001ms;
  CHECK(code_of([&] { o.validate(); }) == Errc::invalid_argument);
  o.db_cache_circuit_cooldown = 600000ms;
  o.validate();
}

TEST_CASE("durable: a Redis stalled after the commit never serves the older version") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url(), 300ms);
  SessionStore store(cache, durable_options(shared_pg()));
  const Session s = make(store);
  store.reindex();
  // Writes stall (reads go on): the update commits, its Redis write and invalidation time out.
  redis.cli({"CLIENT", "PAUSE", "1500", "WRITE"});
  SessionPatch p;
  p.total_turns = 42;
  CHECK(store.update(s.id, p).total_turns == 42);
  CHECK(store.get(s.id)->total_turns == 42);  // from PostgreSQL, not the older cached copy
  ListQuery q;
  q.owner_api_key = kOwner;
  const SessionPage page = store.list(q);
  REQUIRE(page.sessions.size() == 1);
  CHECK(page.sessions[0].total_turns == 42);
  redis.cli({"CLIENT", "UNPAUSE"});
  CHECK(store.get(s.id)->total_turns == 42);
  CHECK(store.list(q).sessions.at(0).total_turns == 42);
}

// Two stores on one Redis (same keys) but each with its own table stand for one store seeing two
// moments of the same row: the old table's row is the version a delayed writer or reader holds.
TEST_CASE(
    "durable: a delayed cache write of an older version never brings back a deleted session") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  const SessionStoreOptions current = durable_options(shared_pg());
  SessionStoreOptions delayed = current;
  delayed.db_table = test::unique_table("delayed");
  SessionStore now_store(cache, current);
  SessionStore old_store(cache, delayed);
  old_store.list(ListQuery{});  // its table
  psql(delayed.database_url,
       "INSERT INTO " + delayed.db_table +
           " (id, model, created_at, updated_at, owner_api_key_hash) VALUES ('race', 'old', "
           "now() - interval '1 hour', now() - interval '1 hour', NULL)");
  CreateRequest r;
  r.model = "current";
  r.id = "race";
  const Session made = now_store.create(r);
  SessionPatch p;
  p.increment_turns = true;
  const Session updated = now_store.update("race", p);
  const std::string floor_key = current.index_prefix + "floor:race";
  CHECK_FALSE(cache.exists(floor_key));  // no delete, no failure: no floor
  REQUIRE(now_store.remove("race"));
  CHECK(cache.get(floor_key) ==
        std::optional<std::string>(std::to_string(updated.updated_at.time_since_epoch().count())));

  // The older version, read before the delete, is neither re-cached by a read nor written by a
  // writer's late cache step (reindex is one: it writes every row it read).
  REQUIRE(old_store.get("race"));
  CHECK_FALSE(cache.exists(current.key_prefix + "race"));
  CHECK(old_store.reindex() == 1);
  CHECK_FALSE(cache.exists(current.key_prefix + "race"));
  CHECK_FALSE(now_store.get("race"));
  ListQuery all;
  CHECK(now_store.list(all).total == 0);

  // The floor only rises: removing the row the old table still has (an older version) keeps it.
  CHECK(old_store.remove("race"));
  CHECK(cache.get(floor_key) ==
        std::optional<std::string>(std::to_string(updated.updated_at.time_since_epoch().count())));
  // A session created again under the id is newer than the floor: cached as usual.
  const Session again = now_store.create(r);
  CHECK(again.updated_at > made.updated_at);
  CHECK(cache.exists(current.key_prefix + "race"));
  CHECK(now_store.get("race")->model == "current");
}

TEST_CASE("durable: concurrent status moves, creates and deletes keep the totals exact") {
  const std::string redis_url = test::shared_redis_url();
  REQUIRE_FALSE(redis_url.empty());
  CacheClient cache = cache_at(redis_url, 5000ms);
  SessionStoreOptions o = durable_options(shared_pg());
  o.db_pool_size = 8;
  SessionStore store(cache, o);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(make(store).id);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        try {
          if (i % 10 == 9) {
            store.remove(make(store).id);  // a create and a delete of one owner's session
            continue;
          }
          SessionPatch p;
          p.status = static_cast<SessionStatus>((t + i) % 3);
          store.update(ids[static_cast<std::size_t>(t * 5 + i) % ids.size()], p);
        } catch (const Error &) {
          ++failures;
        }
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(failures == 0);  // no deadlock between moves in opposite directions
  const std::string counted = query(o.database_url,
                                    "SELECT string_agg(status || '=' || n, ',' "
                                    "ORDER BY status) FROM " +
                                        o.db_table + "_counts WHERE n > 0");
  CHECK(counted == query(o.database_url,
                         "SELECT string_agg(status || '=' || n, ',' ORDER BY "
                         "status) FROM (SELECT status, count(*) AS n FROM " +
                             o.db_table + " GROUP BY status) c"));
  ListQuery q;
  q.owner_api_key = kOwner;
  CHECK(store.list(q).total == 6);
}

TEST_CASE("durable: 2 stores x 4 threads x 100 increments end at exactly 800 turns") {
  const std::string redis_url = test::shared_redis_url();
  REQUIRE_FALSE(redis_url.empty());
  CacheClient cache_a = cache_at(redis_url, 5000ms);
  CacheClient cache_b = cache_at(redis_url, 5000ms);
  const SessionStoreOptions o = durable_options(shared_pg());
  SessionStore a(cache_a, o);
  SessionStore b(cache_b, o);  // two processes sharing the database and Redis
  const Session s = make(a);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      SessionPatch inc;
      inc.increment_turns = true;
      for (int i = 0; i < 100; ++i) {
        try {
          (t % 2 ? a : b).update(s.id, inc);
        } catch (const Error &) {
          ++failures;
        }
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  CHECK(a.get(s.id)->total_turns == 800);
  CHECK(b.get(s.id)->total_turns == 800);
  cache_a.del(o.key_prefix + s.id);
  CHECK(b.get(s.id)->total_turns == 800);
}

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: rows the Python service wrote with plain SQL are read and listed") {
  store.list(ListQuery{});  // creates the table (the Python service's own migration would too)
  const std::string owner_hash = [&] {
    CreateRequest r;
    r.model = "probe";
    r.owner_api_key = kOwner;
    r.id = "probe";
    const Session p = store.create(r);
    store.remove(p.id);
    return *p.owner;
  }();
  psql(o.database_url,
       "INSERT INTO " + o.db_table +
           " (id, model, status, created_at, updated_at, total_turns, total_cost_usd, "
           "parent_session_id, owner_api_key_hash, session_metadata) VALUES "
           "('py-1', 'claude-3-5-sonnet', 'completed', '2026-01-09T17:00:00.123456+00:00', "
           "'2026-01-09T17:05:00+02:00', 7, 0.0123, NULL, '" +
           owner_hash +
           "', '{\"mode\": \"plan\", \"tags\": [\"a\", \"b\"], \"title\": \"Fix the Build\"}'), "
           "('py-2', 'claude-sonnet-4', 'active', '2026-01-09T18:00:00Z', "
           "'2026-01-09T18:00:00Z', 0, NULL, 'py-1', '" +
           owner_hash +
           "', NULL), ('py-3', 'm', 'weird', now(), now(), 1, NULL, NULL, NULL, NULL)");
  const auto one = store.get("py-1", std::string(kOwner));
  REQUIRE(one);
  CHECK(one->model == "claude-3-5-sonnet");
  CHECK(one->status == SessionStatus::completed);
  CHECK(one->total_turns == 7);
  CHECK(one->total_cost_usd == 0.0123);
  CHECK(one->updated_at.time_since_epoch().count() == 1767971100000000);  // 15:05 UTC
  CHECK(one->metadata_json ==
        std::optional<std::string>(R"({"mode":"plan","tags":["a","b"],"title":"Fix the Build"})"));
  CHECK(store.get("py-3")->status == SessionStatus::active);  // unknown status reads as active
  ListQuery q;
  q.owner_api_key = kOwner;
  SessionPage p = store.list(q);
  CHECK(p.total == 2);
  REQUIRE(p.sessions.size() == 2);
  CHECK(p.sessions[0].id == "py-2");
  CHECK(p.sessions[0].parent_session_id == std::optional<std::string>("py-1"));
  CHECK(p.sessions[1].id == "py-1");
  q.tags = {"b"};
  q.title_contains = "the build";
  p = store.list(q);
  REQUIRE(p.sessions.size() == 1);
  CHECK(p.sessions[0].id == "py-1");
  // The store's own writes stay readable by the Python service's columns.
  SessionPatch inc;
  inc.increment_turns = true;
  store.update("py-2", inc);
  psql(o.database_url, "SELECT 1/(total_turns = 1)::int FROM " + o.db_table + " WHERE id = 'py-2'");
  CHECK(store.reindex() == 3);
  CHECK(store.list(ListQuery{}).total == 3);
}

TEST_CASE(
    "durable: the Python service's own table and a role with only SELECT/INSERT/UPDATE/DELETE") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStoreOptions o = durable_options(shared_pg());
  const std::string admin_url = o.database_url;
  const std::string role = test::unique_table("svc");
  o.database_url = python_service_table(admin_url, o.db_table, role);
  const std::string t = o.db_table;
  const std::string hash = detail::owner_key_hash(kOwner);
  psql(admin_url,
       "INSERT INTO " + t +
           " (id, model, status, created_at, updated_at, total_turns, total_cost_usd, "
           "owner_api_key_hash, session_metadata) VALUES ('py-1', 'claude-3-5-sonnet', "
           "'completed', '2026-01-09T17:00:00Z', '2026-01-09T17:05:00Z', 7, 0.5, '" +
           hash +
           "', '{\"title\": \"Fix the Build\", \"mode\": \"plan\", \"tags\": [\"a\", \"b\"]}')");
  psql(admin_url, "INSERT INTO " + t +
                      " (id, model, created_at, parent_session_id, owner_api_key_hash) VALUES "
                      "('py-2', 'claude-sonnet-4', '2026-01-09T18:00:00Z', 'py-1', '" +
                      hash + "')");
  EventLog events(InternalEventKind::session_db_index_missing);
  SessionStore store(cache, o);

  // NULL status, updated_at and total_turns read as in a record.
  const auto two = store.get("py-2", std::string(kOwner));
  REQUIRE(two);
  CHECK(two->status == SessionStatus::active);
  CHECK(two->total_turns == 0);
  CHECK(two->updated_at == two->created_at);
  CHECK(two->parent_session_id == std::optional<std::string>("py-1"));
  // The store took no DDL lock on the table: it reported the indexes it lacks, once.
  const auto heard = events.heard();
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].rfind(t + ": ix_" + t + "_owner_keyset, ix_" + t + "_owner_status_keyset, ix_" +
                           t + "_keyset, ix_" + t + "_metadata, " + t + "_counts (",
                       0) == 0);

  ListQuery q;
  q.owner_api_key = kOwner;
  SessionPage p = store.list(q);
  CHECK(p.total == 2);
  REQUIRE(p.sessions.size() == 2);
  CHECK(p.sessions[0].id == "py-2");
  CHECK(p.sessions[1].metadata_json ==
        std::optional<std::string>(R"({"mode":"plan","tags":["a","b"],"title":"Fix the Build"})"));
  q.mode = "plan";
  q.tags = {"b"};
  q.title_contains = "the build";
  p = store.list(q);
  REQUIRE(p.sessions.size() == 1);
  CHECK(p.sessions[0].id == "py-1");

  // Writes through the JSON and INTEGER columns, read back by the service's own SQL.
  SessionPatch inc;
  inc.increment_turns = true;
  CHECK(store.update("py-2", inc).total_turns == 1);
  SessionPatch meta;
  meta.metadata_json = R"({"mode":"build"})";
  store.update("py-2", meta);
  CHECK(query(admin_url, "SELECT total_turns, session_metadata->>'mode', status FROM " + t +
                             " WHERE id = 'py-2'") == "1|build|");
  q = ListQuery{};
  q.mode = "build";
  CHECK(store.list(q).total == 1);
  CreateRequest child;
  child.model = "m";
  child.owner_api_key = kOwner;
  child.parent_session_id = "no-such-session";
  std::string message;
  CHECK(code_of([&] { store.create(child); }, &message) == Errc::conflict);
  CHECK(message.find("session create") != std::string::npos);
  child.parent_session_id = "py-1";
  const Session made = store.create(child);
  CHECK(query(admin_url, "SELECT total_turns, model, session_metadata IS NULL FROM " + t +
                             " WHERE id = '" + made.id + "'") == "0|m|t");
  // The parent of other sessions stays (the service's foreign key), nothing lost.
  CHECK(code_of([&] { store.remove("py-1"); }) == Errc::conflict);
  CHECK(store.get("py-1"));
  CHECK(store.remove("py-2"));
  CHECK(store.remove(made.id));
  CHECK(store.remove("py-1"));
  CHECK_FALSE(store.get("py-1"));
  CHECK(store.list(ListQuery{}).total == 0);

  // The migration runs on the service's table (by its owner, with rows in it), and then nothing
  // is missing once the role may read the counts; the metadata index on the JSON column is the
  // one the store's containment query uses.
  psql(admin_url, "INSERT INTO " + t + " (id, model, owner_api_key_hash) VALUES ('py-3', 'm', '" +
                      hash + "'), ('py-4', 'm', NULL)");
  psql(admin_url, detail::migration_sql(t));
  psql(admin_url, "GRANT SELECT ON " + t + "_counts TO " + role);
  CHECK(query(admin_url, "SELECT owner_api_key_hash = '', status, n FROM " + t +
                             "_counts ORDER BY 1, 2") == "f|active|1\nt|active|1");
  SessionStore indexed(cache, o);
  ListQuery mine;
  mine.owner_api_key = kOwner;
  CHECK(indexed.list(mine).total == 1);
  CHECK(events.heard().size() == 1);
  CHECK(query(admin_url, "SET enable_seqscan = off; EXPLAIN SELECT id FROM " + t +
                             " WHERE session_metadata::jsonb @> '{\"mode\": \"plan\"}'::jsonb")
            .find("ix_" + t + "_metadata") != std::string::npos);

  // The SECURITY DEFINER function cannot be turned against its owner: a temporary table of the
  // same name does not stand in for the counts, and no role may attach it to a table of its own.
  CHECK(
      query(o.database_url, "CREATE TEMP TABLE " + t +
                                "_counts (owner_api_key_hash text, status "
                                "text, n bigint, PRIMARY KEY (owner_api_key_hash, status)); INSERT "
                                "INTO " +
                                t +
                                " (id, model) VALUES ('py-temp', 'm'); SELECT count(*) "
                                "FROM pg_temp." +
                                t + "_counts") == "0");
  CHECK(failure(o.database_url,
                "CREATE TEMP TABLE mine (owner_api_key_hash text, status text); "
                "CREATE TRIGGER forge AFTER INSERT ON mine FOR EACH ROW EXECUTE "
                "FUNCTION " +
                    t + "_count()")
            .find("permission denied for function " + t + "_count") != std::string::npos);
  CHECK(query(admin_url, "SELECT n FROM " + t + "_counts WHERE owner_api_key_hash = ''") == "2");
  CHECK(indexed.remove("py-temp"));

  // The triggers keep the counts through the store's writes and the service's own SQL (the role
  // has no write right on the counts: the trigger function is SECURITY DEFINER).
  for (int i = 0; i < 3; ++i) make(indexed);
  SessionPatch done;
  done.status = SessionStatus::completed;
  indexed.update("py-3", done);
  indexed.update("py-3", done);  // no move: counted once
  psql(o.database_url, "INSERT INTO " + t +
                           " (id, model, status, owner_api_key_hash) VALUES "
                           "('py-5', 'm', 'completed', '" +
                           hash + "')");
  psql(o.database_url, "UPDATE " + t + " SET owner_api_key_hash = NULL WHERE id = 'py-5'");
  CHECK(indexed.remove("py-4"));
  CHECK(query(admin_url,
              "SELECT string_agg(k || '=' || n, ',' ORDER BY k) FROM (SELECT "
              "(owner_api_key_hash = '')::text || status AS k, n FROM " +
                  t + "_counts WHERE n > 0) c") ==
        "falseactive=3,falsecompleted=1,truecompleted=1");
  ListQuery completed = mine;
  completed.status = SessionStatus::completed;
  CHECK(indexed.list(mine).total == 4);
  CHECK(indexed.list(completed).total == 1);
  CHECK(indexed.list(ListQuery{}).total == 5);
  // The totals are read from the counts, not by counting rows.
  psql(admin_url, "UPDATE " + t + "_counts SET n = n + 1000 WHERE status = 'completed'");
  CHECK(indexed.list(completed).total == 1001);
  CHECK(indexed.list(ListQuery{}).total == 2005);
}

TEST_CASE_METHOD(
    PrivateRedisStore,
    "durable: statuses other than completed and error list as active from both tiers") {
  const Session a = make(store);
  SessionPatch done;
  done.status = SessionStatus::completed;
  store.update(make(store).id, done);
  psql(o.database_url, "INSERT INTO " + o.db_table +
                           " (id, model, status, owner_api_key_hash) "
                           "VALUES ('odd', 'm', 'paused', '" +
                           *a.owner + "')");
  ListQuery active;
  active.owner_api_key = kOwner;
  active.status = SessionStatus::active;
  ListQuery completed = active;
  completed.status = SessionStatus::completed;
  const std::string from_db = describe(store.list(active)) + describe(store.list(completed));
  CHECK(store.list(active).total == 2);
  store.reindex();
  REQUIRE(marker_exists(cache, o, a.owner->c_str()));
  CHECK(describe(store.list(active)) + describe(store.list(completed)) == from_db);
  CHECK(store.get("odd")->status == SessionStatus::active);
}

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: a session its version floor keeps out of Redis is still listed") {
  const Session other = make(store, kOther);
  make(store);
  store.reindex();
  REQUIRE(marker_exists(cache, o, nullptr));
  // A floor from a host whose clock runs ahead (or a delete of the id in the future).
  cache.set(o.index_prefix + "floor:skewed", "9000000000000000");
  CreateRequest r;
  r.model = "m";
  r.id = "skewed";
  r.owner_api_key = kOwner;
  const Session made = store.create(r);
  CHECK_FALSE(cache.exists(o.key_prefix + "skewed"));
  CHECK_FALSE(marker_exists(cache, o, nullptr));
  CHECK_FALSE(marker_exists(cache, o, made.owner->c_str()));
  ListQuery q;
  q.owner_api_key = kOwner;
  CHECK(store.list(q).total == 2);
  // A rebuild does not vouch for the scopes Redis could not take the session into.
  CHECK(store.reindex() == 3);
  CHECK_FALSE(marker_exists(cache, o, nullptr));
  CHECK_FALSE(marker_exists(cache, o, made.owner->c_str()));
  CHECK(marker_exists(cache, o, other.owner->c_str()));
  CHECK(store.list(q).total == 2);
  CHECK(store.list(ListQuery{}).total == 3);
}

TEST_CASE_METHOD(
    PrivateRedisStore,
    "durable: a failed cache write or delete raises the floor to the committed version") {
  const Session s = make(store);
  store.reindex();
  const std::string record = o.key_prefix + s.id;
  const std::string floor = o.index_prefix + "floor:" + s.id;
  // A key of the wrong type makes the store's cache step fail after the commit (WRONGTYPE);
  // the invalidation still reaches Redis.
  const auto break_record = [&] {
    Batch b;
    b.add({"DEL", record});
    b.add({"RPUSH", record, "x"});
    cache.execute(b);
  };
  break_record();
  SessionPatch inc;
  inc.increment_turns = true;
  const Session updated = store.update(s.id, inc);
  CHECK_FALSE(cache.exists(record));
  CHECK_FALSE(marker_exists(cache, o, nullptr));
  CHECK(cache.get(floor) == std::optional<std::string>(
                                std::to_string(updated.updated_at.time_since_epoch().count() - 1)));
  // The committed version itself may be cached again.
  CHECK(store.get(s.id)->total_turns == 1);
  CHECK(cache.exists(record));
  break_record();
  CHECK(store.remove(s.id));
  CHECK_FALSE(cache.exists(record));
  CHECK(cache.get(floor) ==
        std::optional<std::string>(std::to_string(updated.updated_at.time_since_epoch().count())));
  CHECK_FALSE(store.get(s.id));
}

TEST_CASE_METHOD(PrivateRedisStore,
                 "durable: TRUNCATE and disabled triggers never leave wrong totals") {
  for (int i = 0; i < 3; ++i) make(store);
  ListQuery q;
  q.owner_api_key = kOwner;
  CHECK(store.list(q).total == 3);
  psql(o.database_url, "TRUNCATE " + o.db_table);
  CHECK(store.list(q).total == 0);
  make(store);
  CHECK(store.list(q).total == 1);
  // A disabled trigger: a store finds the counts unusable and counts rows instead.
  psql(o.database_url,
       "ALTER TABLE " + o.db_table + " DISABLE TRIGGER " + o.db_table + "_count_rows");
  EventLog events(InternalEventKind::session_db_index_missing);
  SessionStore counting(cache, o);
  make(counting);
  CHECK(counting.list(q).total == 2);
  REQUIRE(events.heard().size() == 1);
  CHECK(events.heard()[0].find(o.db_table + "_counts") != std::string::npos);
  // The migration puts the triggers back and recounts.
  psql(o.database_url, detail::migration_sql(o.db_table));
  CHECK(query(o.database_url, "SELECT n FROM " + o.db_table + "_counts") == "2");
  SessionStore counted(cache, o);
  make(counted);
  CHECK(counted.list(q).total == 3);
  CHECK(events.heard().size() == 1);
}

// CVE-2018-1058's pattern against the SECURITY DEFINER trigger function: a role that may create
// objects in the table's schema plants an operator the function would resolve, hoping to run
// code as the function's owner (here the fixture's superuser) when a writer fires the trigger.
TEST_CASE("durable: the counts trigger runs no object another role planted in the schema") {
  const std::string admin = shared_pg();
  const std::string schema = test::unique_table("schema");
  const std::string table = schema + "_t";
  const std::string mallory = test::unique_table("mallory");
  const std::string writer = test::unique_table("writer");
  psql(admin, "CREATE SCHEMA " + schema);
  psql(admin, "CREATE ROLE " + mallory + " LOGIN PASSWORD 'pw-m'");
  psql(admin, "CREATE ROLE " + writer + " LOGIN PASSWORD 'pw-w'");
  psql(admin, "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + mallory);
  psql(admin, "GRANT USAGE ON SCHEMA " + schema + " TO " + writer);
  psql(admin, "SET search_path = " + schema + "; " + detail::migration_sql(table));
  psql(admin, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + schema + "." + table + " TO " + writer);
  psql(url_as(admin, mallory, "pw-m"),
       "CREATE FUNCTION " + schema +
           ".evil(varchar, varchar) RETURNS boolean LANGUAGE plpgsql "
           "AS $$ BEGIN ALTER ROLE " +
           mallory +
           " SUPERUSER; RETURN $1::text = $2::text; END $$; "
           "CREATE OPERATOR " +
           schema + ".= (leftarg = varchar, rightarg = varchar, function = " + schema + ".evil)");
  psql(url_as(admin, writer, "pw-w"), "INSERT INTO " + schema + "." + table +
                                          " (id, model, status, owner_api_key_hash) VALUES "
                                          "('x', 'm', 'completed', 'o'); UPDATE " +
                                          schema + "." + table + " SET status = 'error'");
  CHECK(query(admin, "SELECT rolsuper FROM pg_roles WHERE rolname = '" + mallory + "'") == "f");
  CHECK(query(admin, "SELECT owner_api_key_hash || status || n FROM " + schema + "." + table +
                         "_counts WHERE n > 0") == "oerror1");
}

TEST_CASE("durable: a table the store cannot use is unsupported, naming its columns") {
  SessionStoreOptions o = durable_options(shared_pg());
  psql(o.database_url, "CREATE TABLE " + o.db_table +
                           " (id VARCHAR PRIMARY KEY, model VARCHAR, status VARCHAR, created_at "
                           "TIMESTAMP, updated_at TIMESTAMPTZ, total_turns INTEGER, "
                           "total_cost_usd FLOAT, parent_session_id VARCHAR, owner_api_key_hash "
                           "VARCHAR(64))");
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStore store(cache, o);
  std::string message;
  CHECK(code_of([&] { store.list(ListQuery{}); }, &message) == Errc::unsupported);
  CHECK(message.find("table '" + o.db_table +
                     "' cannot hold durable sessions: it has no column "
                     "session_metadata; created_at is timestamp without time zone") !=
        std::string::npos);
  // Still so on the next call (nothing was altered), and the table is as it was.
  CHECK(code_of([&] { make(store); }) == Errc::unsupported);
  CHECK(query(o.database_url, "SELECT count(*) FROM " + o.db_table) == "0");
}

TEST_CASE("durable: metadata filters - mode, project_id, tags all present, title substring") {
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());
  SessionStore store(cache, durable_options(shared_pg()));
  std::vector<std::string> ids;
  const char *metas[] = {
      R"({"mode":"plan","project_id":"p1","tags":["a","b"],"title":"Refactor the PARSER"})",
      R"({"mode":"code","project_id":"p1","tags":["a"],"title":"parser tests"})",
      R"({"mode":"plan","project_id":"p2","tags":["b","c"],"title":"Docs"})",
      R"({"mode":"plan","project_id":"p1","tags":["a","b","c"],"title":"100% done_x"})",
  };
  for (const char *m : metas) {
    ids.push_back(make(store, kOwner, std::string(m)).id);
    std::this_thread::sleep_for(2ms);
  }
  make(store, kOther, std::string(metas[0]));  // another owner's: never listed below
  const auto listed = [&](ListQuery q) {
    q.owner_api_key = kOwner;
    std::vector<std::string> out;
    const SessionPage p = store.list(q);
    for (const auto &s : p.sessions) out.push_back(s.id);
    CHECK(p.total == out.size());
    return out;
  };
  ListQuery q;
  q.mode = "plan";
  CHECK(listed(q) == std::vector<std::string>{ids[3], ids[2], ids[0]});
  q.project_id = "p1";
  CHECK(listed(q) == std::vector<std::string>{ids[3], ids[0]});
  q = {};
  q.tags = {"a", "b"};
  CHECK(listed(q) == std::vector<std::string>{ids[3], ids[0]});
  q.tags = {"c", "b"};
  CHECK(listed(q) == std::vector<std::string>{ids[3], ids[2]});
  q = {};
  q.title_contains = "PARSER";
  CHECK(listed(q) == std::vector<std::string>{ids[1], ids[0]});
  q.title_contains = "0% done_";  // LIKE wildcards are plain text here
  CHECK(listed(q) == std::vector<std::string>{ids[3]});
  q = {};
  q.mode = "plan";
  q.status = SessionStatus::active;
  q.page_size = 1;
  std::vector<std::string> walked;
  for (int i = 0; i < 10; ++i) {
    q.owner_api_key = kOwner;
    const SessionPage p = store.list(q);
    CHECK(p.total == 3);
    for (const auto &s : p.sessions) walked.push_back(s.id);
    if (!p.next_cursor) break;
    q.cursor = p.next_cursor;
  }
  CHECK(walked == std::vector<std::string>{ids[3], ids[2], ids[0]});

  // Redis-only stores refuse metadata filters (Redis keeps no index of metadata).
  SessionStoreOptions plain;
  plain.key_prefix = test::unique_prefix("plain") + "session:";
  plain.index_prefix = plain.key_prefix + "x";
  plain.index_prefix = test::unique_prefix("plainidx");
  SessionStore redis_only(cache, plain);
  ListQuery f;
  f.mode = "plan";
  std::string message;
  CHECK(code_of([&] { redis_only.list(f); }, &message) == Errc::unsupported);
  CHECK(message.find("durable") != std::string::npos);
}

// The pieces of `password` between the characters URL parsers split at (three characters or
// more): none may be in a message.
void check_no_piece(const std::string &message, const std::string &password) {
  INFO(message);
  std::string piece;
  for (const char c : password + "/") {
    if (std::string("/?@#:%").find(c) == std::string::npos) {
      piece += c;
      continue;
    }
    if (piece.size() >= 3) CHECK(message.find(piece) == std::string::npos);
    piece.clear();
  }
}

TEST_CASE(
    "durable: a DATABASE_URL password holding raw '/' and '?' connects as SQLAlchemy reads "
    "it, and a failure shows no part of it") {
  const std::string url = shared_pg();
  const std::string role = test::unique_table("pwrole");
  const std::string password = "Zq7/Kx9?Vb3:Tn5#Wd2";  // raw, as SQLAlchemy accepts it
  psql(url, "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
  psql(url, "GRANT CREATE, USAGE ON SCHEMA public TO " + role);
  test::RedisServer redis;
  CacheClient cache = cache_at(redis.url());

  for (const std::string scheme : {"postgresql://", "postgresql+asyncpg://"}) {
    INFO(scheme);
    const std::string as_role = scheme + url_as(url, role, password).substr(13);
    SessionStore store(cache, durable_options(as_role));
    const Session s = make(store);
    CHECK(store.get(s.id));
  }

  // A wrong password (the server refuses it) and a closed port: connection errors that name the
  // target without any piece of the password.
  const std::string wrong = "Zq7/Kx9?Vb3:Tn5#Wd9";
  const std::string closed = "postgresql://" + role + ":" + password +
                             "@127.0.0.1:" + std::to_string(test::free_port()) + "/agenthost_test";
  for (const auto &[target, secret] :
       {std::pair{url_as(url, role, wrong), wrong}, std::pair{closed, password}}) {
    INFO(target);
    SessionStore store(cache, durable_options(target));
    std::string message;
    CHECK(code_of([&] { make(store); }, &message) == Errc::connection);
    CHECK(message.find("cannot connect to PostgreSQL at postgresql://" + role +
                       ":***@127.0.0.1:") != std::string::npos);
    check_no_piece(message, secret);
  }
}

TEST_CASE("durable: options - DATABASE_URL forms, DB_POOL_SIZE, bad values name the problem") {
  CHECK(detail::normalize_pg_url("postgresql+asyncpg://u:p@h:5432/db") ==
        "postgresql://u:p@h:5432/db");
  CHECK(detail::normalize_pg_url("postgres://h/db") == "postgresql://h/db");
  CHECK(detail::normalize_pg_url("postgresql://h/db?sslmode=disable") ==
        "postgresql://h/db?sslmode=disable");
  std::string message;
  CHECK(code_of([] { detail::normalize_pg_url("mysql://u:topsecret@h/db"); }, &message) ==
        Errc::invalid_argument);
  CHECK(message.find("topsecret") == std::string::npos);
  CHECK(message.find("mysql://u:***@h/db") != std::string::npos);
  CHECK(detail::redact_pg_url("postgresql://u:pw@h/db?password=x") == "postgresql://u:***@h/db");

  ::setenv("DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1/db", 1);
  ::setenv("DB_POOL_SIZE", "7", 1);
  const SessionStoreOptions o = SessionStoreOptions::from_env();
  CHECK(o.database_url == "postgresql+asyncpg://u:p@127.0.0.1/db");
  CHECK(o.db_pool_size == 7);
  ::setenv("DB_POOL_SIZE", "0", 1);
  CHECK(code_of([] { SessionStoreOptions::from_env(); }) == Errc::invalid_argument);
  ::unsetenv("DB_POOL_SIZE");
  ::unsetenv("DATABASE_URL");
  CHECK(SessionStoreOptions::from_env().database_url.empty());

  SessionStoreOptions bad;
  bad.database_url = "redis://h";
  CHECK(code_of([&] { bad.validate(); }) == Errc::invalid_argument);
  bad.database_url = "postgresql://h/db";
  bad.db_table = "sessions; DROP TABLE x";
  CHECK(code_of([&] { bad.validate(); }) == Errc::invalid_argument);
  bad.db_table = "sessions";
  bad.db_pool_size = 0;
  CHECK(code_of([&] { bad.validate(); }) == Errc::invalid_argument);
}

TEST_CASE("durable: sql/001_sessions.sql is the migration the store applies") {
  std::ifstream in(AGENTHOST_SQL_DIR "/001_sessions.sql");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == detail::migration_sql("sessions"));
  // Its keyset and status indexes are on the very expressions the listings query by, so the
  // planner can use them.
  CHECK(text.str().find(detail::kCreatedMsSql) != std::string::npos);
  CHECK(text.str().find(detail::kStatusSql) != std::string::npos);
  // For another table, every object is that table's: no name of the default table is left.
  const std::string table = test::unique_table("migration");
  const std::string other = detail::migration_sql(table);
  for (const char *name :
       {" sessions ", " sessions\n", "ix_sessions_", "sessions_count", "'sessions'"}) {
    CAPTURE(name);
    CHECK(other.find(name) == std::string::npos);
  }
  CHECK(other.find("ix_" + table + "_owner_keyset") != std::string::npos);
  CHECK(other.find(table + "_count_truncate") != std::string::npos);
  // And it runs (twice: idempotent) on a database the store never touched.
  psql(shared_pg(), detail::migration_sql(table));
  psql(shared_pg(), detail::migration_sql(table));
}

TEST_CASE(
    "durable pool: statement_timeout is timeout, a full pool is pool_exhausted after the wait") {
  detail::PgOptions o;
  o.url = shared_pg();
  o.size = 1;
  o.statement_timeout = 100ms;
  o.wait_timeout = 100ms;
  detail::PgPool pool(o);
  std::string message;
  CHECK(code_of([&] { pool.exec("SELECT pg_sleep(5)", {}, "slow query"); }, &message) ==
        Errc::timeout);
  CHECK(message.find("slow query") != std::string::npos);
  // The connection survived the canceled statement and is reused.
  CHECK(pool.exec("SELECT 1", {}, "probe").rows() == 1);
  Errc waited = Errc::ok;
  pool.with_session([&](detail::PgSession &) {
    // The only connection is borrowed here: another borrower waits 100 ms, then gives up.
    std::thread other(
        [&] { waited = code_of([&] { pool.exec("SELECT 1", {}, "probe"); }, &message); });
    other.join();
  });
  CHECK(waited == Errc::pool_exhausted);
  CHECK(message.find("DB_POOL_SIZE=1") != std::string::npos);
  CHECK(pool.exec("SELECT 1", {}, "probe").rows() == 1);
}
