// Options of the CacheClient, readable from the environment the Python service used.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace agenthost {

// TLS for rediss:// and rediss+cluster:// URLs (OpenSSL, TLS 1.2 or later). The server's
// certificate is verified by default, against ca_file and/or ca_dir, or the system's trust store
// when both are empty, and must name the host: server_name when set, otherwise the URL's host
// (each node's address for a cluster). Setting any field with a plain redis:// URL is an
// Error(invalid_argument): TLS settings never silently go unused.
struct TlsOptions {
  std::string ca_file;      // PEM bundle of trusted CAs
  std::string ca_dir;       // directory of hashed CA certificates (c_rehash / openssl rehash)
  std::string cert_file;    // client certificate (PEM), for servers that require mutual TLS
  std::string key_file;     // its private key (PEM, not passphrase-protected); empty = cert_file
  std::string server_name;  // SNI and the name the certificate must carry; empty = URL host
  // Accept any certificate, from anyone: encryption without authentication. Only for tests or
  // networks where an attacker in the middle is ruled out by other means.
  bool insecure_skip_verify = false;

  // True when any field is set.
  bool configured() const {
    return !ca_file.empty() || !ca_dir.empty() || !cert_file.empty() || !key_file.empty() ||
           !server_name.empty() || insecure_skip_verify;
  }
};

// Options of a CacheClient. Programmatic options use milliseconds; validate() (called by the
// CacheClient constructor) rejects out-of-range values with Errc::invalid_argument naming the
// field and its range. Nothing is clamped.
//
// The programmatic ranges (e.g. 1..1000 connections, timeouts of 1 ms..300 s) are deliberately
// wider than from_env()'s (5..200 connections, 1..30 s): the environment ranges are the Python
// service's, kept so a host migrating from it accepts and rejects exactly the same settings,
// while code may need finer control, such as tests with one connection and 100 ms timeouts, or
// hosts with unusually slow links or large worker counts.
struct CacheOptions {
  // redis://[[user]:password@]host[:port][/db], rediss://... (TLS, see `tls`),
  // redis+cluster://..., rediss+cluster://..., unix:///path[?db=N] or memory://.
  std::string url = "redis://localhost:6379/0";
  std::uint32_t max_connections = 50;                 // 1..1000
  std::chrono::milliseconds connect_timeout{5000};    // 1 ms..300 s
  std::chrono::milliseconds socket_timeout{5000};     // 1 ms..300 s
  std::chrono::milliseconds pool_wait_timeout{5000};  // 0..300 s
  std::uint32_t retry_max_attempts = 3;               // 1..10, idempotent commands only
  std::chrono::milliseconds retry_backoff_base{
      100};  // 1 ms..10 s; doubles per retry, capped at 2 s
  std::chrono::milliseconds idle_check_after{30000};  // 0..1 h; PING before reuse when idle longer
  // (an idle connection is also PINGed before reuse after any connection failure in the pool)
  TlsOptions tls;  // used by rediss:// URLs only

  // Reads REDIS_URL, REDIS_MAX_CONNECTIONS (5..200), REDIS_SOCKET_CONNECT_TIMEOUT (1..30 s),
  // REDIS_SOCKET_TIMEOUT (1..30 s), REDIS_POOL_WAIT_TIMEOUT (0..30 s, default = socket timeout),
  // REDIS_RETRY_MAX_ATTEMPTS (1..10), REDIS_RETRY_BACKOFF_BASE_MS (10..1000), and for rediss://
  // REDIS_SSL_CA_CERTS, REDIS_SSL_CA_PATH, REDIS_SSL_CERTFILE, REDIS_SSL_KEYFILE and
  // REDIS_SSL_CERT_REQS (required | optional | none; none = insecure_skip_verify; redis-py's
  // names). Unset or empty variables take the defaults. Throws Error(invalid_argument) naming the
  // variable and its range for a value that is out of range or not a whole number.
  static CacheOptions from_env();

  // Throws Error(invalid_argument) for an out-of-range field, a malformed URL, or TLS options
  // with a URL that is not rediss://. Never echoes a password.
  void validate() const;
};

}  // namespace agenthost
