// Threads that each hold one pooled connection (inside a transaction step whose builder blocks)
// until finish(): a deterministic way to fill a pool or make a borrower wait.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace agenthost::test {

class BusyBorrowers {
 public:
  // Returns once all n threads hold a connection, or after about 5 s (check holding()).
  BusyBorrowers(CacheClient &c, int n, const std::string &key_prefix = "busy:")
      : gate_(release_.get_future().share()) {
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, &c, i, key_prefix] {
        std::string key = key_prefix + std::to_string(i);
        try {
          c.transact({key}, [this, key](const std::vector<std::optional<std::string>> &) {
            ++holding_;
            gate_.wait();
            return std::optional<std::vector<Command>>({{"SET", key, "done"}});
          });
        } catch (const Error &) {
          ++failed_;
        }
      });
    }
    for (int i = 0; i < 500 && holding_.load() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~BusyBorrowers() { finish(); }
  BusyBorrowers(const BusyBorrowers &) = delete;
  BusyBorrowers &operator=(const BusyBorrowers &) = delete;

  int holding() const { return holding_.load(); }
  int failed() const { return failed_.load(); }
  // Lets the builders return, so the transactions commit, and waits for them.
  void finish() {
    if (!released_) release_.set_value();
    released_ = true;
    for (auto &t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> gate_;
  std::atomic<int> holding_{0};
  std::atomic<int> failed_{0};
  bool released_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace agenthost::test
