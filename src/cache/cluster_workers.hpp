// A small fixed set of threads that run the per-master pipelines of one cluster call in
// parallel. The caller runs tasks too and never waits for a worker to become free: it takes
// every task no worker has started, so a busy pool delays nothing and the thread count stays
// bounded however many threads call the client.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace agenthost::detail {

class ClusterWorkers {
 public:
  explicit ClusterWorkers(std::size_t threads);
  ~ClusterWorkers();
  ClusterWorkers(const ClusterWorkers &) = delete;
  ClusterWorkers &operator=(const ClusterWorkers &) = delete;

  // Runs every task (in this thread or a worker) and returns when all have finished. Tasks must
  // not throw.
  void run_all(const std::vector<std::function<void()>> &tasks);

 private:
  struct Call;
  void start_locked();
  void work();

  const std::size_t max_threads_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Call>> queue_;  // one entry per task offered to the workers
  std::vector<std::thread> threads_;         // started on the first parallel call
  bool stopping_ = false;
};

}  // namespace agenthost::detail
