// The CacheClient contract suite: one set of test bodies, linked into programs that differ only
// in contract_url() and contract_tls(): memory://, the shared redis-server fixture, the same over
// TLS, and the shared cluster.
#pragma once

#include <agenthost/cache_client.hpp>
#include <chrono>
#include <string>
#include <thread>

namespace agenthost::test {

// The URL the suite runs against and its TLS options (defined once per program).
std::string contract_url();
TlsOptions contract_tls();
// "memory", "redis" or "cluster", for messages and the cases a cluster refuses.
const char *contract_backend();

// A fresh client for contract_url() and a key prefix unique to this call.
CacheClient contract_client();
std::string contract_prefix(const std::string &what);

// Polls `condition` every few ms until it holds or `limit` passed; returns its last value.
// Bounded, so a broken expiry fails the test instead of hanging it.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace agenthost::test
