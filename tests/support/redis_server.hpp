// A private redis-server for tests that stop, restart or pause their server (so they never
// disturb the shared fixture). Started daemonized on a free loopback port; stopped by the PID in
// its pidfile, never by process name.
#pragma once

#include <string>
#include <vector>

namespace agenthost::test {

class RedisServer {
 public:
  // Starts a server at once. `extra_args` are appended to the command line
  // (e.g. {"--appendonly", "yes", "--appendfsync", "always"}).
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer &) = delete;
  RedisServer &operator=(const RedisServer &) = delete;

  int port() const { return port_; }
  std::string url() const;  // redis://127.0.0.1:PORT/0
  const std::string &dir() const { return dir_; }

  void stop();   // SIGTERM by PID, waits until the process is gone
  void kill();   // SIGKILL by PID (no shutdown, no final AOF rewrite), waits until it is gone
  void start();  // (re)starts on the same port with the same arguments, waits for PING
  // Runs redis-cli against this server and returns its output (e.g. {"CLIENT", "PAUSE", "2000"}).
  std::string cli(const std::vector<std::string> &args) const;

 private:
  void signal_and_wait(int signal);

  int port_;
  std::string dir_;
  std::vector<std::string> extra_args_;
  bool running_ = false;
};

}  // namespace agenthost::test
