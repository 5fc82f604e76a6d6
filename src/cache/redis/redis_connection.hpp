// One hiredis connection: connect (with timeouts, keep-alive, TLS for rediss://, AUTH, SELECT),
// pipelines and MULTI/EXEC transactions, replies converted to agenthost::Reply. Over TLS,
// hiredis still connects the socket and parses the replies (its reader is fed from a TlsStream).
// Not thread-safe: the pool hands it to one borrower at a time.
#pragma once

#include <agenthost/cache_client.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/redis/redis_url.hpp"
#include "cache/tls/tls_stream.hpp"

struct redisContext;

namespace agenthost::detail {

class RedisConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects at once. Throws Error(timeout) when the connect timeout passes (TCP connect and TLS
  // handshake together), Error(connection) when the server cannot be reached or the TLS
  // handshake fails, Error(protocol) when AUTH or SELECT is refused.
  RedisConnection(const RedisEndpoint &endpoint, std::chrono::milliseconds connect_timeout,
                  std::chrono::milliseconds socket_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection &) = delete;
  RedisConnection &operator=(const RedisConnection &) = delete;

  // Sends all commands in one write and reads one reply per command (error replies included):
  // send(commands), then receive(commands.size()).
  std::vector<Reply> pipeline(const std::vector<Command> &commands);
  // pipeline() in two halves, so that one thread can keep several servers busy at once: send()
  // writes every command, receive() then reads `count` replies. A connection that sent must
  // receive before any other use.
  void send(const std::vector<Command> &commands);
  std::vector<Reply> receive(std::size_t count);

  // MULTI, commands, EXEC in one round trip. nullopt when EXEC returned nil (a WATCHed key
  // changed); Error(protocol) with Redis' text when the transaction was aborted (EXECABORT).
  std::optional<std::vector<Reply>> transaction(const std::vector<Command> &commands);

  // After an I/O error or timeout the reply stream is out of step: never reuse the connection.
  bool broken() const noexcept { return broken_; }
  Clock::time_point last_used() const noexcept { return last_used_; }
  void touch() noexcept { last_used_ = Clock::now(); }

 private:
  void connect(std::chrono::milliseconds connect_timeout);
  void configure();
  void handshake();
  void start_tls(std::chrono::milliseconds connect_timeout, Clock::time_point started);
  Reply read_reply();
  Reply read_tls_reply();
  void send_tls();
  [[noreturn]] void fail_io(const char *during);
  void throw_if_loading(const std::vector<Reply> &replies);

  RedisEndpoint endpoint_;
  std::chrono::milliseconds socket_timeout_;
  redisContext *ctx_ = nullptr;
  std::unique_ptr<TlsStream> tls_;  // rediss://; freed before ctx_ (which owns the socket)
  bool answered_ = false;           // a reply was read: the server speaks our protocol
  bool broken_ = false;
  std::string out_;  // RESP of the pipeline being sent, reused between calls
  Clock::time_point last_used_ = Clock::now();
};

}  // namespace agenthost::detail
