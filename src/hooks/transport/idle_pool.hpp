// Idle curl handles kept for the next evaluation: multi handles, or one hook's easy handles (whose
// connections stay open in between). Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace agenthost::hooks {

template <typename T>
class IdlePool {
 public:
  // Throws std::bad_alloc.
  explicit IdlePool(std::size_t max_idle) : max_idle_(max_idle) { idle_.reserve(max_idle); }

  // The most recently given back, or a new T. Throws what T's constructor throws.
  std::unique_ptr<T> take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto item = std::move(idle_.back());
        idle_.pop_back();
        return item;
      }
    }
    return std::make_unique<T>();
  }

  // Kept for a later take(), or destroyed (when the call returns) if max_idle are kept already.
  void give_back(std::unique_ptr<T> item) noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    // Within the capacity reserved at construction: push_back cannot throw.
    if (idle_.size() < max_idle_) idle_.push_back(std::move(item));
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> idle_;
  const std::size_t max_idle_;
};

}  // namespace agenthost::hooks
