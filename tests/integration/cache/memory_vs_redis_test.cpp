// The memory:// interpreter against real Redis: the same raw commands sent to both must get the
// same replies, error texts included. This is what keeps memory:// a faithful stand-in for hosts'
// own tests.
#include <agenthost/cache_client.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "support/test_env.hpp"

using namespace agenthost;

namespace {

// Commands as space-separated words; {p} is replaced by a per-run key prefix.
const char *const kScript[] = {
    // strings and keys
    "SET {p}s hello",
    "GET {p}s",
    "SET {p}s x NX",
    "SET {p}s y XX",
    "GET {p}s",
    "SET {p}s z XX GET",
    "SET {p}new z XX",
    "GET {p}new",
    "SET {p}s v EX 0",
    "SET {p}s v PX -1",
    "SET {p}s v EX abc",
    "SET {p}s v BOGUS",
    "SET {p}s v NX XX",
    "SET {p}s v EX 10 PX 10",
    "SET {p}s v KEEPTTL EX 10",
    "SET {p}s v PX 9223372036854775807",
    "GET",
    "GET {p}a {p}b",
    "INCR {p}s",
    "SET {p}n 10",
    "INCRBY {p}n 5",
    "INCRBY {p}n x",
    "INCRBY {p}n +1",
    "DECR {p}n",
    "DECRBY {p}n 3",
    "DECRBY {p}n -9223372036854775808",
    "INCRBY {p}n 9223372036854775807",
    "INCR {p}counter",
    "SET {p}z0 007",
    "INCR {p}z0",
    "SET {p}m0 -0",
    "INCR {p}m0",
    "INCRBY {p}counter 007",
    "INCRBY {p}counter -0",
    "SET {p}zero 0",
    "INCR {p}zero",
    "SET {p}neg -12",
    "INCRBY {p}neg -3",
    "EXPIRE {p}neg 010",
    "SET {p}big 99999999999999999999",
    "INCR {p}big",
    "GET {p}n",
    "SET {p}f 1.5",
    "INCR {p}f",
    "SET {p}sp 12x",
    "INCR {p}sp",
    "EXISTS {p}s {p}s {p}none",
    "DEL {p}none",
    "DEL {p}f {p}sp {p}none",
    "TYPE {p}s",
    "TYPE {p}none",
    "EXPIRE {p}s 100",
    "TTL {p}s",
    "EXPIRE {p}s 200 NX",
    "EXPIRE {p}s 50 GT",
    "EXPIRE {p}s 50 LT",
    "TTL {p}s",
    "EXPIRE {p}s 10 XX",
    "TTL {p}s",
    "SET {p}s v2 KEEPTTL",
    "TTL {p}s",
    "SET {p}s v3",
    "TTL {p}s",
    "EXPIRE {p}s 60 GT",
    "EXPIRE {p}s 60 LT",
    "PERSIST {p}s",
    "EXPIRE {p}s 100",
    "PERSIST {p}s",
    "TTL {p}s",
    "PERSIST {p}s",
    "TTL {p}none",
    "PTTL {p}none",
    "PTTL {p}s",
    "EXPIRE {p}none 10",
    "EXPIRE {p}s abc",
    "EXPIRE {p}s 10 BAD",
    "EXPIRE {p}s 10 NX XX",
    "EXPIRE {p}s 10 GT LT",
    "EXPIRE {p}s 9223372036854775807",
    "PEXPIRE {p}s 0",
    "EXISTS {p}s",
    "MSET {p}m1 a {p}m2 b",
    "MGET {p}m1 {p}none {p}m2",
    "MSET {p}m1",
    "MGET",
    "PING",
    "PING hi",
    "PING a b",
    "ECHO x",
    "NOSUCHCOMMAND a b",
    "nosuch",
    // sets
    "SADD {p}set a b c",
    "SADD {p}set a",
    "SCARD {p}set",
    "SISMEMBER {p}set a",
    "SISMEMBER {p}set z",
    "SMEMBERS {p}set",
    "SREM {p}set a z",
    "SREM {p}set b c",
    "EXISTS {p}set",
    "SCARD {p}set",
    "SMEMBERS {p}none",
    "SADD {p}set",
    "SADD {p}s2 x",
    "GET {p}s2",
    "INCR {p}s2",
    "ZADD {p}s2 1 a",
    "SET {p}str v",
    "SADD {p}str a",
    "SMEMBERS {p}str",
    "SCARD {p}str",
    "SREM {p}str a",
    "TYPE {p}s2",
    // sorted sets
    "ZADD {p}z 1 a 2 b 3 c",
    "ZADD {p}z NX 5 a 4 d",
    "ZADD {p}z XX 6 a 7 e",
    "ZADD {p}z CH 1 a 2 b",
    "ZADD {p}z GT 0 a",
    "ZADD {p}z GT CH 10 a",
    "ZADD {p}z LT CH 1 a",
    "ZADD {p}z NX XX 1 a",
    "ZADD {p}z GT LT 1 a",
    "ZADD {p}z GT NX 1 a",
    "ZADD {p}z 1",
    "ZADD {p}z 1 a 2",
    "ZADD {p}z abc a",
    "ZADD {p}z nan a",
    "ZADD {p}z 1e400 a",
    "ZADD {p}z +inf top -inf bottom",
    "ZADD {p}z INCR 2 a",
    "ZADD {p}z INCR 1 a 2 b",
    "ZADD {p}z NX INCR 2 a",
    "ZADD {p}z XX INCR 2 zz",
    "ZADD {p}z INCR +inf top",
    "ZADD {p}z INCR -inf top",
    "ZADD {p}zx XX 1 a",
    "EXISTS {p}zx",
    "ZSCORE {p}z top",
    "ZSCORE {p}z a",
    "ZSCORE {p}z none",
    "ZSCORE {p}none a",
    "ZCARD {p}z",
    "ZCARD {p}none",
    "ZRANGE {p}z 0 -1 WITHSCORES",
    "ZRANGE {p}z 0 -1 REV",
    "ZRANGE {p}z 1 2",
    "ZRANGE {p}z -2 -1 WITHSCORES",
    "ZRANGE {p}z 5 1",
    "ZRANGE {p}z 100 200",
    "ZRANGE {p}z -100 1",
    "ZRANGE {p}z (1 3 BYSCORE",
    "ZRANGE {p}z 1 (3 BYSCORE WITHSCORES",
    "ZRANGE {p}z (1 (3 BYSCORE",
    "ZRANGE {p}z 3 1 BYSCORE REV",
    "ZRANGE {p}z (3 1 BYSCORE REV",
    "ZRANGE {p}z 3 (1 BYSCORE REV WITHSCORES",
    "ZRANGE {p}z +inf -inf BYSCORE REV LIMIT 1 2",
    "ZRANGE {p}z -inf +inf BYSCORE LIMIT 2 -1",
    "ZRANGE {p}z -inf +inf BYSCORE LIMIT -1 2",
    "ZRANGE {p}z -inf +inf BYSCORE LIMIT 0 0",
    "ZRANGE {p}z (+inf +inf BYSCORE",
    "ZRANGE {p}z -inf (-inf BYSCORE",
    "ZRANGE {p}z 3 1 BYSCORE",
    "ZRANGE {p}z 0 1 LIMIT 0 1",
    "ZRANGE {p}z a b BYSCORE",
    "ZRANGE {p}z a b",
    "ZRANGE {p}z 0 1 BOGUS",
    "ZRANGE {p}z -inf +inf BYSCORE LIMIT 0",
    "ZRANGEBYSCORE {p}z -inf +inf WITHSCORES LIMIT 0 2",
    "ZREVRANGEBYSCORE {p}z +inf -inf LIMIT 1 1",
    "ZREVRANGEBYSCORE {p}z 5 (1",
    "ZREVRANGE {p}z 0 1 WITHSCORES",
    "ZCOUNT {p}z 1 (3",
    "ZCOUNT {p}z -inf +inf",
    "ZCOUNT {p}z x 1",
    "ZADD {p}t 1 b 1 a 1 c 0 z 2 y",
    "ZRANGE {p}t 0 -1",
    "ZRANGE {p}t 0 -1 REV",
    "ZRANGE {p}t 1 1 BYSCORE REV LIMIT 1 1",
    "ZADD {p}d 0.1 a 1e10 b 1.5 c 1e25 d -0.0 e 1e-300 f",
    "ZRANGE {p}d 0 -1 WITHSCORES",
    "ZSCORE {p}d a",
    "ZREM {p}z a b none",
    "ZREM {p}none a",
    "ZREM {p}d a b c d e f",
    "EXISTS {p}d",
    "ZCARD {p}str",
    "ZRANGE {p}str 0 1",
    "ZSCORE {p}str a",
    "ZREM {p}str a",
    "ZADD {p}str 1 a",
    "ZCOUNT {p}str 0 1",
    "ZRANGE {p}z 0 -1 WITHSCORES",
};

Command words(const std::string &line, const std::string &prefix) {
  std::istringstream in(line);
  Command out;
  for (std::string w; in >> w;) {
    for (auto at = w.find("{p}"); at != std::string::npos; at = w.find("{p}")) {
      w.replace(at, 3, prefix);
    }
    out.push_back(w);
  }
  return out;
}

std::string describe(const Reply &r) {
  switch (r.type) {
    case Reply::Type::nil:
      return "(nil)";
    case Reply::Type::integer:
      return "(integer) " + std::to_string(r.integer);
    case Reply::Type::string:
      return "\"" + r.str + "\"";
    case Reply::Type::status:
      return "+" + r.str;
    case Reply::Type::error:
      return "-" + r.str;
    case Reply::Type::array: {
      std::string s = "[";
      for (const auto &e : r.elements) s += describe(e) + ", ";
      return s + "]";
    }
  }
  return "?";
}

Reply run(CacheClient &c, const Command &command) {
  Reply r = c.execute(Batch().add(command)).at(0);
  // Set members come in no particular order.
  if (!command.empty() && (command[0] == "SMEMBERS") && r.type == Reply::Type::array) {
    std::sort(r.elements.begin(), r.elements.end(),
              [](const Reply &a, const Reply &b) { return a.str < b.str; });
  }
  return r;
}

}  // namespace

TEST_CASE("memory:// answers every scripted command exactly as Redis does") {
  std::string url = test::shared_redis_url();
  REQUIRE_FALSE(url.empty());
  CacheOptions redis_options;
  redis_options.url = url;
  CacheClient redis(redis_options);
  CacheOptions memory_options;
  memory_options.url = "memory://";
  CacheClient memory(memory_options);
  std::string prefix = test::unique_prefix("mvr");
  int mismatches = 0;
  for (const char *line : kScript) {
    Command command = words(line, prefix);
    std::string expected = describe(run(redis, command));
    std::string got = describe(run(memory, command));
    if (expected != got) {
      ++mismatches;
      UNSCOPED_INFO(line << "\n    redis:  " << expected << "\n    memory: " << got);
    }
  }
  CHECK(mismatches == 0);
}
