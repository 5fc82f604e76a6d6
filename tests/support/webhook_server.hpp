// Runs tests/support/webhook_server.py on a free 127.0.0.1 port for one test, and
// stops it by its PID.
#pragma once

#include <sys/types.h>

#include <string>

namespace agenthost::test {

class WebhookServer {
 public:
  // `secret`: the whsec_... string /verify checks signatures with. Waits (bounded) until the
  // server accepts connections; throws std::runtime_error if it does not come up.
  explicit WebhookServer(std::string secret = "", int port = 0);
  ~WebhookServer();
  WebhookServer(const WebhookServer &) = delete;
  WebhookServer &operator=(const WebhookServer &) = delete;

  int port() const { return port_; }
  std::string url(const std::string &path) const;
  // SIGKILL and reap: the server vanishes mid-conversation.
  void kill();
  // SIGSTOP / SIGCONT: the server hangs. Connections still complete (the kernel accepts them
  // into the backlog) but nothing is ever answered until resume().
  void pause();
  void resume();
  // Starts a fresh server on the same port (after kill()); waits until it accepts connections.
  void restart();

  // Control endpoints (plain-text replies).
  int request_count() const;
  std::string get(const std::string &path) const;

 private:
  void spawn();

  std::string secret_;
  int port_;
  pid_t pid_ = -1;
};

// A plain GET with libcurl; returns the body ("" on failure).
std::string http_get(const std::string &url);

}  // namespace agenthost::test
