// Small helpers for the Redis backend tests: options with short timeouts, the error code of a
// call and its duration.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <chrono>
#include <functional>
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
  out.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return out;
}

}  // namespace agenthost::test
