// Contract: locks, batches, optimistic transactions, close and move, on every backend.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "cache/cluster/cluster_slot.hpp"
#include "contract.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using test::contract_client;
using test::contract_prefix;

namespace {

bool is_hex32(const std::string &s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

template <typename F>
Errc error_code_of(F &&f) {
  try {
    f();
  } catch (const Error &e) {
    return e.code();
  }
  return Errc::ok;
}

// The JSON-ish counter the concurrency test increments: {"n":<count>}.
std::string counter_json(long n) { return "{\"n\":" + std::to_string(n) + "}"; }
long counter_value(const std::string &json) { return std::stol(json.substr(5)); }

bool on_cluster() { return std::string(test::contract_backend()) == "cluster"; }

// A key next to `key` in another hash slot (bounded search; 1 in 16384 names share a slot).
std::string other_slot_key(const std::string &key) {
  std::string other = key + ":other";
  while (detail::cluster_key_slot(other) == detail::cluster_key_slot(key)) other += "x";
  return other;
}

// A prefix whose keys share one hash slot on Redis Cluster ({hash tag}), where a transaction
// may only touch one slot; elsewhere the plain prefix.
std::string one_slot_prefix(const std::string &what) {
  std::string p = contract_prefix(what);
  return on_cluster() ? "{" + p + "}" : p;
}

// On a cluster, the same transaction over untagged keys (in different slots) is refused whole.
void check_cross_slot_refused(const std::string &what, bool transaction) {
  if (!on_cluster() || !transaction) return;
  CacheClient c = contract_client();
  std::string k = contract_prefix(what) + "k";
  Batch batch;
  batch.transaction = true;
  batch.add({"SET", k, "1"}).add({"SET", other_slot_key(k), "2"});
  CHECK(error_code_of([&] { c.execute(batch); }) == Errc::invalid_argument);
  CHECK_FALSE(c.exists(k));
}

}  // namespace

TEST_CASE("contract: of two acquirers only one gets the lock") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lock") + "l";
  auto first = c.lock_acquire(k, 10s);
  REQUIRE(first.has_value());
  CHECK(is_hex32(*first));
  CHECK_FALSE(c.lock_acquire(k, 10s).has_value());
  CHECK_FALSE(c.lock_acquire(k, 10s, 30ms).has_value());
  CHECK(c.get(k) == first);
}

TEST_CASE("contract: racing threads: exactly one wins the lock") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockrace") + "l";
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (c.lock_acquire(k, 10s)) ++winners;
    });
  }
  for (auto &t : threads) t.join();
  CHECK(winners == 1);
}

TEST_CASE("contract: releasing with a wrong token fails and keeps the lock") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockwrong") + "l";
  auto token = c.lock_acquire(k, 10s);
  REQUIRE(token.has_value());
  CHECK_FALSE(c.lock_release(k, "00000000000000000000000000000000"));
  CHECK(c.get(k) == token);
  CHECK_FALSE(c.lock_release(contract_prefix("lockabsent") + "l", *token));
  CHECK(error_code_of([&] { c.lock_release(k, ""); }) == Errc::invalid_argument);
}

TEST_CASE("contract: release then re-acquire gives a new token") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockagain") + "l";
  auto first = c.lock_acquire(k, 10s);
  REQUIRE(first.has_value());
  CHECK(c.lock_release(k, *first));
  CHECK_FALSE(c.exists(k));
  CHECK_FALSE(c.lock_release(k, *first));  // already released
  auto second = c.lock_acquire(k, 10s);
  REQUIRE(second.has_value());
  CHECK(*second != *first);
}

TEST_CASE("contract: an expired lock can be taken, the old holder's release then fails") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockexpire") + "l";
  auto first = c.lock_acquire(k, 100ms);
  REQUIRE(first.has_value());
  auto started = std::chrono::steady_clock::now();
  auto second = c.lock_acquire(k, 10s, 5s);  // waits for the expiry
  REQUIRE(second.has_value());
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK_FALSE(c.lock_release(k, *first));
  CHECK(c.get(k) == second);
  CHECK(c.lock_release(k, *second));
}

TEST_CASE("contract: a waiter gets the lock when the holder releases it") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockwait") + "l";
  auto held = c.lock_acquire(k, 30s);
  REQUIRE(held.has_value());
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    c.lock_release(k, *held);
  });
  auto got = c.lock_acquire(k, 10s, 10s);
  releaser.join();
  CHECK(got.has_value());
}

