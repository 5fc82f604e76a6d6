// Contract: scan, sets, sorted sets and WRONGTYPE, on every backend.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "contract.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using test::contract_client;
using test::contract_prefix;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> members_of(const std::vector<ScoredMember> &v) {
  std::vector<std::string> out;
  for (const auto &m : v) out.push_back(m.member);
  return out;
}

std::vector<double> scores_of(const std::vector<ScoredMember> &v) {
  std::vector<double> out;
  for (const auto &m : v) out.push_back(m.score);
  return out;
}

ZRangeQuery by_score(double min, double max, bool reverse = false, std::int64_t offset = 0,
                     std::int64_t count = -1) {
  ZRangeQuery q;
  q.by = ZRangeQuery::By::score;
  q.min = min;
  q.max = max;
  q.reverse = reverse;
  q.offset = offset;
  q.count = count;
  return q;
}

ZRangeQuery by_rank(std::int64_t start, std::int64_t stop, bool reverse = false) {
  ZRangeQuery q;
  q.start = start;
  q.stop = stop;
  q.reverse = reverse;
  return q;
}

bool is_wrongtype(const Error &e) {
  return e.code() == Errc::protocol &&
         std::string(e.what()).find(
             "WRONGTYPE Operation against a key holding the wrong kind of value") !=
             std::string::npos;
}

}  // namespace

TEST_CASE("contract: scan finds exactly the matching keys, each once") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("scan");
  Batch batch;
  std::vector<std::string> expected;
  for (int i = 0; i < 2500; ++i) {
    std::string k = p + "item:" + std::to_string(i);
    batch.add({"SET", k, "v"});
    expected.push_back(k);
  }
  batch.add({"SET", p + "other:1", "v"});
  c.execute(batch);
  auto keys = c.scan(p + "item:*");
  CHECK(keys.size() == 2500);
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
  CHECK(sorted(keys) == sorted(expected));
  c.del(expected);
}

TEST_CASE("contract: scan stops at the cap") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("scancap");
  Batch batch;
  std::vector<std::string> all;
  for (int i = 0; i < 300; ++i) {
    all.push_back(p + std::to_string(i));
    batch.add({"SET", all.back(), "v"});
  }
  c.execute(batch);
  auto keys = c.scan(p + "*", 120);
  CHECK(keys.size() == 120);
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 120);
  for (const auto &k : keys) CHECK(k.rfind(p, 0) == 0);
  CHECK(c.scan(p + "*", 0).empty());
  CHECK_THROWS_AS(c.scan(""), Error);
  c.del(all);
}

TEST_CASE("contract: scan patterns use Redis' glob syntax") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("glob");
  for (const char *k : {"a1", "a2", "b1", "ab", "a*", "a?x"}) c.set(p + k, "v");
  CHECK(sorted(c.scan(p + "a?")) == sorted({p + "a1", p + "a2", p + "ab", p + "a*"}));
  CHECK(sorted(c.scan(p + "[ab]1")) == sorted({p + "a1", p + "b1"}));
  CHECK(sorted(c.scan(p + "[^a]*")) == sorted({p + "b1"}));
  CHECK(sorted(c.scan(p + "a\\*")) == sorted({p + "a*"}));
  CHECK(sorted(c.scan(p + "a[1-2]")) == sorted({p + "a1", p + "a2"}));
  CHECK(c.scan(p + "zzz*").empty());
}

TEST_CASE("contract: sadd, srem, smembers") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("set") + "s";
  CHECK(c.smembers(k).empty());
  CHECK(c.sadd(k, {"a", "b", "a"}) == 2);
  CHECK(c.sadd(k, {"b", "c"}) == 1);
  CHECK(c.sadd(k, {}) == 0);
  CHECK(sorted(c.smembers(k)) == std::vector<std::string>{"a", "b", "c"});
  CHECK(c.srem(k, {"a", "zz"}) == 1);
  CHECK(c.srem(k, {}) == 0);
  CHECK(sorted(c.smembers(k)) == std::vector<std::string>{"b", "c"});
  CHECK(c.srem(k, {"b", "c"}) == 2);
  CHECK_FALSE(c.exists(k));  // an emptied set is deleted
  CHECK(c.srem(k, {"b"}) == 0);
}

