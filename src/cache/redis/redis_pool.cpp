#include "cache/redis/redis_pool.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <optional>

#include "common/internal_events.hpp"

namespace agenthost::detail {

RedisPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_), generation_);
}

RedisPool::RedisPool(RedisEndpoint endpoint, const CacheOptions &options)
    : endpoint_(std::move(endpoint)), options_(options) {}

RedisPool::~RedisPool() { close(); }

RedisPool::Lease RedisPool::acquire() {
  Pooled pooled;
  std::uint64_t generation = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    pooled = take_idle_or_reserve(lock);
    generation = generation_;
  }
  pooled = pooled.conn ? checked(std::move(pooled), generation) : open_reserved(generation);
  return Lease(this, std::move(pooled.conn), pooled.generation);
}

// Returns an idle connection, or one without a connection after reserving a slot for a new one
// (the caller opens it outside the lock). Either way the borrower now counts as in use.
RedisPool::Pooled RedisPool::take_idle_or_reserve(std::unique_lock<std::mutex> &lock) {
  auto available = [this] { return closed_ || !idle_.empty() || open_ < options_.max_connections; };
  if (!available()) {
    ++waits_;
    auto deadline = RedisConnection::Clock::now() + options_.pool_wait_timeout;
    if (!freed_.wait_until(lock, deadline, available)) {
      ++wait_timeouts_;
      const std::string message =
          fmt::format("no Redis connection free within {} ms (max_connections={})",
                      options_.pool_wait_timeout.count(), options_.max_connections);
      lock.unlock();  // the listener is never called under the pool's lock
      emit_internal_event(InternalEventKind::redis_pool_exhausted, endpoint_.describe(), message);
      throw Error(Errc::pool_exhausted, message);
    }
  }
  if (closed_) throw Error(Errc::connection, "the CacheClient is closed");
  ++in_use_;
  if (idle_.empty()) {
    ++open_;
    return {};
  }
  auto pooled = std::move(idle_.back());
  idle_.pop_back();
  return pooled;
}

// The generation is the one current when the connect started: a failure seen while it connects
// makes it suspect, which costs at most one PING.
RedisPool::Pooled RedisPool::open_reserved(std::uint64_t generation) {
  std::unique_ptr<RedisConnection> conn;
  try {
    conn = std::make_unique<RedisConnection>(endpoint_, options_.connect_timeout,
                                             options_.socket_timeout);
  } catch (const Error &e) {
    unreserve(e.code() == Errc::connection || e.code() == Errc::timeout);
    emit_internal_event(InternalEventKind::redis_connect_failed, endpoint_.describe(), e.what());
    throw;
  } catch (...) {
    unreserve(false);
    throw;
  }
  bool replaced = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++created_;
    if (pending_replacements_ > 0) {
      --pending_replacements_;
      ++reconnects_;
      replaced = true;
    }
  }
  if (replaced) {
    emit_internal_event(InternalEventKind::redis_reconnect, endpoint_.describe(),
                        "a broken connection was replaced");
  }
  return {std::move(conn), generation};
}

// A connection idle for long may have been dropped by the server or a middlebox, and one older
// than the last connection failure probably went down with the server: a PING finds out before a
// command (possibly not retryable) is lost on it. A dead one is replaced; one that times out
// fails this call (the server is alive but unresponsive, so a new connection would wait again).
RedisPool::Pooled RedisPool::checked(Pooled pooled, std::uint64_t current_generation) {
  const bool stale = pooled.generation != current_generation;
  const bool long_idle =
      RedisConnection::Clock::now() - pooled.conn->last_used() > options_.idle_check_after;
  if (!stale && !long_idle) return pooled;
  std::optional<Error> failure;
  try {
    auto replies = pooled.conn->pipeline({{"PING"}});
    if (replies.front().type != Reply::Type::status) {
      failure = Error(Errc::protocol, "Redis answered PING with something other than PONG");
    }
  } catch (const Error &e) {
    failure = e;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++idle_checks_;
    if (failure) {
      ++pending_replacements_;
      ++generation_;
    }
  }
  if (!failure) return {std::move(pooled.conn), current_generation};
  pooled.conn.reset();
  if (failure->code() == Errc::timeout) {
    unreserve(false);
    throw Error(*failure);
  }
  return open_reserved(current_generation + 1);
}

void RedisPool::release(std::unique_ptr<RedisConnection> conn, std::uint64_t generation) noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (conn->broken()) ++generation_;
    if (!closed_ && !conn->broken()) {
      idle_.push_back({std::move(conn), generation});
    } else {
      --open_;
      if (conn->broken()) ++pending_replacements_;
    }
  }
  freed_.notify_one();
  // A discarded connection (if any) is freed here, outside the lock.
}

void RedisPool::unreserve(bool connection_failed) noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (connection_failed) ++generation_;
    --open_;
    --in_use_;
  }
  freed_.notify_one();
}

void RedisPool::count_error(Errc code) noexcept {
  switch (code) {
    case Errc::timeout:
      errors_timeout_.fetch_add(1, std::memory_order_relaxed);
      break;
    case Errc::connection:
      errors_connection_.fetch_add(1, std::memory_order_relaxed);
      break;
    case Errc::protocol:
      errors_protocol_.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      break;
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
  std::vector<Pooled> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    open_ -= idle_.size();
    closing.swap(idle_);
  }
  freed_.notify_all();
}

}  // namespace agenthost::detail
