// A pool of curl multi handles with their easy handles. Connections live in a multi handle's
// connection cache, so handing the same channels out again is what keeps connections alive
// across evaluations; each channel serves one evaluation at a time, so threads never share one.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace agenthost::hooks {

struct Channel {
  CURLM *multi = nullptr;
  std::vector<CURL *> easies;
  std::size_t configured = 0;  // easies[0..configured) carry the transport's fixed options

  Channel();
  ~Channel();
  Channel(const Channel &) = delete;
  Channel &operator=(const Channel &) = delete;

  // Makes sure `n` easy handles exist. Throws std::bad_alloc when curl cannot create one.
  void reserve(std::size_t n);
};

class ChannelPool {
 public:
  explicit ChannelPool(std::size_t max_idle) : max_idle_(max_idle) {}

  std::unique_ptr<Channel> take();
  void give_back(std::unique_ptr<Channel> channel);

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Channel>> idle_;
  const std::size_t max_idle_;
};

}  // namespace agenthost::hooks
