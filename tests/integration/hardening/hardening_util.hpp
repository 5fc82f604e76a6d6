// Small pieces shared by the hardening tests: bounded joins, a tally of outcomes by error code,
// and timing helpers used only as generous "does not hang" bounds.
#pragma once

#include <agenthost/error.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agenthost::test {

using Clock = std::chrono::steady_clock;

inline std::chrono::milliseconds since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

// Runs `body(i)` on n threads and joins them. If they have not all returned within `limit`
// (a deadlock or a hang), the process aborts with a message: a hung test must fail loudly
// rather than sit until CTest's own timeout.
template <typename Body>
void run_threads(int n, std::chrono::seconds limit, Body body) {
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      body(i);
      finished.fetch_add(1);
    });
  }
  const auto deadline = Clock::now() + limit;
  while (finished.load() < n && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (finished.load() < n) {
    std::fprintf(stderr, "%d of %d threads still running after %lld s: deadlock or hang\n",
                 n - finished.load(), n, static_cast<long long>(limit.count()));
    std::abort();
  }
  for (auto &t : threads) t.join();
}

// Outcomes of many calls from many threads: counts by error code, and the first few messages
// of each failure (for the failure report).
class Tally {
 public:
  void add(Errc code, const std::string &message = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    if (code != Errc::ok && counts_[code] < 3) {  // the first few of each code
      examples_.push_back(std::string(errc_name(code)) + ": " + message);
    }
    ++counts_[code];
  }
  std::uint64_t count(Errc code) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counts_.find(code);
    return it == counts_.end() ? 0 : it->second;
  }
  std::uint64_t total() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::uint64_t n = 0;
    for (const auto &kv : counts_) n += kv.second;
    return n;
  }
  // Calls that ended with a code outside `allowed` (ok is always allowed).
  std::uint64_t other_than(std::initializer_list<Errc> allowed) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::uint64_t n = 0;
    for (const auto &kv : counts_) {
      bool ok = kv.first == Errc::ok;
      for (Errc a : allowed) ok = ok || kv.first == a;
      if (!ok) n += kv.second;
    }
    return n;
  }
  std::string summary() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto &kv : counts_) {
      out += std::string(errc_name(kv.first)) + "=" + std::to_string(kv.second) + " ";
    }
    for (const auto &e : examples_) out += "\n  " + e;
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<Errc, std::uint64_t> counts_;
  std::vector<std::string> examples_;
};

// Calls f(); records its outcome in `tally` and returns the code. Other exceptions propagate.
template <typename F>
Errc record(Tally &tally, F &&f) {
  try {
    f();
  } catch (const Error &e) {
    tally.add(e.code(), e.what());
    return e.code();
  }
  tally.add(Errc::ok);
  return Errc::ok;
}

}  // namespace agenthost::test
