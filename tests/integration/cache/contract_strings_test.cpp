// Contract: strings and keys (get/set/TTL/exists/incr/del), on every backend.
#include <sys/mman.h>

#include <catch2/catch.hpp>

#include "contract.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using test::contract_client;
using test::contract_prefix;
using test::eventually;

TEST_CASE("contract: ping answers") {
  CacheClient c = contract_client();
  REQUIRE_NOTHROW(c.ping());
  CHECK(c.is_memory() == (std::string(test::contract_backend()) == "memory"));
}

TEST_CASE("contract: get of an absent key is nullopt") {
  CacheClient c = contract_client();
  CHECK_FALSE(c.get(contract_prefix("absent") + "k").has_value());
}

TEST_CASE("contract: set then get returns the value, set overwrites") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("set") + "k";
  c.set(k, "one");
  CHECK(c.get(k) == std::optional<std::string>("one"));
  c.set(k, "two");
  CHECK(c.get(k) == std::optional<std::string>("two"));
}

TEST_CASE("contract: empty values are stored, not absent") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("empty") + "k";
  c.set(k, "");
  auto v = c.get(k);
  REQUIRE(v.has_value());
  CHECK(v->empty());
  CHECK(c.exists(k));
}

TEST_CASE("contract: values and keys are binary-safe") {
  CacheClient c = contract_client();
  std::string value("a\0b\r\n\xff\x00z", 8);
  std::string key = contract_prefix("binary") + std::string("k\0\n\xfe", 4);
  c.set(key, value);
  auto v = c.get(key);
  REQUIRE(v.has_value());
  CHECK(v->size() == 8);
  CHECK(*v == value);
  CHECK(c.del(key) == 1);
}

TEST_CASE("contract: a large value round-trips") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("large") + "k";
  std::string value(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 131 % 251);
  c.set(k, value);
  CHECK(c.get(k) == std::optional<std::string>(value));
  c.del(k);
}

TEST_CASE("contract: an empty key is invalid_argument before any round trip") {
  CacheClient c = contract_client();
  auto is_invalid = [](auto &&f) {
    try {
      f();
    } catch (const Error &e) {
      return e.code() == Errc::invalid_argument && std::string(e.what()) == "key is empty";
    }
    return false;
  };
  CHECK(is_invalid([&] { c.get(""); }));
  CHECK(is_invalid([&] { c.set("", "v"); }));
  CHECK(is_invalid([&] { c.set_if_absent("", "v"); }));
  CHECK(is_invalid([&] { c.del(std::string_view("")); }));
  CHECK(is_invalid([&] { c.del(std::vector<std::string>{"a", ""}); }));
  CHECK(is_invalid([&] { c.exists(""); }));
  CHECK(is_invalid([&] { c.expire("", 1000ms); }));
  CHECK(is_invalid([&] { c.ttl(""); }));
  CHECK(is_invalid([&] { c.incr(""); }));
  CHECK(is_invalid([&] { c.mget({"a", ""}); }));
  CHECK(is_invalid([&] { c.sadd("", {"m"}); }));
  CHECK(is_invalid([&] { c.zadd("", {{"m", 1}}); }));
  CHECK(is_invalid([&] { c.zrange("", {}); }));
  CHECK(is_invalid([&] { c.lock_acquire("", 1000ms); }));
}

TEST_CASE("contract: negative TTLs are invalid_argument") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("negttl") + "k";
  CHECK_THROWS_MATCHES(c.set(k, "v", -5ms), Error, Catch::Predicate<Error>([](const Error &e) {
                         return e.code() == Errc::invalid_argument;
                       }));
  CHECK_THROWS_AS(c.expire(k, 0ms), Error);
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: a key set with a TTL expires") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("ttl") + "k";
  c.set(k, "v", 150ms);
  auto left = c.ttl(k);
  REQUIRE(left.has_value());
  CHECK(left->count() > 0);
  CHECK(left->count() <= 150);
  CHECK(eventually([&] { return !c.get(k).has_value(); }));
  CHECK_FALSE(c.exists(k));
  CHECK_FALSE(c.ttl(k).has_value());
}

TEST_CASE("contract: ttl is -1 ms for a key without expiry and nullopt when absent") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("ttlnone") + "k";
  CHECK_FALSE(c.ttl(k).has_value());
  c.set(k, "v");
  CHECK(c.ttl(k) == std::optional<std::chrono::milliseconds>(-1ms));
}

TEST_CASE("contract: set without TTL clears an earlier TTL") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("ttlclear") + "k";
  c.set(k, "v", 60s);
  c.set(k, "w");
  CHECK(c.ttl(k) == std::optional<std::chrono::milliseconds>(-1ms));
}

TEST_CASE("contract: expire sets a TTL on an existing key only") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("expire") + "k";
  CHECK_FALSE(c.expire(k, 1000ms));
  c.set(k, "v");
  CHECK(c.expire(k, 100ms));
  CHECK(eventually([&] { return !c.exists(k); }));
}

TEST_CASE("contract: set_if_absent writes only the first time") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("nx") + "k";
  CHECK(c.set_if_absent(k, "first"));
  CHECK_FALSE(c.set_if_absent(k, "second"));
  CHECK(c.get(k) == std::optional<std::string>("first"));
}

TEST_CASE("contract: set_if_absent with a TTL can write again after expiry") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("nxttl") + "k";
  CHECK(c.set_if_absent(k, "first", 100ms));
  CHECK_FALSE(c.set_if_absent(k, "second", 100ms));
  CHECK(eventually([&] { return c.set_if_absent(k, "third", 60s); }));
  CHECK(c.get(k) == std::optional<std::string>("third"));
}

