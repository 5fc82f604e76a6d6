// rediss://: TLS against real redis-servers with test certificates made by openssl (fixture
// `redis_tls`): mutual TLS, every certificate error provoked for real, plaintext/TLS mismatches
// both ways, a handshake that stalls, a stalled server, reconnects, and option errors.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "integration/cache/redis_backend_helpers.hpp"
#include "support/errc_of.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;

namespace {

// A private redis-server with a plaintext port (for redis-cli) and a TLS port serving `cert`.
class TlsRedis {
 public:
  explicit TlsRedis(const std::string &cert = "server", const std::string &auth_clients = "no")
      : tls_port_(free_port()), server_(tls_server_args(tls_port_, cert, auth_clients)) {}
  std::string url(const std::string &host = "127.0.0.1") const {
    return fmt::format("rediss://{}:{}/0", host, tls_port_);
  }
  int tls_port() const { return tls_port_; }
  RedisServer &server() { return server_; }

 private:
  int tls_port_;
  RedisServer server_;
};

CacheOptions tls_options(const std::string &url, TlsOptions tls = test_tls_options()) {
  CacheOptions o = fast_options(url);
  o.tls = std::move(tls);
  o.retry_max_attempts = 1;
  return o;
}

// A listener that completes TCP handshakes (the kernel does, from its backlog) but never reads
// or writes: a TLS handshake with it stalls.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("TLS: commands, pipelines and transactions over mutual TLS", "[tls]") {
  CacheClient c(tls_options(shared_tls_redis_url()));
  const std::string k = unique_prefix("tls:basic:");
  c.set(k + "a", std::string(100000, 'x'));  // larger than a TLS record
  CHECK(c.get(k + "a") == std::string(100000, 'x'));
  Batch b;
  b.add({"SET", k + "b", "1"}).add({"INCR", k + "b"}).add({"GET", k + "b"});
  auto replies = c.execute(b);
  REQUIRE(replies.size() == 3);
  CHECK(replies[2].str == "2");
  auto tx = c.transact({k + "b"}, [&](const std::vector<std::optional<std::string>> &values) {
    return std::optional<std::vector<Command>>({{"SET", k + "b", *values[0] + "0"}});
  });
  REQUIRE(tx.has_value());
  CHECK(c.get(k + "b") == "20");
  CHECK(c.stats().created >= 1);
  CHECK(c.stats().errors_connection == 0);
}

TEST_CASE("TLS: a server requiring client certificates refuses a client without one",
          "[tls][errors]") {
  TlsOptions no_cert;
  no_cert.ca_file = tls_cert_file("ca.crt");
  CacheClient c(tls_options(shared_tls_redis_url(), no_cert));
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("client certificate"));
}

TEST_CASE("TLS: a client certificate from an unknown CA is refused by the server",
          "[tls][errors]") {
  TlsOptions untrusted = test_tls_options();
  untrusted.cert_file = tls_cert_file("client-untrusted.crt");
  untrusted.key_file = tls_cert_file("client-untrusted.key");
  CacheClient c(tls_options(shared_tls_redis_url(), untrusted));
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("client certificate"));
}

TEST_CASE("TLS: a server certificate from a CA the client does not trust is refused",
          "[tls][errors]") {
  TlsRedis server("untrusted");
  TlsOptions tls;
  tls.ca_file = tls_cert_file("ca.crt");
  CacheClient c(tls_options(server.url(), tls));
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("certificate not trusted"));
  CHECK(c.stats().errors_connection >= 1);

  SECTION("and accepted only when verification is explicitly turned off") {
    TlsOptions insecure;
    insecure.insecure_skip_verify = true;
    CacheClient unverified(tls_options(server.url(), insecure));
    CHECK_NOTHROW(unverified.ping());
  }
}

TEST_CASE("TLS: the system trust store is used when no CA is given, and lacks the test CA",
          "[tls][errors]") {
  TlsRedis server;
  CacheClient c(tls_options(server.url(), TlsOptions{}));
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("certificate not trusted"));
}