TEST_CASE("contract: set members are binary-safe") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("setbin") + "s";
  std::string m("x\0y", 3);
  CHECK(c.sadd(k, {m, ""}) == 2);
  CHECK(sorted(c.smembers(k)) == sorted({m, ""}));
}

TEST_CASE("contract: zadd, zcard, zrem") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zset") + "z";
  CHECK(c.zcard(k) == 0);
  CHECK(c.zadd(k, {{"a", 1}, {"b", 2}}) == 2);
  CHECK(c.zadd(k, {{"a", 5}, {"c", 3}}) == 1);  // a's score updated, c added
  CHECK(c.zadd(k, {}) == 0);
  CHECK(c.zcard(k) == 3);
  CHECK(members_of(c.zrange(k, {})) == std::vector<std::string>{"b", "c", "a"});
  CHECK(c.zrem(k, {"b", "nope"}) == 1);
  CHECK(c.zcard(k) == 2);
  CHECK(c.zrem(k, {"a", "c"}) == 2);
  CHECK_FALSE(c.exists(k));  // an emptied sorted set is deleted
}

TEST_CASE("contract: zrange by rank, reversed, negative ranks") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zrank") + "z";
  c.zadd(k, {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}});
  CHECK(members_of(c.zrange(k, by_rank(0, -1))) ==
        std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK(members_of(c.zrange(k, by_rank(1, 2))) == std::vector<std::string>{"b", "c"});
  CHECK(members_of(c.zrange(k, by_rank(-2, -1))) == std::vector<std::string>{"d", "e"});
  CHECK(members_of(c.zrange(k, by_rank(0, 1, true))) == std::vector<std::string>{"e", "d"});
  CHECK(members_of(c.zrange(k, by_rank(3, 100))) == std::vector<std::string>{"d", "e"});
  CHECK(c.zrange(k, by_rank(3, 1)).empty());
  CHECK(c.zrange(k, by_rank(10, 20)).empty());
  CHECK(scores_of(c.zrange(k, by_rank(0, 1))) == std::vector<double>{1, 2});
  CHECK(c.zrange(contract_prefix("zabsent") + "z", {}).empty());
}

TEST_CASE("contract: zrange by score, inclusive bounds, infinities") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zscore") + "z";
  double inf = std::numeric_limits<double>::infinity();
  c.zadd(k, {{"lo", -inf}, {"a", 1.5}, {"b", 2}, {"c", 3}, {"hi", inf}});
  CHECK(members_of(c.zrange(k, by_score(2, 3))) == std::vector<std::string>{"b", "c"});
  CHECK(members_of(c.zrange(k, by_score(-inf, 1.5))) == std::vector<std::string>{"lo", "a"});
  CHECK(members_of(c.zrange(k, by_score(3, inf))) == std::vector<std::string>{"c", "hi"});
  CHECK(c.zrange(k, by_score(3, 2)).empty());
  auto all = c.zrange(k, by_score(-inf, inf));
  REQUIRE(all.size() == 5);
  CHECK(std::isinf(all.front().score));
  CHECK(all.front().score < 0);
  CHECK(std::isinf(all.back().score));
  CHECK(all.back().score > 0);
}

TEST_CASE("contract: zrange by score reversed with limit pages newest first") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zpage") + "z";
  std::vector<ScoredMember> items;
  for (int i = 1; i <= 10; ++i) items.push_back({"m" + std::to_string(i), double(i)});
  c.zadd(k, items);
  CHECK(members_of(c.zrange(k, by_score(3, 8, true))) ==
        std::vector<std::string>{"m8", "m7", "m6", "m5", "m4", "m3"});
  CHECK(members_of(c.zrange(k, by_score(3, 8, true, 0, 2))) ==
        std::vector<std::string>{"m8", "m7"});
  CHECK(members_of(c.zrange(k, by_score(3, 8, true, 2, 2))) ==
        std::vector<std::string>{"m6", "m5"});
  CHECK(members_of(c.zrange(k, by_score(3, 8, false, 4, 10))) ==
        std::vector<std::string>{"m7", "m8"});
  CHECK(members_of(c.zrange(k, by_score(3, 8, false, 5))) == std::vector<std::string>{"m8"});
  CHECK(c.zrange(k, by_score(3, 8, false, 0, 0)).empty());
  CHECK(c.zrange(k, by_score(3, 8, false, 50, 2)).empty());
}