TEST_CASE("contract: exists and del") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("del");
  CHECK_FALSE(c.exists(p + "a"));
  CHECK(c.del(p + "a") == 0);
  c.set(p + "a", "1");
  c.set(p + "b", "2");
  CHECK(c.exists(p + "a"));
  CHECK(c.del(p + "a") == 1);
  CHECK_FALSE(c.exists(p + "a"));
  CHECK(c.del(std::vector<std::string>{}) == 0);
  c.set(p + "a", "1");
  CHECK(c.del(std::vector<std::string>{p + "a", p + "b", p + "c"}) == 2);
  CHECK_FALSE(c.exists(p + "b"));
}

TEST_CASE("contract: del of more keys than one chunk") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("delmany");
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back(p + std::to_string(i));
  agenthost::Batch batch;
  for (int i = 0; i < 2500; i += 2) batch.add({"SET", keys[static_cast<std::size_t>(i)], "v"});
  c.execute(batch);
  CHECK(c.del(keys) == 1250);
  CHECK(c.mget(keys) == std::vector<std::optional<std::string>>(2500));
}

TEST_CASE("contract: incr counts from zero, by any step, and keeps the TTL") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("incr") + "k";
  CHECK(c.incr(k) == 1);
  CHECK(c.incr(k, 41) == 42);
  CHECK(c.incr(k, -50) == -8);
  CHECK(c.get(k) == std::optional<std::string>("-8"));
  c.expire(k, 60s);
  c.incr(k);
  auto left = c.ttl(k);
  REQUIRE(left.has_value());
  CHECK(left->count() > 0);
}

TEST_CASE("contract: incr of a non-integer is protocol with Redis' text") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("incrbad") + "k";
  c.set(k, "abc");
  try {
    c.incr(k);
    FAIL("incr of a non-integer did not throw");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::protocol);
    CHECK_THAT(e.what(), Catch::Contains("INCRBY failed") &&
                             Catch::Contains("ERR value is not an integer or out of range"));
  }
  CHECK(c.get(k) == std::optional<std::string>("abc"));
}

TEST_CASE("contract: incr past INT64_MAX is protocol, value unchanged") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("incrovf") + "k";
  c.set(k, "9223372036854775807");
  CHECK_THROWS_MATCHES(c.incr(k), Error, Catch::Predicate<Error>([](const Error &e) {
                         return e.code() == Errc::protocol &&
                                std::string(e.what()).find("overflow") != std::string::npos;
                       }));
  CHECK(c.get(k) == std::optional<std::string>("9223372036854775807"));
}

TEST_CASE("contract: mget of 5000 keys, some absent, keeps the order") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("mget");
  std::vector<std::string> keys;
  agenthost::Batch batch;
  for (int i = 0; i < 5000; ++i) {
    keys.push_back(p + std::to_string(i));
    if (i % 3 != 0) batch.add({"SET", keys.back(), "v" + std::to_string(i)});
  }
  c.execute(batch);
  auto values = c.mget(keys);
  REQUIRE(values.size() == 5000);
  int mismatches = 0;
  for (int i = 0; i < 5000; ++i) {
    auto expected = i % 3 != 0 ? std::optional<std::string>("v" + std::to_string(i)) : std::nullopt;
    if (values[static_cast<std::size_t>(i)] != expected) ++mismatches;
  }
  CHECK(mismatches == 0);
  std::vector<std::string> taken = keys;  // the overload that takes its keys gives the same
  CHECK(c.mget(std::move(taken)) == values);
  CHECK(c.mget({}).empty());
  c.del(keys);
}

TEST_CASE("contract: mget returns nullopt for a key of another type") {
  CacheClient c = contract_client();
  std::string p = contract_prefix("mgettype");
  c.sadd(p + "set", {"m"});
  c.set(p + "str", "v");
  auto values = c.mget({p + "set", p + "str"});
  CHECK_FALSE(values[0].has_value());
  CHECK(values[1] == std::optional<std::string>("v"));
}

TEST_CASE("contract: a value over Redis' 512 MiB limit is invalid_argument") {
  CacheClient c = contract_client();
  std::string k = contract_prefix("huge") + "k";
  // Reserved, never touched: the size check must refuse it before reading a byte.
  const std::size_t size = 512u * 1024u * 1024u + 1u;
  void *p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  REQUIRE(p != MAP_FAILED);
  std::string_view huge(static_cast<const char *>(p), size);
  auto invalid = Catch::Predicate<Error>([](const Error &e) {
    return e.code() == Errc::invalid_argument &&
           std::string(e.what()).find("536870913 bytes") != std::string::npos;
  });
  CHECK_THROWS_MATCHES(c.set(k, huge), Error, invalid);
  CHECK_THROWS_MATCHES(c.set_if_absent(k, huge), Error, invalid);
  ::munmap(p, size);
  CHECK_FALSE(c.exists(k));
}

TEST_CASE("contract: options() are the client's options") {
  CacheClient c = contract_client();
  CHECK(c.options().url == test::contract_url());
  PoolStats stats = c.stats();
  if (c.is_memory()) {
    CHECK(stats.open == 0);  // memory:// has no connections
    CHECK(stats.created == 0);
  } else {
    c.ping();
    CHECK(c.stats().created >= 1);
  }
}
