#include "hooks/channel_pool.hpp"

#include <mutex>
#include <new>

#include "hooks/transfer.hpp"

namespace agenthost::hooks {

Channel::Channel() {
  curl_init_once();
  multi = curl_multi_init();
  if (multi == nullptr) throw std::bad_alloc();
}

Channel::~Channel() {
  for (CURL *e : easies) curl_easy_cleanup(e);
  curl_multi_cleanup(multi);
}

void Channel::reserve(std::size_t n) {
  while (easies.size() < n) {
    CURL *e = curl_easy_init();
    if (e == nullptr) throw std::bad_alloc();
    easies.push_back(e);
  }
}

std::unique_ptr<Channel> ChannelPool::take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return std::make_unique<Channel>();
}

void ChannelPool::give_back(std::unique_ptr<Channel> channel) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(channel));
  // Otherwise the surplus channel (and its connections) closes when `channel` goes out of scope.
}

}  // namespace agenthost::hooks
