#include "cache/redis/redis_url.hpp"

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <string>

using agenthost::Errc;
using agenthost::Error;
using agenthost::detail::is_cluster_url;
using agenthost::detail::parse_cluster_url;
using agenthost::detail::parse_redis_url;
using agenthost::detail::redact_redis_url;
using agenthost::detail::RedisEndpoint;
using Kind = RedisEndpoint::Kind;

namespace {
// The code and message of the error parse_redis_url throws (Errc::ok when it does not throw).
std::pair<Errc, std::string> failure(const std::string &url) {
  try {
    parse_redis_url(url);
  } catch (const Error &e) {
    return {e.code(), e.what()};
  }
  return {Errc::ok, {}};
}
}  // namespace

TEST_CASE("redis:// URLs with host and port and db and defaults", "[redis_url]") {
  auto ep = parse_redis_url("redis://localhost:6379/0");
  CHECK(ep.kind == Kind::tcp);
  CHECK(ep.host == "localhost");
  CHECK(ep.port == 6379);
  CHECK(ep.db == 0);
  CHECK(ep.user.empty());
  CHECK(ep.password.empty());

  ep = parse_redis_url("redis://cache.internal");
  CHECK(ep.host == "cache.internal");
  CHECK(ep.port == 6379);
  CHECK(ep.db == 0);

  ep = parse_redis_url("redis://10.1.2.3:7000/");
  CHECK(ep.host == "10.1.2.3");
  CHECK(ep.port == 7000);
  CHECK(ep.db == 0);

  ep = parse_redis_url("redis://h:1/15");
  CHECK(ep.port == 1);
  CHECK(ep.db == 15);
  CHECK(parse_redis_url("redis://h:65535").port == 65535);
  CHECK(parse_redis_url("redis://h/2147483647").db == 2147483647u);
  CHECK(parse_redis_url("redis://h?db=4").db == 4);
  CHECK(parse_redis_url("REDIS://h:6380/1").port == 6380);
}

TEST_CASE("redis:// URLs: IPv6 literals in brackets", "[redis_url]") {
  auto ep = parse_redis_url("redis://[::1]:6380/2");
  CHECK(ep.host == "::1");
  CHECK(ep.port == 6380);
  CHECK(ep.db == 2);
  CHECK(ep.describe() == "[::1]:6380");
  ep = parse_redis_url("redis://[fe80::1]");
  CHECK(ep.host == "fe80::1");
  CHECK(ep.port == 6379);
}

TEST_CASE("redis:// URLs with user and password and percent-decoding", "[redis_url]") {
  auto ep = parse_redis_url("redis://:s3cret@h:6379/1");
  CHECK(ep.user.empty());
  CHECK(ep.password == "s3cret");
  CHECK(ep.db == 1);

  ep = parse_redis_url("redis://alice:pw@h");
  CHECK(ep.user == "alice");
  CHECK(ep.password == "pw");

  ep = parse_redis_url("redis://al%69ce:p%40ss%3Aw%2Frd%25%3f@h:7/3");
  CHECK(ep.user == "alice");
  CHECK(ep.password == "p@ss:w/rd%?");
  CHECK(ep.host == "h");
  CHECK(ep.port == 7);
  CHECK(ep.db == 3);

  // Unencoded '@', '/' and '?' in a password: the last '@' ends the user-info.
  ep = parse_redis_url("redis://:a@b/c?d@h:9/4");
  CHECK(ep.password == "a@b/c?d");
  CHECK(ep.host == "h");
  CHECK(ep.port == 9);
  CHECK(ep.db == 4);

  ep = parse_redis_url("redis://:@h");  // empty password = no AUTH
  CHECK(ep.password.empty());
  CHECK(ep.describe() == "h:6379");
}

TEST_CASE("unix:// URLs: path and ?db=", "[redis_url]") {
  auto ep = parse_redis_url("unix:///run/redis/redis.sock");
  CHECK(ep.kind == Kind::unix_socket);
  CHECK(ep.path == "/run/redis/redis.sock");
  CHECK(ep.db == 0);
  ep = parse_redis_url("unix:///tmp/r.sock?db=5");
  CHECK(ep.path == "/tmp/r.sock");
  CHECK(ep.db == 5);
  ep = parse_redis_url("unix://:pw@/tmp/my%20r.sock");
  CHECK(ep.path == "/tmp/my r.sock");
  CHECK(ep.password == "pw");
  CHECK(ep.describe() == "unix:/tmp/my r.sock");
}