TEST_CASE("contract: invalid lock arguments") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockargs") + "l";
  CHECK(error_code_of([&] { c.lock_acquire(k, 0ms); }) == Errc::invalid_argument);
  CHECK(error_code_of([&] { c.lock_acquire(k, 1s, -1ms); }) == Errc::invalid_argument);
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: a pipelined batch returns one reply per command") {
  for (bool transaction : {false, true}) {
    CAPTURE(transaction);
    check_cross_slot_refused("batchx", transaction);
    CacheClient c = contract_client();
    std::string k = one_slot_prefix("batch") + "k";
    Batch batch;
    batch.transaction = transaction;
    batch.add({"SET", k, "5"}).add({"INCRBY", k, "2"}).add({"GET", k}).add({"GET", k + ":absent"});
    auto replies = c.execute(batch);
    REQUIRE(replies.size() == 4);
    CHECK(replies[0].type == Reply::Type::status);
    CHECK(replies[0].str == "OK");
    CHECK(replies[1].type == Reply::Type::integer);
    CHECK(replies[1].integer == 7);
    CHECK(replies[2].type == Reply::Type::string);
    CHECK(replies[2].str == "7");
    CHECK(replies[3].is_nil());
  }
}

TEST_CASE("contract: an error reply inside a batch is returned, the rest still runs") {
  for (bool transaction : {false, true}) {
    CAPTURE(transaction);
    check_cross_slot_refused("batcherrx", transaction);
    CacheClient c = contract_client();
    std::string k = one_slot_prefix("batcherr") + "k";
    Batch batch;
    batch.transaction = transaction;
    batch.add({"SET", k, "abc"}).add({"INCR", k}).add({"SET", k + ":after", "x"});
    auto replies = c.execute(batch);
    REQUIRE(replies.size() == 3);
    CHECK(replies[1].is_error());
    CHECK(replies[1].str == "ERR value is not an integer or out of range");
    CHECK(c.get(k + ":after") == std::optional<std::string>("x"));
  }
}

TEST_CASE("contract: an unknown command is an error reply in a pipeline") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("batchunknown") + "k";
  Batch batch;
  batch.add({"SET", k, "1"}).add({"NOSUCHCOMMAND", k}).add({"GET", k});
  auto replies = c.execute(batch);
  REQUIRE(replies.size() == 3);
  CHECK(replies[1].is_error());
  CHECK_THAT(replies[1].str, Catch::StartsWith("ERR unknown command"));
  CHECK(replies[2].str == "1");
}

TEST_CASE("contract: a transaction with a malformed command is discarded whole") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("execabort") + "k";
  Batch batch;
  batch.transaction = true;
  batch.add({"SET", k, "1"}).add({"GET"});  // GET without a key: refused when queued
  try {
    c.execute(batch);
    FAIL("a transaction with a malformed command was not refused");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::protocol);
    CHECK_THAT(e.what(), Catch::Contains("EXECABORT") &&
                             Catch::Contains("wrong number of arguments for 'get' command"));
  }
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: empty batches and empty commands") {
  CacheClient c = contract_client();
  CHECK(c.execute(Batch{}).empty());
  Batch batch;
  batch.add({});
  CHECK(error_code_of([&] { c.execute(batch); }) == Errc::invalid_argument);
}

TEST_CASE("contract: transact passes the watched values and commits the built commands") {
  CacheClient c = contract_client();
  if (on_cluster()) {  // watched keys in different slots: refused before anything runs
    std::string x = contract_prefix("transactx");
    auto build = [](const auto &) { return std::optional<std::vector<Command>>(); };
    CHECK(error_code_of([&] {
            c.transact({x + "a", other_slot_key(x + "a")}, build);
          }) == Errc::invalid_argument);
  }
  std::string p = one_slot_prefix("transact");
  c.set(p + "a", "1");
  std::vector<std::optional<std::string>> seen;
  auto replies = c.transact({p + "a", p + "b"}, [&](const auto &values) {
    seen = values;
    return std::optional<std::vector<Command>>({{"SET", p + "b", "2"}, {"INCR", p + "a"}});
  });
  REQUIRE(replies.has_value());
  REQUIRE(replies->size() == 2);
  CHECK((*replies)[1].integer == 2);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::optional<std::string>("1"));
  CHECK_FALSE(seen[1].has_value());
  CHECK(c.get(p + "b") == std::optional<std::string>("2"));
}

TEST_CASE("contract: transact whose builder declines writes nothing") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transactno") + "k";
  int calls = 0;
  auto replies = c.transact({k}, [&](const auto &) -> std::optional<std::vector<Command>> {
    ++calls;
    return std::nullopt;
  });
  CHECK_FALSE(replies.has_value());
  CHECK(calls == 1);
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: transact retries when a concurrent writer changes a watched key") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transactretry") + "k";
  c.set(k, "10");
  int calls = 0;
  auto replies = c.transact({k}, [&](const auto &values) {
    if (++calls == 1) c.set(k, "20");  // another writer between the read and the commit
    long n = std::stol(*values[0]);
    return std::optional<std::vector<Command>>({{"SET", k, std::to_string(n + 1)}});
  });
  REQUIRE(replies.has_value());
  CHECK(calls == 2);
  CHECK(c.get(k) == std::optional<std::string>("21"));
}

TEST_CASE("contract: transact gives up with conflict after max_attempts") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transactconflict") + "k";
  int calls = 0;
  try {
    c.transact(
        {k},
        [&](const auto &) {
          c.set(k, std::to_string(++calls));
          return std::optional<std::vector<Command>>({{"SET", k, "mine"}});
        },
        3);
    FAIL("transact did not give up");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::conflict);
    CHECK_THAT(e.what(), Catch::Contains("transaction on " + k + " aborted 3 times"));
  }
  CHECK(calls == 3);
  CHECK(c.get(k) == std::optional<std::string>("3"));
}