TEST_CASE("TLS: a certificate for another host is a hostname mismatch", "[tls][errors]") {
  TlsRedis server("wrong-host");
  TlsOptions tls;
  tls.ca_file = tls_cert_file("ca.crt");
  std::string message;
  {
    CacheClient by_ip(tls_options(server.url(), tls));
    CHECK(code_of([&] { by_ip.ping(); }, &message) == Errc::connection);
    CHECK_THAT(message, Contains("hostname mismatch") && Contains("127.0.0.1"));
  }
  {
    CacheClient by_name(tls_options(server.url("localhost"), tls));
    CHECK(code_of([&] { by_name.ping(); }, &message) == Errc::connection);
    CHECK_THAT(message, Contains("hostname mismatch") && Contains("'localhost'"));
  }
  SECTION("server_name names the host the certificate must carry") {
    tls.server_name = "wrong-host.invalid";
    CacheClient named(tls_options(server.url(), tls));
    CHECK_NOTHROW(named.ping());
  }
}

TEST_CASE("TLS: the hostname is checked by name too, not only by address", "[tls]") {
  TlsRedis server;
  TlsOptions tls;
  tls.ca_file = tls_cert_file("ca.crt");
  CacheClient c(tls_options(server.url("localhost"), tls));
  CHECK_NOTHROW(c.ping());
  tls.server_name = "wrong-host.invalid";
  CacheClient misnamed(tls_options(server.url("localhost"), tls));
  std::string message;
  CHECK(code_of([&] { misnamed.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("hostname mismatch") && Contains("wrong-host.invalid"));
}

TEST_CASE("TLS: an expired server certificate is refused as expired", "[tls][errors]") {
  TlsRedis server("expired");
  TlsOptions tls;
  tls.ca_file = tls_cert_file("ca.crt");
  CacheClient c(tls_options(server.url(), tls));
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("expired"));
}

TEST_CASE("TLS: rediss:// to a plaintext port names the mismatch", "[tls][errors]") {
  const std::string url = fmt::format("rediss://127.0.0.1:{}/0", shared_tls_plain_port());
  CacheClient c(tls_options(url));
  std::string message;
  const Errc code = code_of([&] { c.ping(); }, &message);
  CHECK(code == Errc::connection);
  CHECK_THAT(message, Contains("does not speak TLS") && Contains("redis://"));
}

TEST_CASE("TLS: redis:// to a TLS port names the mismatch", "[tls][errors]") {
  const std::string tls_url = shared_tls_redis_url();
  const std::string url = "redis" + tls_url.substr(std::string("rediss").size());
  CacheOptions o = fast_options(url);
  o.retry_max_attempts = 1;
  CacheClient c(o);
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::connection);
  CHECK_THAT(message, Contains("rediss://"));
}

TEST_CASE("TLS: a listener that accepts and never answers the handshake is a timeout",
          "[tls][errors]") {
  SilentListener listener;
  CacheOptions o = tls_options(fmt::format("rediss://127.0.0.1:{}/0", listener.port()));
  o.connect_timeout = milliseconds(300);
  CacheClient c(o);
  std::string message;
  CHECK(code_of([&] { c.ping(); }, &message) == Errc::timeout);
  CHECK_THAT(message, Contains("TLS handshake") && Contains("300 ms"));
  CHECK(c.stats().errors_timeout == 1);
}

TEST_CASE("TLS: a paused server is a socket timeout, then the client works again",
          "[tls][faults]") {
  TlsRedis server;
  CacheOptions o = tls_options(server.url());
  o.socket_timeout = milliseconds(300);
  CacheClient c(o);
  REQUIRE_NOTHROW(c.ping());
  REQUIRE_THAT(server.server().cli({"CLIENT", "PAUSE", "1500"}), Contains("OK"));
  std::string message;
  CHECK(code_of([&] { c.get("k"); }, &message) == Errc::timeout);
  CHECK_THAT(message, Contains("socket timeout") && Contains("TLS"));
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    recovered = code_of([&] { c.set("k", "v"); }) == Errc::ok;
    if (!recovered) std::this_thread::sleep_for(milliseconds(100));
  }
  REQUIRE(recovered);
  CHECK(c.get("k") == "v");
}

