// CacheOptions: reading the Python service's environment variables and range checks.
#include <fmt/format.h>

#include <agenthost/cache_options.hpp>
#include <agenthost/error.hpp>
#include <utility>

#include "cache/redis/redis_url.hpp"
#include "common/env.hpp"

namespace agenthost {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

milliseconds env_seconds(const char *name, milliseconds fallback, std::uint64_t lo,
                         std::uint64_t hi) {
  auto fallback_s = static_cast<std::uint64_t>(fallback.count() / 1000);
  return seconds(detail::env_ranged_uint(name, fallback_s, lo, hi));
}

void check_range(const char *field, std::int64_t value, std::int64_t lo, std::int64_t hi,
                 const char *unit) {
  if (value < lo || value > hi) {
    throw Error(Errc::invalid_argument, fmt::format("CacheOptions.{}={}{} is out of range {}..{}{}",
                                                    field, value, unit, lo, hi, unit));
  }
}

void check_ms(const char *field, milliseconds value, std::int64_t lo, std::int64_t hi) {
  check_range(field, value.count(), lo, hi, " ms");
}

// redis-py's ssl_cert_reqs: "required" (its default) and "optional" verify the server (a server
// always presents a certificate), "none" does not.
bool skip_verify_from_env() {
  auto reqs = detail::env_value("REDIS_SSL_CERT_REQS");
  if (!reqs || *reqs == "required" || *reqs == "optional") return false;
  if (*reqs == "none") return true;
  throw Error(Errc::invalid_argument,
              "REDIS_SSL_CERT_REQS must be required, optional or none (redis-py's names)");
}

TlsOptions tls_from_env(bool tls_url) {
  TlsOptions t;
  const std::pair<const char *, std::string *> files[] = {{"REDIS_SSL_CA_CERTS", &t.ca_file},
                                                          {"REDIS_SSL_CA_PATH", &t.ca_dir},
                                                          {"REDIS_SSL_CERTFILE", &t.cert_file},
                                                          {"REDIS_SSL_KEYFILE", &t.key_file}};
  const char *set = nullptr;
  for (const auto &[name, field] : files) {
    if (auto value = detail::env_value(name)) {
      *field = *value;
      set = name;
    }
  }
  t.insecure_skip_verify = skip_verify_from_env();
  if (t.insecure_skip_verify) set = "REDIS_SSL_CERT_REQS=none";
  if (set != nullptr && !tls_url) {
    throw Error(Errc::invalid_argument,
                fmt::format("{} is set but REDIS_URL is not rediss:// or rediss+cluster:// (TLS "
                            "settings would go unused)",
                            set));
  }
  return t;
}

}  // namespace

CacheOptions CacheOptions::from_env() {
  CacheOptions o;
  if (auto url = detail::env_value("REDIS_URL")) o.url = *url;
  bool tls_url = false;
  try {
    tls_url = detail::parse_redis_url(o.url).tls;
  } catch (const Error &e) {
    throw Error(e.code(), fmt::format("REDIS_URL: {}", e.what()));
  }
  o.tls = tls_from_env(tls_url);
  o.max_connections =
      static_cast<std::uint32_t>(detail::env_ranged_uint("REDIS_MAX_CONNECTIONS", 50, 5, 200));
  o.connect_timeout = env_seconds("REDIS_SOCKET_CONNECT_TIMEOUT", seconds(5), 1, 30);
  o.socket_timeout = env_seconds("REDIS_SOCKET_TIMEOUT", seconds(5), 1, 30);
  o.pool_wait_timeout = env_seconds("REDIS_POOL_WAIT_TIMEOUT", o.socket_timeout, 0, 30);
  o.retry_max_attempts =
      static_cast<std::uint32_t>(detail::env_ranged_uint("REDIS_RETRY_MAX_ATTEMPTS", 3, 1, 10));
  o.retry_backoff_base =
      milliseconds(detail::env_ranged_uint("REDIS_RETRY_BACKOFF_BASE_MS", 100, 10, 1000));
  return o;
}

void CacheOptions::validate() const {
  constexpr std::int64_t kSecond = 1000;
  check_range("max_connections", max_connections, 1, 1000, "");
  check_ms("connect_timeout", connect_timeout, 1, 300 * kSecond);
  check_ms("socket_timeout", socket_timeout, 1, 300 * kSecond);
  check_ms("pool_wait_timeout", pool_wait_timeout, 0, 300 * kSecond);
  check_range("retry_max_attempts", retry_max_attempts, 1, 10, "");
  check_ms("retry_backoff_base", retry_backoff_base, 1, 10 * kSecond);
  check_ms("idle_check_after", idle_check_after, 0, 3600 * kSecond);
  if (!detail::parse_redis_url(url).tls && tls.configured()) {
    throw Error(Errc::invalid_argument,
                "CacheOptions.tls is set but the URL is not rediss:// or rediss+cluster:// (TLS "
                "settings would go unused)");
  }
}

}  // namespace agenthost