TEST_CASE("contract: 4 threads x 50 transact increments lose no update") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transactcount") + "k";
  c.set(k, counter_json(0));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          c.transact(
              {k},
              [&](const auto &values) {
                long n = counter_value(*values[0]);
                return std::optional<std::vector<Command>>({{"SET", k, counter_json(n + 1)}});
              },
              10000);
        } catch (const Error &) {
          ++failures;
        }
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  CHECK(c.get(k) == std::optional<std::string>(counter_json(200)));
}

TEST_CASE("contract: transact argument checks") {
  CacheClient c = contract_client();
  auto build = [](const auto &) { return std::optional<std::vector<Command>>(); };
  CHECK(error_code_of([&] { c.transact({}, build); }) == Errc::invalid_argument);
  CHECK(error_code_of([&] { c.transact({""}, build); }) == Errc::invalid_argument);
  CHECK(error_code_of([&] { c.transact({"k"}, build, 0); }) == Errc::invalid_argument);
  CHECK(error_code_of([&] { c.transact({"k"}, CacheClient::TransactionBuilder()); }) ==
        Errc::invalid_argument);
}

TEST_CASE("contract: transact on a key of another type is protocol") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transacttype") + "k";
  c.sadd(k, {"m"});
  auto build = [](const auto &) { return std::optional<std::vector<Command>>(); };
  CHECK(error_code_of([&] { c.transact({k}, build); }) == Errc::protocol);
}

TEST_CASE("contract: after close every operation is a connection error, close is idempotent") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("close") + "k";
  c.set(k, "v");
  c.close();
  c.close();
  try {
    c.get(k);
    FAIL("get after close did not throw");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::connection);
    CHECK_THAT(e.what(), Catch::Contains("closed"));
  }
  CHECK(error_code_of([&] { c.set(k, "w"); }) == Errc::connection);
  CHECK(error_code_of([&] { c.execute(Batch().add({"PING"})); }) == Errc::connection);
  CHECK(error_code_of([&] {
          c.transact({k}, [](const auto &) { return std::optional<std::vector<Command>>(); });
        }) == Errc::connection);
}

TEST_CASE("contract: a moved-from client throws instead of crashing, the target works") {
  CacheClient a = contract_client();
  std::string k = contract_prefix("move") + "k";
  a.set(k, "v");
  CacheClient b = std::move(a);
  CHECK(b.get(k) == std::optional<std::string>("v"));
  CHECK(error_code_of([&] { a.get(k); }) ==
        Errc::invalid_argument);  // NOLINT(bugprone-use-after-move)
  CHECK(error_code_of([&] { a.stats(); }) == Errc::invalid_argument);
  a.close();  // harmless
  CacheClient d = contract_client();
  d = std::move(b);
  CHECK(d.get(k) == std::optional<std::string>("v"));
}

TEST_CASE("contract: one client shared by 8 threads: no lost increments, no crossed values") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("threads");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string own = p + "own:" + std::to_string(t);
      for (int i = 0; i < 100; ++i) {
        c.incr(p + "shared");
        c.set(own, std::to_string(i));
        if (c.get(own) != std::optional<std::string>(std::to_string(i))) ++wrong;
        c.zadd(p + "z", {{own + ":" + std::to_string(i), double(i)}});
        c.sadd(p + "s", {own});
        if (i % 25 == 0 && c.scan(p + "own:*").empty()) ++wrong;
      }
    });
  }
  for (auto &t : threads) t.join();
  CHECK(wrong == 0);
  CHECK(c.get(p + "shared") == std::optional<std::string>("800"));
  CHECK(c.zcard(p + "z") == 800);
  CHECK(c.smembers(p + "s").size() == 8);
}

TEST_CASE("contract: an exception from the builder propagates, nothing is written") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("transactthrow") + "k";
  c.set(k, "1");
  auto throwing = [&](const auto &) -> std::optional<std::vector<Command>> {
    throw std::runtime_error("builder gave up");
  };
  CHECK_THROWS_WITH(c.transact({k}, throwing), "builder gave up");
  CHECK(c.get(k) == std::optional<std::string>("1"));
  // The client (and, on Redis, its connection) is fine afterwards.
  auto replies = c.transact({k}, [&](const auto &) {
    return std::optional<std::vector<Command>>({{"INCR", k}});
  });
  REQUIRE(replies.has_value());
  CHECK(c.get(k) == std::optional<std::string>("2"));
}

TEST_CASE("contract: a lock that expired cannot be released by its old token") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("lockstale") + "l";
  auto token = c.lock_acquire(k, 50ms);
  REQUIRE(token.has_value());
  CHECK(test::eventually([&] { return !c.exists(k); }));
  CHECK_FALSE(c.lock_release(k, *token));
}