TEST_CASE("TLS: connections killed by the server are replaced, without SIGPIPE", "[tls][faults]") {
  TlsRedis server;
  CacheOptions o = tls_options(server.url());
  o.retry_max_attempts = 3;
  CacheClient c(o);
  c.set("k", "v");
  REQUIRE_THAT(server.server().cli({"CLIENT", "KILL", "TYPE", "normal"}), !Contains("ERR"));
  // The next write goes to a closed connection (EPIPE, not a signal); the read is retried.
  CHECK(c.get("k") == "v");
  CHECK(c.stats().retries >= 1);

  server.server().stop();
  CHECK(code_of([&] { c.get("k"); }) == Errc::connection);
  server.server().start();
  CHECK(c.get("k") == std::nullopt);  // a new, empty server: reconnected over TLS
}

TEST_CASE("TLS: AUTH and SELECT run inside the TLS session, and a refusal hides the password",
          "[tls]") {
  TlsRedis server;
  server.server().cli({"CONFIG", "SET", "requirepass", "s3cret-pw"});
  CacheClient ok(tls_options(fmt::format("rediss://:s3cret-pw@127.0.0.1:{}/2", server.tls_port())));
  ok.set("k", "in-db-2");
  CHECK(ok.get("k") == "in-db-2");
  CacheClient bad(tls_options(fmt::format("rediss://:wrong-pw@127.0.0.1:{}/0", server.tls_port())));
  std::string message;
  CHECK(code_of([&] { bad.ping(); }, &message) == Errc::protocol);
  CHECK_THAT(message, Contains("AUTH") && !Contains("wrong-pw"));
}

TEST_CASE("TLS: bad certificate and key files fail at construction naming the option",
          "[tls][options]") {
  const std::string url = shared_tls_redis_url();
  std::string message;
  TlsOptions t = test_tls_options();
  t.ca_file = "/nonexistent/ca.pem";
  CHECK(code_of([&] { CacheClient c(tls_options(url, t)); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Contains("ca_file") && Contains("/nonexistent/ca.pem"));

  t = test_tls_options();
  t.ca_dir = "/nonexistent-dir";
  CHECK(code_of([&] { CacheClient c(tls_options(url, t)); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Contains("ca_dir"));

  t = test_tls_options();
  t.key_file = tls_cert_file("server.key");  // another certificate's key
  CHECK(code_of([&] { CacheClient c(tls_options(url, t)); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Contains("does not match"));
  CHECK_THAT(message, !Contains("BEGIN"));

  t = test_tls_options();
  t.cert_file = tls_cert_file("ca.key");  // not a certificate
  CHECK(code_of([&] { CacheClient c(tls_options(url, t)); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Contains("cert_file"));

  t = TlsOptions{};
  t.key_file = tls_cert_file("client.key");
  CHECK(code_of([&] { CacheClient c(tls_options(url, t)); }, &message) == Errc::invalid_argument);
  CHECK_THAT(message, Contains("without cert_file"));
}

TEST_CASE("TLS: a CA directory works like a CA file", "[tls][options]") {
  // c_rehash layout: the CA under its subject hash.
  const std::string dir = tls_cert_file("") + "ca-dir";
  const std::string cmd = fmt::format(
      "mkdir -p {0} && cp {1} {0}/ && cd {0} && ln -sf ca.crt $(openssl x509 -hash -noout -in "
      "ca.crt).0",
      dir, tls_cert_file("ca.crt"));
  REQUIRE(std::system(cmd.c_str()) == 0);
  TlsOptions t = test_tls_options();
  t.ca_file.clear();
  t.ca_dir = dir;
  CacheClient c(tls_options(shared_tls_redis_url(), t));
  CHECK_NOTHROW(c.ping());
}

TEST_CASE("TLS: a client certificate and key in one file", "[tls][options]") {
  const std::string both = tls_cert_file("") + "client-both.pem";
  REQUIRE(std::system(fmt::format("cat {} {} > {}", tls_cert_file("client.crt"),
                                  tls_cert_file("client.key"), both)
                          .c_str()) == 0);
  TlsOptions t = test_tls_options();
  t.cert_file = both;
  t.key_file.clear();
  CacheClient c(tls_options(shared_tls_redis_url(), t));
  CHECK_NOTHROW(c.ping());
}
