#include <agenthost/config.hpp>
#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>

using agenthost::CacheOptions;
using agenthost::Errc;
using agenthost::Error;
using std::chrono::milliseconds;

namespace {

const char *const kVariables[] = {"REDIS_URL",
                                  "REDIS_MAX_CONNECTIONS",
                                  "REDIS_SOCKET_CONNECT_TIMEOUT",
                                  "REDIS_SOCKET_TIMEOUT",
                                  "REDIS_POOL_WAIT_TIMEOUT",
                                  "REDIS_RETRY_MAX_ATTEMPTS",
                                  "REDIS_RETRY_BACKOFF_BASE_MS",
                                  "REDIS_SSL_CA_CERTS",
                                  "REDIS_SSL_CA_PATH",
                                  "REDIS_SSL_CERTFILE",
                                  "REDIS_SSL_KEYFILE",
                                  "REDIS_SSL_CERT_REQS"};

// Each TEST_CASE runs in its own process (catch_discover_tests), so the environment is ours.
void clear_env() {
  for (const char *name : kVariables) ::unsetenv(name);
}

std::pair<Errc, std::string> failure(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return {e.code(), e.what()};
  }
  return {Errc::ok, {}};
}

struct NumericVar {
  const char *name;
  std::uint64_t lo, hi;
  std::function<std::int64_t(const CacheOptions &)> read;  // in the variable's unit
};

const NumericVar kNumeric[] = {
    {"REDIS_MAX_CONNECTIONS", 5, 200, [](const CacheOptions &o) { return o.max_connections; }},
    {"REDIS_SOCKET_CONNECT_TIMEOUT", 1, 30,
     [](const CacheOptions &o) { return o.connect_timeout.count() / 1000; }},
    {"REDIS_SOCKET_TIMEOUT", 1, 30,
     [](const CacheOptions &o) { return o.socket_timeout.count() / 1000; }},
    {"REDIS_POOL_WAIT_TIMEOUT", 0, 30,
     [](const CacheOptions &o) { return o.pool_wait_timeout.count() / 1000; }},
    {"REDIS_RETRY_MAX_ATTEMPTS", 1, 10, [](const CacheOptions &o) { return o.retry_max_attempts; }},
    {"REDIS_RETRY_BACKOFF_BASE_MS", 10, 1000,
     [](const CacheOptions &o) { return o.retry_backoff_base.count(); }},
};

}  // namespace

TEST_CASE("from_env without variables gives the documented defaults", "[cache_options]") {
  clear_env();
  auto o = CacheOptions::from_env();
  CHECK(o.url == "redis://localhost:6379/0");
  CHECK(o.max_connections == 50);
  CHECK(o.connect_timeout == milliseconds(5000));
  CHECK(o.socket_timeout == milliseconds(5000));
  CHECK(o.pool_wait_timeout == milliseconds(5000));
  CHECK(o.retry_max_attempts == 3);
  CHECK(o.retry_backoff_base == milliseconds(100));
  CHECK(o.idle_check_after == milliseconds(30000));
}

TEST_CASE("from_env treats empty variables as unset", "[cache_options]") {
  clear_env();
  for (const char *name : kVariables) ::setenv(name, "", 1);
  auto o = CacheOptions::from_env();
  CHECK(o.url == "redis://localhost:6379/0");
  CHECK(o.max_connections == 50);
  CHECK(o.pool_wait_timeout == milliseconds(5000));
  CHECK(o.retry_backoff_base == milliseconds(100));
}

TEST_CASE("from_env accepts every numeric variable at both bounds and inside", "[cache_options]") {
  for (const auto &var : kNumeric) {
    for (std::uint64_t value : {var.lo, var.hi, (var.lo + var.hi) / 2}) {
      INFO(var.name << "=" << value);
      clear_env();
      ::setenv(var.name, std::to_string(value).c_str(), 1);
      CHECK(var.read(CacheOptions::from_env()) == static_cast<std::int64_t>(value));
    }
  }
}

TEST_CASE("from_env rejects out-of-range values naming the variable and range", "[cache_options]") {
  for (const auto &var : kNumeric) {
    std::string range = std::to_string(var.lo) + ".." + std::to_string(var.hi);
    std::vector<std::uint64_t> bad{var.hi + 1, 1000000};
    if (var.lo > 0) bad.push_back(var.lo - 1);
    for (std::uint64_t value : bad) {
      INFO(var.name << "=" << value);
      clear_env();
      ::setenv(var.name, std::to_string(value).c_str(), 1);
      auto [code, message] = failure([] { CacheOptions::from_env(); });
      CHECK(code == Errc::invalid_argument);
      CHECK(message ==
            std::string(var.name) + "=" + std::to_string(value) + " is out of range " + range);
    }
  }
}