TEST_CASE("contract: zrange orders ties by member, reversed under REV") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zties") + "z";
  c.zadd(k, {{"b", 1}, {"c", 1}, {"a", 1}, {"z", 0}, {std::string("a\0", 2), 1}});
  CHECK(members_of(c.zrange(k, {})) ==
        std::vector<std::string>{"z", "a", std::string("a\0", 2), "b", "c"});
  CHECK(members_of(c.zrange(k, by_rank(0, -1, true))) ==
        std::vector<std::string>{"c", "b", std::string("a\0", 2), "a", "z"});
  CHECK(members_of(c.zrange(k, by_score(1, 1, true, 1, 2))) ==
        std::vector<std::string>{"b", std::string("a\0", 2)});
}

TEST_CASE("contract: scores round-trip exactly") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zexact") + "z";
  std::vector<double> values = {
      0.1, 1.0 / 3, -2.5e-300, 1.7976931348623157e308, 1767978000123.0, -0.0, 123456789.123456789};
  std::vector<ScoredMember> items;
  for (std::size_t i = 0; i < values.size(); ++i)
    items.push_back({"m" + std::to_string(i), values[i]});
  c.zadd(k, items);
  auto got = c.zrange(k, {});
  REQUIRE(got.size() == values.size());
  for (const auto &m : got) {
    double expected = values[std::stoul(m.member.substr(1))];
    CHECK(m.score == expected);
  }
  // An exact score as a range bound selects exactly that member.
  CHECK(members_of(c.zrange(k, by_score(1.0 / 3, 1.0 / 3))).size() == 1);
}

TEST_CASE("contract: invalid zrange queries and NaN scores are invalid_argument") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("zinvalid") + "z";
  auto invalid =
      Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::invalid_argument; });
  CHECK_THROWS_MATCHES(c.zadd(k, {{"m", std::nan("")}}), Error, invalid);
  ZRangeQuery q = by_rank(0, -1);
  q.count = 2;
  CHECK_THROWS_MATCHES(c.zrange(k, q), Error, invalid);
  CHECK_THROWS_MATCHES(c.zrange(k, by_score(0, 1, false, -1, 2)), Error, invalid);
  CHECK_THROWS_MATCHES(c.zrange(k, by_score(std::nan(""), 1)), Error, invalid);
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: an operation on a key of the wrong type is protocol with WRONGTYPE") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("wrongtype");
  c.set(p + "str", "v");
  c.sadd(p + "set", {"m"});
  c.zadd(p + "zset", {{"m", 1}});
  auto wrong = Catch::Predicate<Error>(is_wrongtype, "protocol error with Redis' WRONGTYPE text");
  CHECK_THROWS_MATCHES(c.get(p + "set"), Error, wrong);
  CHECK_THROWS_MATCHES(c.incr(p + "zset"), Error, wrong);
  CHECK_THROWS_MATCHES(c.sadd(p + "str", {"x"}), Error, wrong);
  CHECK_THROWS_MATCHES(c.srem(p + "zset", {"x"}), Error, wrong);
  CHECK_THROWS_MATCHES(c.smembers(p + "zset"), Error, wrong);
  CHECK_THROWS_MATCHES(c.zadd(p + "set", {{"x", 1}}), Error, wrong);
  CHECK_THROWS_MATCHES(c.zrem(p + "str", {"x"}), Error, wrong);
  CHECK_THROWS_MATCHES(c.zcard(p + "set"), Error, wrong);
  CHECK_THROWS_MATCHES(c.zrange(p + "str", {}), Error, wrong);
  // SET replaces a value of any type.
  c.set(p + "set", "now a string");
  CHECK(c.get(p + "set") == std::optional<std::string>("now a string"));
}