TEST_CASE("memory:// URL", "[redis_url]") {
  CHECK(parse_redis_url("memory://").kind == Kind::memory);
  CHECK(failure("memory://x").first == Errc::invalid_argument);
}

TEST_CASE("rediss:// is the TLS form of redis://", "[redis_url]") {
  auto ep = parse_redis_url("rediss://bob:top%40secret@redis.example.com:6380/4");
  CHECK(ep.tls);
  CHECK(ep.kind == Kind::tcp);
  CHECK(ep.host == "redis.example.com");
  CHECK(ep.port == 6380);
  CHECK(ep.user == "bob");
  CHECK(ep.password == "top@secret");
  CHECK(ep.db == 4);
  CHECK(parse_redis_url("REDISS://h").tls);
  CHECK(parse_redis_url("rediss://h").port == 6379);
  CHECK_FALSE(parse_redis_url("redis://h").tls);
  auto [code, message] = failure("rediss://:topsecret@h:0/0");
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("topsecret") == std::string::npos);
}

TEST_CASE("rediss+cluster:// seeds are all TLS", "[redis_url]") {
  auto seeds = parse_cluster_url("rediss+cluster://:pw@10.0.0.1:7000,10.0.0.2:7001");
  REQUIRE(seeds.size() == 2);
  CHECK(seeds[0].tls);
  CHECK(seeds[1].tls);
  CHECK(seeds[1].password == "pw");
  CHECK(is_cluster_url("rediss+cluster://h:1"));
  CHECK(parse_redis_url("rediss+cluster://h:1").tls);
  CHECK_FALSE(parse_cluster_url("redis+cluster://h:1").front().tls);
}

TEST_CASE("malformed URLs are invalid_argument naming the problem", "[redis_url]") {
  const std::pair<const char *, const char *> cases[] = {
      {"", "expected redis://"},
      {"localhost:6379", "expected redis://"},
      {"://h", "expected redis://"},
      {"http://h:6379", "unknown scheme 'http'"},
      {"redis://", "missing host"},
      {"redis:///0", "missing host"},
      {"redis://:6379/0", "missing host"},
      {"redis://h:", "empty port"},
      {"redis://h:0", "the port is not a whole number in 1..65535"},
      {"redis://h:65536", "the port is not a whole number in 1..65535"},
      {"redis://h:63a", "the port is not a whole number"},
      {"redis://h:-1", "not a whole number"},
      {"redis://h/x", "the db is not a whole number in 0..2147483647"},
      {"redis://h/-1", "the db is not a whole number"},
      {"redis://h/2147483648", "the db is not a whole number in 0..2147483647"},
      {"redis://h/0/1", "the db is not a whole number"},
      {"redis://h/1?db=2", "db given both"},
      {"redis://h?timeout=3", "unsupported URL parameter 'timeout' (only db=N is supported)"},
      {"redis://h?db=1&x=2", "unsupported URL parameter 'x'"},
      {"redis://h?db=1&db=2", "unsupported URL parameter 'db'"},
      {"redis://h?odd", "unsupported URL parameter (only db=N is supported)"},
      {"redis://h#frag", "fragments"},
      {"redis://[::1", "missing ']'"},
      {"redis://[::1]x", "unexpected text after ']'"},
      {"redis://[::1]:", "empty port"},
      {"redis://[]:6379", "missing host"},
      {"redis://my host", "invalid character in host"},
      {"redis://alice@h", "user-info must be [user]:password"},
      {"redis://alice:@h", "a user name needs a password"},
      {"redis://:%zz@h", "malformed percent-escape in the password"},
      {"redis://:abc%4@h", "malformed percent-escape in the password"},
      {"redis://%g1:pw@h", "malformed percent-escape in the user name"},
      {"unix://", "expected unix:///absolute/path"},
      {"unix://relative/r.sock", "expected unix:///absolute/path"},
      {"unix:///", "missing socket path"},
      {"unix:///tmp/dir/", "missing socket path"},
      {"unix:///tmp/r.sock?db=x", "the db is not a whole number"},
      {"unix:///tmp/r.sock?password=x", "unsupported URL parameter 'password'"},
  };
  for (const auto &[url, why] : cases) {
    INFO("url: " << url);
    auto [code, message] = failure(url);
    CHECK(code == Errc::invalid_argument);
    CHECK(message.find("invalid Redis URL '") == 0);
    CHECK(message.find(why) != std::string::npos);
  }
}

