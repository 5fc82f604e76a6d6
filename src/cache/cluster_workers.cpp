#include "cache/cluster_workers.hpp"

#include <atomic>

namespace agenthost::detail {

struct ClusterWorkers::Call {
  explicit Call(const std::vector<std::function<void()>> &t) : tasks(t), count(t.size()) {}
  // Owned by the caller, which returns once every task is done: a worker that comes late (all
  // tasks taken) must look only at `count`.
  const std::vector<std::function<void()>> &tasks;
  const std::size_t count;
  std::atomic<std::size_t> next{0};  // the next task nobody has taken
  std::mutex mu;
  std::condition_variable finished;
  std::size_t done = 0;

  // Takes and runs one task; false when none was left.
  bool run_one() {
    const std::size_t i = next.fetch_add(1);
    if (i >= count) return false;
    tasks[i]();
    {
      std::lock_guard<std::mutex> lock(mu);
      ++done;
    }
    finished.notify_all();
    return true;
  }
};

ClusterWorkers::ClusterWorkers(std::size_t threads) : max_threads_(threads) {}

ClusterWorkers::~ClusterWorkers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto &t : threads_) t.join();
}

void ClusterWorkers::start_locked() {
  while (threads_.size() < max_threads_) threads_.emplace_back([this] { work(); });
}

void ClusterWorkers::run_all(const std::vector<std::function<void()>> &tasks) {
  auto call = std::make_shared<Call>(tasks);
  if (tasks.size() > 1 && max_threads_ > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      start_locked();
      for (std::size_t i = 1; i < tasks.size(); ++i) queue_.push_back(call);
    }
    wake_.notify_all();
  }
  while (call->run_one()) {
  }
  std::unique_lock<std::mutex> lock(call->mu);
  call->finished.wait(lock, [&] { return call->done == call->count; });
}

// A queue entry whose tasks were all taken by others is dropped at no cost.
void ClusterWorkers::work() {
  for (;;) {
    std::shared_ptr<Call> call;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    call->run_one();
  }
}

}  // namespace agenthost::detail
