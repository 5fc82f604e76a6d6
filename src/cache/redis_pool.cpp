#include "cache/redis_pool.hpp"

#include <agenthost/error.hpp>

#include <fmt/format.h>

namespace agenthost::detail {

RedisPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

RedisPool::RedisPool(RedisEndpoint endpoint, const CacheOptions &options)
    : endpoint_(std::move(endpoint)), options_(options) {}

RedisPool::~RedisPool() { close(); }

RedisPool::Lease RedisPool::acquire() {
  std::unique_ptr<RedisConnection> conn;
  {
    std::unique_lock<std::mutex> lock(mu_);
    conn = take_idle_or_reserve(lock);
  }
  conn = conn ? checked(std::move(conn)) : open_reserved();
  return Lease(this, std::move(conn));
}

// Returns an idle connection, or nullptr after reserving a slot for a new one (the caller opens
// it outside the lock). Either way the borrower now counts as in use.
std::unique_ptr<RedisConnection> RedisPool::take_idle_or_reserve(
    std::unique_lock<std::mutex> &lock) {
  auto available = [this] { return closed_ || !idle_.empty() || open_ < options_.max_connections; };
  if (!available()) {
    ++waits_;
    auto deadline = RedisConnection::Clock::now() + options_.pool_wait_timeout;
    if (!freed_.wait_until(lock, deadline, available)) {
      ++wait_timeouts_;
      throw Error(Errc::pool_exhausted,
                  fmt::format("no Redis connection free within {} ms (max_connections={})",
                              options_.pool_wait_timeout.count(), options_.max_connections));
    }
  }
  if (closed_) throw Error(Errc::connection, "the CacheClient is closed");
  ++in_use_;
  if (idle_.empty()) {
    ++open_;
    return nullptr;
  }
  auto conn = std::move(idle_.back());
  idle_.pop_back();
  return conn;
}

std::unique_ptr<RedisConnection> RedisPool::open_reserved() {
  std::unique_ptr<RedisConnection> conn;
  try {
    conn = std::make_unique<RedisConnection>(endpoint_, options_.connect_timeout,
                                             options_.socket_timeout);
  } catch (...) {
    unreserve();
    throw;
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++created_;
  if (pending_replacements_ > 0) {
    --pending_replacements_;
    ++reconnects_;
  }
  return conn;
}

// A connection idle for long may have been dropped by the server or a middlebox; a PING finds out
// before a command (possibly not retryable) is lost on it.
std::unique_ptr<RedisConnection> RedisPool::checked(std::unique_ptr<RedisConnection> conn) {
  if (RedisConnection::Clock::now() - conn->last_used() <= options_.idle_check_after) return conn;
  bool alive = false;
  try {
    auto replies = conn->pipeline({{"PING"}});
    alive = replies.front().type == Reply::Type::status;
  } catch (const Error &) {
    alive = false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++idle_checks_;
    if (!alive) ++pending_replacements_;
  }
  if (alive) return conn;
  conn.reset();
  return open_reserved();
}

void RedisPool::release(std::unique_ptr<RedisConnection> conn) noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (!closed_ && !conn->broken()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
      if (conn->broken()) ++pending_replacements_;
    }
  }
  freed_.notify_one();
  // A discarded connection (if any) is freed here, outside the lock.
}

void RedisPool::unreserve() noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    --in_use_;
  }
  freed_.notify_one();
}

void RedisPool::count_error(Errc code) noexcept {
  switch (code) {
    case Errc::timeout: errors_timeout_.fetch_add(1, std::memory_order_relaxed); break;
    case Errc::connection: errors_connection_.fetch_add(1, std::memory_order_relaxed); break;
    case Errc::protocol: errors_protocol_.fetch_add(1, std::memory_order_relaxed); break;
    default: break;
  }
}

PoolStats RedisPool::stats() const {
  PoolStats s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.open = open_;
    s.idle = idle_.size();
    s.in_use = in_use_;
    s.created = created_;
    s.waits = waits_;
    s.wait_timeouts = wait_timeouts_;
    s.reconnects = reconnects_;
    s.idle_checks = idle_checks_;
  }
  s.max = options_.max_connections;
  s.retries = retries_.load(std::memory_order_relaxed);
  s.errors_timeout = errors_timeout_.load(std::memory_order_relaxed);
  s.errors_connection = errors_connection_.load(std::memory_order_relaxed);
  s.errors_protocol = errors_protocol_.load(std::memory_order_relaxed);
  return s;
}

void RedisPool::close() {
  std::vector<std::unique_ptr<RedisConnection>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    open_ -= idle_.size();
    closing.swap(idle_);
  }
  freed_.notify_all();
}

}  // namespace agenthost::detail