TEST_CASE("errors for URLs with a password never contain the password", "[redis_url]") {
  const char *urls[] = {
      "redis://:hunter2@h:99999/0",
      "redis://bob:hunter2@h:6379/x",
      "redis://:hunter2@",
      "http://:hunter2@h",
      "redis://:hunter2%zz@h",
      "redis://:hun?ter2@h#x",
      "rediss://bob:hunter2@h:0",
      "unix://:hunter2@relative",
      "hunter2@h",
      "redis://:hunter2@h?opt=1",
      "redis://localhost:6379/0?password=hunter2",
      "redis://h?db=1&password=hunter2",
      "redis://h?hunter2",
      "redis://h?x=1#hunter2",
      "rediss://h?password=hunter2",
      "unix:///tmp/r.sock?password=hunter2",
      // The '@' and host left out: the password reads as a port, or runs on into the db.
      "redis://default:hunter2",
      "rediss://user:hunter2/0",
      "redis://user:hunter2?x",
      "redis://:hunter2",
      "redis://user:123/hunter2",
      "redis://user:99999hunter2",
      "redis+cluster://user:hunter2",
      "redis+cluster://h:1,user:hunter2",
      "redis://[::1]:hunter2",
  };
  for (const char *url : urls) {
    INFO("url: " << url);
    auto [code, message] = failure(url);
    CHECK(code != Errc::ok);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("hun") == std::string::npos);
  }
}

TEST_CASE("redact_redis_url hides the password and keeps the rest", "[redis_url]") {
  CHECK(redact_redis_url("redis://:pw@h:1/2") == "redis://:***@h:1/2");
  CHECK(redact_redis_url("redis://alice:pw@h") == "redis://alice:***@h");
  CHECK(redact_redis_url("redis://maybe-a-password@h") == "redis://***@h");
  CHECK(redact_redis_url("redis://h:1/2") == "redis://h:1/2");
  CHECK(redact_redis_url("unix:///tmp/r.sock?db=1") == "unix:///tmp/r.sock?***");
  CHECK(redact_redis_url("redis://:p@ss@h") == "redis://:***@h");
}

TEST_CASE("redact_redis_url hides a port or db that may be a password", "[redis_url]") {
  // Without the '@', "user:password" reads as host and port.
  CHECK(redact_redis_url("redis://default:hunter2") == "redis://default:***");
  CHECK(redact_redis_url("rediss://user:hunter2/0?x") == "rediss://user:***");
  CHECK(redact_redis_url("redis://user:123/hunter2") == "redis://user:123/***");
  CHECK(redact_redis_url("redis+cluster://h:7000,user:hunter2") ==
        "redis+cluster://h:7000,user:***");
  CHECK(redact_redis_url("redis://[::1]:hunter2") == "redis://[::1]:***");
  CHECK(redact_redis_url("redis://:pw@h:hunter2") == "redis://:***@h:***");
  // Ports, dbs and socket paths are kept.
  CHECK(redact_redis_url("redis://h:6379/15") == "redis://h:6379/15");
  CHECK(redact_redis_url("redis+cluster://h:7000,[::1]:7001") ==
        "redis+cluster://h:7000,[::1]:7001");
  CHECK(redact_redis_url("unix:///run/redis/r.sock") == "unix:///run/redis/r.sock");
}

TEST_CASE("redact_redis_url hides the query and the fragment", "[redis_url]") {
  CHECK(redact_redis_url("redis://localhost:6379/0?password=hunter2") ==
        "redis://localhost:6379/0?***");
  CHECK(redact_redis_url("redis://h#hunter2") == "redis://h#***");
  CHECK(redact_redis_url("redis://h/0#a?b") == "redis://h/0#***");
  CHECK(redact_redis_url("redis://:pw@h?password=x") == "redis://:***@h?***");
  CHECK(redact_redis_url("redis://:hun?ter2@h#x") == "redis://:***@h#***");
  CHECK(redact_redis_url("unix:///tmp/r.sock") == "unix:///tmp/r.sock");
}

TEST_CASE("a password in the query names only the parameter", "[redis_url]") {
  auto [code, message] = failure("redis://localhost:6379/0?password=hunter2");
  CHECK(code == Errc::invalid_argument);
  CHECK(message ==
        "invalid Redis URL 'redis://localhost:6379/0?***': unsupported URL parameter 'password' "
        "(only db=N is supported)");
}
