#pragma once

#include "cache/redis/redis_connection.hpp"

namespace agenthost::detail {

// Stops a WATCH from leaking into the connection's next borrower's MULTI/EXEC when the
// optimistic-transaction step ends without EXEC (the builder returned nullopt or threw).
class UnwatchGuard {
 public:
  explicit UnwatchGuard(RedisConnection &conn) : conn_(conn) {}
  ~UnwatchGuard() {
    if (!active_ || conn_.broken()) return;
    try {
      conn_.pipeline({{"UNWATCH"}});
    } catch (...) {  // the connection is now marked broken and will be discarded
    }
  }
  UnwatchGuard(const UnwatchGuard &) = delete;
  UnwatchGuard &operator=(const UnwatchGuard &) = delete;
  void dismiss() { active_ = false; }

 private:
  RedisConnection &conn_;
  bool active_ = true;
};

}  // namespace agenthost::detail