TEST_CASE("from_env rejects values that are not whole numbers", "[cache_options]") {
  for (const auto &var : kNumeric) {
    for (const char *bad : {"abc", "5s", "1.5", "-1", " 7", "0x10"}) {
      INFO(var.name << "='" << bad << "'");
      clear_env();
      ::setenv(var.name, bad, 1);
      auto [code, message] = failure([] { CacheOptions::from_env(); });
      CHECK(code == Errc::invalid_argument);
      CHECK(message.find(std::string(var.name) + "=") == 0);
      CHECK(message.find("is not a whole number") != std::string::npos);
    }
  }
}

TEST_CASE("REDIS_POOL_WAIT_TIMEOUT defaults to the socket timeout", "[cache_options]") {
  clear_env();
  ::setenv("REDIS_SOCKET_TIMEOUT", "7", 1);
  CHECK(CacheOptions::from_env().pool_wait_timeout == milliseconds(7000));
  ::setenv("REDIS_POOL_WAIT_TIMEOUT", "0", 1);
  CHECK(CacheOptions::from_env().pool_wait_timeout == milliseconds(0));
}

TEST_CASE("REDIS_URL is read and checked without echoing its password", "[cache_options]") {
  clear_env();
  ::setenv("REDIS_URL", "unix:///tmp/r.sock?db=2", 1);
  CHECK(CacheOptions::from_env().url == "unix:///tmp/r.sock?db=2");
  ::setenv("REDIS_URL", "memory://", 1);
  CHECK(CacheOptions::from_env().url == "memory://");

  ::setenv("REDIS_URL", "redis://:hunter2@h:notaport/0", 1);
  auto [code, message] = failure([] { CacheOptions::from_env(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("REDIS_URL: invalid Redis URL") == 0);
  CHECK(message.find("hunter2") == std::string::npos);

  ::setenv("REDIS_URL", "rediss://:hunter2@h:0/0", 1);
  std::tie(code, message) = failure([] { CacheOptions::from_env(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("hunter2") == std::string::npos);
}

TEST_CASE("from_env reads redis-py's TLS variables for rediss://", "[cache_options]") {
  clear_env();
  ::setenv("REDIS_URL", "rediss://:pw@redis.example.com:6380/0", 1);
  auto o = CacheOptions::from_env();
  CHECK_FALSE(o.tls.configured());  // verification on, the system's CAs
  ::setenv("REDIS_SSL_CA_CERTS", "/etc/ca.pem", 1);
  ::setenv("REDIS_SSL_CA_PATH", "/etc/ca.d", 1);
  ::setenv("REDIS_SSL_CERTFILE", "/etc/client.pem", 1);
  ::setenv("REDIS_SSL_KEYFILE", "/etc/client.key", 1);
  ::setenv("REDIS_SSL_CERT_REQS", "required", 1);
  o = CacheOptions::from_env();
  CHECK(o.tls.ca_file == "/etc/ca.pem");
  CHECK(o.tls.ca_dir == "/etc/ca.d");
  CHECK(o.tls.cert_file == "/etc/client.pem");
  CHECK(o.tls.key_file == "/etc/client.key");
  CHECK_FALSE(o.tls.insecure_skip_verify);
  ::setenv("REDIS_SSL_CERT_REQS", "optional", 1);
  CHECK_FALSE(CacheOptions::from_env().tls.insecure_skip_verify);
  ::setenv("REDIS_SSL_CERT_REQS", "none", 1);
  CHECK(CacheOptions::from_env().tls.insecure_skip_verify);
  ::setenv("REDIS_SSL_CERT_REQS", "sometimes", 1);
  auto [code, message] = failure([] { CacheOptions::from_env(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("REDIS_SSL_CERT_REQS") == 0);
}

TEST_CASE("from_env refuses TLS variables that a redis:// URL would leave unused",
          "[cache_options]") {
  clear_env();
  ::setenv("REDIS_URL", "redis://h:6379/0", 1);
  ::setenv("REDIS_SSL_CERT_REQS", "required", 1);  // the default: changes nothing
  CHECK_NOTHROW(CacheOptions::from_env());
  ::setenv("REDIS_SSL_CA_CERTS", "/etc/ca.pem", 1);
  auto [code, message] = failure([] { CacheOptions::from_env(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("REDIS_SSL_CA_CERTS is set but REDIS_URL is not rediss://") == 0);
  ::unsetenv("REDIS_SSL_CA_CERTS");
  ::setenv("REDIS_SSL_CERT_REQS", "none", 1);
  CHECK(failure([] { CacheOptions::from_env(); }).first == Errc::invalid_argument);
}

TEST_CASE("validate accepts the defaults and every range bound", "[cache_options]") {
  CHECK_NOTHROW(CacheOptions{}.validate());
  CacheOptions lo;
  lo.max_connections = 1;
  lo.connect_timeout = milliseconds(1);
  lo.socket_timeout = milliseconds(1);
  lo.pool_wait_timeout = milliseconds(0);
  lo.retry_max_attempts = 1;
  lo.retry_backoff_base = milliseconds(1);
  lo.idle_check_after = milliseconds(0);
  CHECK_NOTHROW(lo.validate());
  CacheOptions hi;
  hi.max_connections = 1000;
  hi.connect_timeout = milliseconds(300000);
  hi.socket_timeout = milliseconds(300000);
  hi.pool_wait_timeout = milliseconds(300000);
  hi.retry_max_attempts = 10;
  hi.retry_backoff_base = milliseconds(10000);
  hi.idle_check_after = milliseconds(3600000);
  CHECK_NOTHROW(hi.validate());
}

TEST_CASE("validate rejects each field just outside its range and names it", "[cache_options]") {
  using Mutation = std::pair<const char *, std::function<void(CacheOptions &)>>;
  const Mutation cases[] = {
      {"CacheOptions.max_connections=0 is out of range 1..1000",
       [](CacheOptions &o) { o.max_connections = 0; }},
      {"CacheOptions.max_connections=1001 is out of range 1..1000",
       [](CacheOptions &o) { o.max_connections = 1001; }},
      {"CacheOptions.connect_timeout=0 ms is out of range 1..300000 ms",
       [](CacheOptions &o) { o.connect_timeout = milliseconds(0); }},
      {"CacheOptions.connect_timeout=300001 ms",
       [](CacheOptions &o) { o.connect_timeout = milliseconds(300001); }},
      {"CacheOptions.socket_timeout=0 ms",
       [](CacheOptions &o) { o.socket_timeout = milliseconds(0); }},
      {"CacheOptions.socket_timeout=300001 ms",
       [](CacheOptions &o) { o.socket_timeout = milliseconds(300001); }},
      {"CacheOptions.pool_wait_timeout=-1 ms is out of range 0..300000 ms",
       [](CacheOptions &o) { o.pool_wait_timeout = milliseconds(-1); }},
      {"CacheOptions.pool_wait_timeout=300001 ms",
       [](CacheOptions &o) { o.pool_wait_timeout = milliseconds(300001); }},
      {"CacheOptions.retry_max_attempts=0 is out of range 1..10",
       [](CacheOptions &o) { o.retry_max_attempts = 0; }},
      {"CacheOptions.retry_max_attempts=11", [](CacheOptions &o) { o.retry_max_attempts = 11; }},
      {"CacheOptions.retry_backoff_base=0 ms is out of range 1..10000 ms",
       [](CacheOptions &o) { o.retry_backoff_base = milliseconds(0); }},
      {"CacheOptions.retry_backoff_base=10001 ms",
       [](CacheOptions &o) { o.retry_backoff_base = milliseconds(10001); }},
      {"CacheOptions.idle_check_after=-1 ms is out of range 0..3600000 ms",
       [](CacheOptions &o) { o.idle_check_after = milliseconds(-1); }},
      {"CacheOptions.idle_check_after=3600001 ms",
       [](CacheOptions &o) { o.idle_check_after = milliseconds(3600001); }},
  };
  for (const auto &[expected, mutate] : cases) {
    INFO(expected);
    CacheOptions o;
    mutate(o);
    auto [code, message] = failure([&] { o.validate(); });
    CHECK(code == Errc::invalid_argument);
    CHECK(message.find(expected) == 0);
  }
}

TEST_CASE("validate checks the URL", "[cache_options]") {
  CacheOptions o;
  o.url = "redis://:hunter2@h:0/0";
  auto [code, message] = failure([&] { o.validate(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("hunter2") == std::string::npos);
  o.url = "rediss://h";
  CHECK_NOTHROW(o.validate());
  o.tls.ca_file = "/etc/ca.pem";
  CHECK_NOTHROW(o.validate());
  o.url = "redis://h";
  std::tie(code, message) = failure([&] { o.validate(); });
  CHECK(code == Errc::invalid_argument);
  CHECK(message.find("CacheOptions.tls is set but the URL is not rediss://") == 0);
  o.tls = {};
  o.url = "memory://";
  CHECK_NOTHROW(o.validate());
}
