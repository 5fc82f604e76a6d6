// The memory:// interpreter on a virtual clock: expiry exactly at its deadline, reclaim of keys
// nobody reads, SCAN cursors under concurrent changes, write versions for WATCH.
#include "cache/memory/memory_commands.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "cache/memory/memory_store.hpp"

using namespace agenthost;
using namespace agenthost::detail;
using namespace std::chrono_literals;

namespace {

struct Store {
  MemoryStore store;
  MemoryClock::time_point now = MemoryClock::now();

  Reply operator()(Command c) { return execute_command(store, c, now); }
  void advance(std::chrono::milliseconds d) { now += d; }
};

std::vector<std::string> strings(const Reply &r) {
  std::vector<std::string> out;
  for (const auto &e : r.elements) out.push_back(e.str);
  return out;
}

}  // namespace

TEST_CASE("memory: a key expires exactly at its deadline") {
  Store s;
  s({"SET", "k", "v", "PX", "100"});
  s.advance(99ms);
  CHECK(s({"GET", "k"}).str == "v");
  CHECK(s({"PTTL", "k"}).integer == 1);
  s.advance(1ms);
  CHECK(s({"GET", "k"}).is_nil());
  CHECK(s({"EXISTS", "k"}).integer == 0);
  CHECK(s({"PTTL", "k"}).integer == -2);
}

TEST_CASE("memory: TTL rounds like Redis, PTTL counts down") {
  Store s;
  s({"SET", "k", "v", "EX", "10"});
  s.advance(4400ms);
  CHECK(s({"PTTL", "k"}).integer == 5600);
  CHECK(s({"TTL", "k"}).integer == 6);
  s({"EXPIRE", "k", "100"});
  CHECK(s({"TTL", "k"}).integer == 100);
}

TEST_CASE("memory: expired keys are reclaimed without being read") {
  Store s;
  for (int i = 0; i < 1000; ++i) s({"SET", "t" + std::to_string(i), "v", "PX", "10"});
  s({"SET", "keep", "v"});
  s.advance(10ms);
  s({"PING"});  // any command sweeps what is due
  std::vector<std::string> left;
  std::string cursor = "0";
  do {
    Reply r = s({"SCAN", cursor, "COUNT", "100"});
    cursor = r.elements[0].str;
    for (const auto &k : strings(r.elements[1])) left.push_back(k);
  } while (cursor != "0");
  CHECK(left == std::vector<std::string>{"keep"});
}

TEST_CASE("memory: INCR keeps the TTL, SET drops it unless KEEPTTL") {
  Store s;
  s({"SET", "n", "1", "PX", "1000"});
  s({"INCR", "n"});
  CHECK(s({"PTTL", "n"}).integer == 1000);
  s({"SET", "n", "5", "KEEPTTL"});
  CHECK(s({"PTTL", "n"}).integer == 1000);
  s({"SET", "n", "5"});
  CHECK(s({"PTTL", "n"}).integer == -1);
}

TEST_CASE("memory: SCAN returns every key that stays, exactly once, while others churn") {
  Store s;
  std::set<std::string> stable;
  for (int i = 0; i < 500; ++i) {
    stable.insert("stable:" + std::to_string(i));
    s({"SET", "stable:" + std::to_string(i), "v"});
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int step = 0, steps = 0;
  do {
    Reply r = s({"SCAN", cursor, "MATCH", "stable:*", "COUNT", "20"});
    REQUIRE(r.elements.size() == 2);
    cursor = r.elements[0].str;
    for (const auto &k : strings(r.elements[1])) seen.insert(k);
    // Churn between steps: new keys arrive, unrelated ones go.
    for (int j = 0; j < 30; ++j) s({"SET", "churn:" + std::to_string(step++), "v"});
    s({"DEL", "churn:" + std::to_string(step / 2)});
    REQUIRE(++steps < 10000);
  } while (cursor != "0");
  CHECK(seen.size() == stable.size());
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == stable);
}

TEST_CASE("memory: SCAN TYPE filters by value type") {
  Store s;
  s({"SET", "a", "v"});
  s({"SADD", "b", "m"});
  s({"ZADD", "c", "1", "m"});
  Reply r = s({"SCAN", "0", "COUNT", "1000", "TYPE", "zset"});
  CHECK(strings(r.elements[1]) == std::vector<std::string>{"c"});
}

TEST_CASE("memory: every write changes the key's version, reads do not") {
  Store s;
  CHECK(s.store.version("k") == 0);
  s({"SET", "k", "1"});
  auto v1 = s.store.version("k");
  CHECK(v1 != 0);
  s({"GET", "k"});
  s({"EXISTS", "k"});
  CHECK(s.store.version("k") == v1);
  s({"INCR", "k"});
  auto v2 = s.store.version("k");
  CHECK(v2 != v1);
  s({"EXPIRE", "k", "100"});
  CHECK(s.store.version("k") != v2);
  s({"DEL", "k"});
  CHECK(s.store.version("k") == 0);
  s({"SADD", "set", "a"});
  auto v3 = s.store.version("set");
  s({"SADD", "set", "a"});  // no change
  CHECK(s.store.version("set") == v3);
  s({"SADD", "set", "b"});
  CHECK(s.store.version("set") != v3);
}

TEST_CASE("memory: commands are case-insensitive, arity is checked before running") {
  Store s;
  CHECK(s({"set", "k", "v"}).str == "OK");
  CHECK(s({"GeT", "k"}).str == "v");
  CHECK(check_command({"get"}) ==
        std::optional<std::string>("ERR wrong number of arguments for 'get' command"));
  CHECK(check_command({"GET", "k"}) == std::nullopt);
  CHECK(check_command({"SCAN"}).has_value());
  CHECK(check_command({}).has_value());
  CHECK(s({}).is_error());
}

TEST_CASE("memory: SET EXAT/PXAT use wall-clock deadlines, one in the past deletes") {
  Store s;
  auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  s({"SET", "k", "v", "PXAT", std::to_string(unix_ms + 60000)});
  auto left = s({"PTTL", "k"}).integer;
  CHECK(left > 50000);
  CHECK(left <= 60000);
  s({"SET", "k", "v", "PXAT", std::to_string(unix_ms - 1000)});
  CHECK(s({"EXISTS", "k"}).integer == 0);
}

TEST_CASE("memory: an unknown command echoes its name and arguments capped like Redis 7") {
  Store s;
  CHECK(s({"NOSUCH", "a\nb", "c"}).str ==
        "ERR unknown command 'NOSUCH', with args beginning with: 'a b' 'c' ");

  // Redis quotes arguments until about 128 bytes are used, cutting the last one to fit.
  const std::string big(200, 'a');
  CHECK(s({"NOSUCH", big, "x"}).str ==
        "ERR unknown command 'NOSUCH', with args beginning with: '" + std::string(128, 'a') + "' ");
  CHECK(s({"NOSUCH", "ab", big}).str ==
        "ERR unknown command 'NOSUCH', with args beginning with: "
        "'ab' '" +
            std::string(123, 'a') + "' ");

  const std::string huge(1 << 20, 'z');
  auto reply = s({huge, huge, huge});
  CHECK(reply.is_error());
  CHECK(reply.str.size() < 400);
  CHECK(reply.str.find("'" + std::string(128, 'z') + "', with args") != std::string::npos);
}
