// One TLS session over a connected socket (OpenSSL): the handshake bounded by the connect
// timeout, then reads and writes each bounded by the socket timeout. Errors are agenthost::Error
// naming the endpoint and the problem (untrusted, expired or misnamed certificate, a plaintext
// server, a refused client certificate, a stall), never key material.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "cache/tls/tls_context.hpp"

struct ssl_st;

namespace agenthost::detail {

class TlsStream {
 public:
  // Handshakes on `fd` (connected, not owned; non-blocking during the handshake) with the name
  // `host` for SNI and verification (TlsContext::name_for). `where` is the endpoint for messages.
  // Throws Error(timeout) when the handshake does not finish within handshake_timeout (what the
  // TCP connect left of connect_timeout, which messages name) and Error(connection) when it fails.
  TlsStream(int fd, const TlsContext &context, const std::string &host, std::string where,
            std::chrono::milliseconds handshake_timeout, std::chrono::milliseconds connect_timeout,
            std::chrono::milliseconds io_timeout);
  ~TlsStream();
  TlsStream(const TlsStream &) = delete;
  TlsStream &operator=(const TlsStream &) = delete;

  // Writes all of data. Throws Error(timeout) when the peer takes nothing for io_timeout,
  // Error(connection) when the connection fails. The caller blocks SIGPIPE.
  void write_all(const char *data, std::size_t size, const char *during);
  // Reads what is available (at least one byte, waiting up to io_timeout for it).
  std::size_t read_some(char *buffer, std::size_t size, const char *during);

 private:
  void handshake(std::chrono::milliseconds timeout, std::chrono::milliseconds connect_timeout);
  // After a silent handshake: whether the peer answers "\r\n" like a plaintext Redis.
  bool answers_plaintext_resp(std::chrono::steady_clock::time_point deadline) const;
  void make_blocking();
  // Waits for what SSL_get_error asked for; false when `deadline` passed first.
  bool wait(int ssl_error, std::chrono::steady_clock::time_point deadline) const;
  void read_pending_alert(const char *during);
  [[noreturn]] void fail(int ssl_error, int ret, const char *during);
  [[noreturn]] void fail_handshake(int ssl_error, int ret);

  ssl_st *ssl_ = nullptr;
  int fd_;
  std::string host_;
  std::string where_;
  std::chrono::milliseconds io_timeout_;
  bool verify_;
};

}  // namespace agenthost::detail
