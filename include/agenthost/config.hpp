// Options of the CacheClient, readable from the environment the Python service used.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace agenthost {

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
  // redis://[[user]:password@]host[:port][/db], unix:///path[?db=N] or memory://.
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

  // Reads REDIS_URL, REDIS_MAX_CONNECTIONS (5..200), REDIS_SOCKET_CONNECT_TIMEOUT (1..30 s),
  // REDIS_SOCKET_TIMEOUT (1..30 s), REDIS_POOL_WAIT_TIMEOUT (0..30 s, default = socket timeout),
  // REDIS_RETRY_MAX_ATTEMPTS (1..10), REDIS_RETRY_BACKOFF_BASE_MS (10..1000). Unset or empty
  // variables take the defaults. Throws Error(invalid_argument) naming the variable and its range
  // for a value that is out of range or not a whole number.
  static CacheOptions from_env();

  // Throws Error(invalid_argument) for an out-of-range field or a malformed URL, and
  // Error(unsupported) for rediss://. Never echoes a password.
  void validate() const;
};

}  // namespace agenthost
