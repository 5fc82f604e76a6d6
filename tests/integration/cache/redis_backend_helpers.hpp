// Small helpers for the Redis backend tests: a backend for a URL, one-command calls, the error
// code of a call and its duration.
#pragma once

#include "cache/backend.hpp"

#include <agenthost/error.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace agenthost::test {

inline CacheOptions fast_options(const std::string &url) {
  CacheOptions o;
  o.url = url;
  o.connect_timeout = std::chrono::milliseconds(1000);
  o.socket_timeout = std::chrono::milliseconds(1000);
  o.pool_wait_timeout = std::chrono::milliseconds(1000);
  o.retry_backoff_base = std::chrono::milliseconds(10);
  return o;
}

inline std::unique_ptr<detail::CacheBackend> backend(const CacheOptions &o) {
  return detail::make_redis_backend(o);
}

// One command; an error reply is returned as a Reply, not thrown.
inline Reply call(detail::CacheBackend &b, Command command, bool idempotent = true) {
  return b.run({std::move(command)}, false, idempotent).at(0);
}

struct Outcome {
  Errc code = Errc::ok;
  std::string message;
  std::chrono::milliseconds elapsed{0};
};

inline Outcome outcome_of(const std::function<void()> &f) {
  Outcome out;
  auto t0 = std::chrono::steady_clock::now();
  try {
    f();
  } catch (const Error &e) {
    out.code = e.code();
    out.message = e.what();
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
  return out;
}

}  // namespace agenthost::test
