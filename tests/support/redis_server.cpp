#include "support/redis_server.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/test_env.hpp"

namespace agenthost::test {

namespace {

std::string shell_quote(const std::string &s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string run_capture(const std::string &command) {
  std::string out;
  FILE *p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : port_(free_port()), extra_args_(std::move(extra_args)) {
  char tmpl[] = "/tmp/agenthost-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  start();
}

RedisServer::~RedisServer() {
  try {
    stop();
    std::system(fmt::format("rm -rf {}", shell_quote(dir_)).c_str());
  } catch (...) {
  }
}

std::string RedisServer::url() const { return fmt::format("redis://127.0.0.1:{}/0", port_); }

void RedisServer::start() {
  if (running_) return;
  std::string cmd = fmt::format(
      "redis-server --port {} --bind 127.0.0.1 --save '' --appendonly no --daemonize yes "
      "--pidfile {}/redis.pid --dir {} --logfile {}/redis.log",
      port_, shell_quote(dir_), shell_quote(dir_), shell_quote(dir_));
  for (const auto &a : extra_args_) cmd += " " + shell_quote(a);
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("redis-server failed to start");
  for (int i = 0; i < 200; ++i) {
    if (cli({"PING"}).find("PONG") != std::string::npos) {
      running_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error(fmt::format("redis-server on port {} did not answer PING", port_));
}

void RedisServer::stop() { signal_and_wait(SIGTERM); }

void RedisServer::kill() { signal_and_wait(SIGKILL); }

void RedisServer::signal_and_wait(int signal) {
  if (!running_) return;
  running_ = false;
  std::ifstream in(dir_ + "/redis.pid");
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0) return;
  ::kill(pid, signal);
  for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
  for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A killed server leaves its pidfile behind; a restart must not read the stale PID.
  std::remove((dir_ + "/redis.pid").c_str());
}

std::string RedisServer::cli(const std::vector<std::string> &args) const {
  std::string cmd = fmt::format("redis-cli -p {}", port_);
  for (const auto &a : args) cmd += " " + shell_quote(a);
  return run_capture(cmd + " 2>&1");
}

}  // namespace agenthost::test
