// Timeouts, lost connections and server restarts against private redis-servers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "integration/cache/redis_backend_helpers.hpp"
#include "integration/cache/redis_busy_borrowers.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;

namespace {

// A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs until the
// client's own timeout. Only loopback is used.
class FullBacklogListener {
 public:
  FullBacklogListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 0) == 0);
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr *>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 4; ++i) fillers_.push_back(connect_nonblocking(addr));
    std::this_thread::sleep_for(milliseconds(100));  // let the handshakes that can complete do so
  }
  ~FullBacklogListener() {
    for (int fd : fillers_) ::close(fd);
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  static int connect_nonblocking(const sockaddr_in &addr) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr);  // EINPROGRESS
    return fd;
  }
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

}  // namespace

TEST_CASE("a paused server gives a timeout near the socket timeout, then works again",
          "[redis][faults]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.socket_timeout = milliseconds(300);
  CacheClient c(o);
  REQUIRE_NOTHROW(c.ping());

  REQUIRE(server.cli({"CLIENT", "PAUSE", "3000"}).find("OK") != std::string::npos);
  auto paused = outcome_of([&] { c.get("k"); });
  CHECK(paused.code == Errc::timeout);
  // It waited for the socket timeout: an immediate (misclassified) failure would be far quicker.
  CHECK(paused.elapsed >= milliseconds(150));
  CHECK(paused.elapsed < milliseconds(2500));
  CHECK(paused.message.find("300 ms") != std::string::npos);
  CHECK(c.stats().errors_timeout >= 1);
  CHECK(c.stats().retries == 0);  // the command may still run: a timeout is never retried

  bool recovered = false;
  for (int i = 0; i < 40 && !recovered; ++i) {
    try {
      c.set("k", "after-pause");
      recovered = true;
    } catch (const Error &e) {
      REQUIRE(e.code() == Errc::timeout);
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  REQUIRE(recovered);
  CHECK(c.get("k") == "after-pause");
}

TEST_CASE("connecting to a listener with a full backlog times out near the connect timeout",
          "[redis][faults]") {
  FullBacklogListener listener;
  auto o = fast_options("redis://127.0.0.1:" + std::to_string(listener.port()) + "/0");
  o.connect_timeout = milliseconds(300);
  CacheClient c(o);
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::timeout);
  CHECK(result.elapsed >= milliseconds(150));  // it did wait for the connect timeout
  CHECK(result.elapsed < milliseconds(2500));
  CHECK(result.message.find("within 300 ms") != std::string::npos);
  CHECK(c.stats().open == 0);
}

TEST_CASE("a refused connection is Errc::connection", "[redis][faults]") {
  CacheClient c(fast_options("redis://127.0.0.1:" + std::to_string(free_port()) + "/0"));
  auto result = outcome_of([&] { c.ping(); });
  CHECK(result.code == Errc::connection);
  CHECK(result.message.find("could not connect to Redis at 127.0.0.1:") == 0);
  CHECK(c.stats().retries == 2);  // 3 attempts in total for an idempotent command
}

TEST_CASE("a stopped server fails with connection and the same client recovers after restart",
          "[redis][faults]") {
  RedisServer server;
  CacheClient c(fast_options(server.url()));
  REQUIRE_NOTHROW(c.set("k", "v1"));

  server.stop();
  auto down = outcome_of([&] { c.get("k"); });
  CHECK(down.code == Errc::connection);
  CHECK(outcome_of([&] { c.get("k"); }).code == Errc::connection);
  CHECK(outcome_of([&] { c.set("k", "x"); }).code == Errc::connection);
  CHECK(c.stats().open == 0);

  server.start();
  CHECK_NOTHROW(c.set("k", "v2"));
  CHECK(c.get("k") == "v2");
  auto s = c.stats();
  CHECK(s.reconnects >= 1);
  CHECK(s.created >= 2);
  CHECK(s.errors_connection >= 3);
}

namespace {

// A client whose pool holds `n` idle connections, all opened before the server restarts. The
// long-idle check is off, so only the failure-triggered check can catch stale connections.
CacheOptions restart_options(const RedisServer &server, std::uint32_t retries) {
  auto o = fast_options(server.url());
  o.max_connections = 8;
  o.idle_check_after = milliseconds(3600000);
  o.retry_max_attempts = retries;
  return o;
}

void fill_pool(CacheClient &c, int n) {
  BusyBorrowers busy(c, n);
  REQUIRE(busy.holding() == n);
  busy.finish();
  REQUIRE(busy.failed() == 0);
  REQUIRE(c.stats().idle == static_cast<std::uint64_t>(n));
}

}  // namespace

TEST_CASE("after a restart only the first call meets a stale pooled connection",
          "[redis][faults]") {
  RedisServer server;
  CacheClient c(restart_options(server, 1));
  fill_pool(c, 8);

  server.stop();
  server.start();
  int failed = 0;
  for (int i = 0; i < 10; ++i) {
    auto result = outcome_of([&] { c.set("k" + std::to_string(i), "v"); });
    if (result.code == Errc::ok) continue;
    ++failed;
    CHECK(i == 0);  // a write is not retried, but only the first call may be lost
    CHECK(result.code == Errc::connection);
  }
  CHECK(failed <= 1);
  for (int i = 1; i < 10; ++i) CHECK(server.cli({"GET", "k" + std::to_string(i)}) == "v\n");
  auto s = c.stats();
  CHECK(s.idle_checks >= 1);
  CHECK(s.open <= 8);
}

TEST_CASE("after a restart a read succeeds on its first retry", "[redis][faults]") {
  RedisServer server;
  CacheClient c(restart_options(server, 2));
  fill_pool(c, 4);

  server.stop();
  server.start();
  REQUIRE(server.cli({"SET", "k", "after-restart"}) == "OK\n");
  CHECK(c.get("k") == "after-restart");
  CHECK(c.stats().retries == 1);
  CHECK(c.get("k") == "after-restart");
  CHECK(c.stats().retries == 1);
}

TEST_CASE("a connection killed while idle is replaced by the idle check before reuse",
          "[redis][faults]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.idle_check_after = milliseconds(20);
  o.retry_max_attempts = 1;  // so only the idle check can save the read
  CacheClient c(o);
  REQUIRE_NOTHROW(c.set("k", "v"));

  REQUIRE(server.cli({"CLIENT", "KILL", "TYPE", "normal"}).find("1") != std::string::npos);
  std::this_thread::sleep_for(milliseconds(100));
  CHECK(c.get("k") == "v");
  auto s = c.stats();
  CHECK(s.idle_checks == 1);
  CHECK(s.reconnects == 1);
  CHECK(s.retries == 0);
  CHECK(s.open == 1);
}

TEST_CASE("without the idle check a killed connection costs exactly one failed call",
          "[redis][faults]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.idle_check_after = milliseconds(3600000);
  o.retry_max_attempts = 1;
  CacheClient c(o);
  REQUIRE_NOTHROW(c.set("k", "v"));
  server.cli({"CLIENT", "KILL", "TYPE", "normal"});
  CHECK(outcome_of([&] { c.get("k"); }).code == Errc::connection);
  CHECK(c.get("k") == "v");
  CHECK(c.stats().idle_checks == 0);
}

TEST_CASE("idempotent commands are retried on connection loss and others never",
          "[redis][faults]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.idle_check_after = milliseconds(3600000);
  o.retry_max_attempts = 3;
  CacheClient c(o);
  REQUIRE_NOTHROW(c.set("k", "v"));

  server.cli({"CLIENT", "KILL", "TYPE", "normal"});
  CHECK(c.get("k") == "v");
  CHECK(c.stats().retries == 1);

  server.cli({"CLIENT", "KILL", "TYPE", "normal"});
  CHECK(outcome_of([&] { c.incr("n"); }).code == Errc::connection);
  CHECK(c.stats().retries == 1);
  CHECK(server.cli({"GET", "n"}).find("1") == std::string::npos);  // INCR did not run twice
}

TEST_CASE("writing a large command to a closed connection fails without SIGPIPE killing us",
          "[redis][faults]") {
  RedisServer server;
  auto o = fast_options(server.url());
  o.idle_check_after = milliseconds(3600000);
  o.retry_max_attempts = 1;
  CacheClient c(o);
  REQUIRE_NOTHROW(c.set("k", "v"));
  server.cli({"CLIENT", "KILL", "TYPE", "normal"});
  std::this_thread::sleep_for(milliseconds(50));
  std::string big(16 << 20, 'x');  // more than the socket buffers: several write(2) calls
  CHECK(outcome_of([&] { c.set("big", big); }).code == Errc::connection);
  CHECK(c.get("k") == "v");
}
