// What the URL says is what the connection does: AUTH (password, ACL user), SELECT, unix sockets
// and IPv6, against private redis-servers.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "integration/cache/redis_backend_helpers.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;

namespace {

const std::string kPassword = "s3cr:et@/?%x";
const std::string kPasswordEncoded = "s3cr%3Aet%40%2F%3F%25x";

// A server requiring kPassword. RedisServer waits for an unauthenticated PING when it starts,
// so the password is set afterwards.
struct ProtectedServer {
  RedisServer server;
  ProtectedServer() { server.cli({"CONFIG", "SET", "requirepass", kPassword}); }
  std::string cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-a", kPassword, "--no-auth-warning"});
    return server.cli(args);
  }
  std::string url(const std::string &userinfo, int db) const {
    return "redis://" + userinfo + "@127.0.0.1:" + std::to_string(server.port()) + "/" +
           std::to_string(db);
  }
};

std::string socket_path() {
  static std::atomic<int> n{0};
  return "/tmp/agenthost-h1-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".sock";
}

}  // namespace

TEST_CASE("a percent-encoded URL password authenticates and the URL's db is selected",
          "[redis][auth]") {
  ProtectedServer s;
  CacheClient c(fast_options(s.url(":" + kPasswordEncoded, 3)));
  REQUIRE_NOTHROW(c.set("auth-key", "in-db-3"));
  CHECK(c.get("auth-key") == "in-db-3");
  CHECK(s.cli({"-n", "3", "GET", "auth-key"}) == "in-db-3\n");
  CHECK(s.cli({"-n", "0", "EXISTS", "auth-key"}) == "0\n");
}

TEST_CASE("a wrong password is a clear error that does not contain it", "[redis][auth]") {
  ProtectedServer s;
  CacheClient c(fast_options(s.url(":not-the-Pa55word", 0)));
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::protocol);
  CHECK(result.message.find("refused AUTH") != std::string::npos);
  CHECK(result.message.find("WRONGPASS") != std::string::npos);
  CHECK(result.message.find("not-the-Pa55word") == std::string::npos);
  CHECK(result.message.find(kPassword) == std::string::npos);
  CHECK(c.stats().retries == 0);
  CHECK(c.stats().open == 0);
}

TEST_CASE("no password on a protected server: SELECT is refused with NOAUTH", "[redis][auth]") {
  ProtectedServer s;
  CacheClient c(fast_options("redis://127.0.0.1:" + std::to_string(s.server.port()) + "/2"));
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::protocol);
  CHECK(result.message.find("NOAUTH") != std::string::npos);
}

TEST_CASE("an ACL user and password from the URL authenticate as that user", "[redis][auth]") {
  ProtectedServer s;
  REQUIRE(s.cli({"ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "+@all"}) == "OK\n");
  CacheClient c(fast_options(s.url("alice:alice-pw", 0)));
  CHECK(c.execute(Batch{}.add({"ACL", "WHOAMI"})).at(0).str == "alice");

  CacheClient wrong(fast_options(s.url("alice:bob-pw", 0)));
  auto result = outcome_of([&] { wrong.ping(); });
  CHECK(result.code == Errc::protocol);
  CHECK(result.message.find("as user 'alice'") != std::string::npos);
  CHECK(result.message.find("bob-pw") == std::string::npos);
}

TEST_CASE("an out-of-range db in the URL is reported at connect", "[redis][auth]") {
  RedisServer server;
  CacheClient c(fast_options("redis://127.0.0.1:" + std::to_string(server.port()) + "/99"));
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::protocol);
  CHECK(result.message.find("refused SELECT 99") != std::string::npos);
}

TEST_CASE("a unix:// URL with ?db= talks to the server over its unix socket", "[redis][unix]") {
  std::string path = socket_path();
  RedisServer server({"--unixsocket", path, "--unixsocketperm", "700"});
  CacheClient c(fast_options("unix://" + path + "?db=2"));
  REQUIRE_NOTHROW(c.set("unix-key", "over-unix"));
  CHECK(server.cli({"-n", "2", "GET", "unix-key"}) == "over-unix\n");
  std::string clients = server.cli({"CLIENT", "LIST"});
  CHECK(clients.find("addr=" + path) != std::string::npos);
}

TEST_CASE("a unix:// URL to a missing socket is Errc::connection", "[redis][unix]") {
  CacheClient c(fast_options("unix://" + socket_path()));
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::connection);
  CHECK(result.message.find("could not connect to Redis at unix:/tmp/agenthost-h1-") == 0);
}

TEST_CASE("an IPv6 literal URL connects over ::1", "[redis][ipv6]") {
  RedisServer server({"--bind", "127.0.0.1", "::1"});
  CacheClient c(fast_options("redis://[::1]:" + std::to_string(server.port()) + "/1"));
  REQUIRE_NOTHROW(c.set("v6-key", "over-ipv6"));
  CHECK(server.cli({"-n", "1", "GET", "v6-key"}) == "over-ipv6\n");
  CHECK(server.cli({"CLIENT", "LIST"}).find("addr=[::1]:") != std::string::npos);
}
