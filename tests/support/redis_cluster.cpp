#include "support/redis_cluster.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef AGENTHOST_CLUSTER_SCRIPT
#error "AGENTHOST_CLUSTER_SCRIPT must name tests/support/cluster_fixture.sh"
#endif

namespace agenthost::test {

namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string quote(const std::string &arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string run(const std::string &command) {
  std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::string shared_cluster_url() {
  if (const char *url = std::getenv("AGENTHOST_TEST_CLUSTER_URL"); url && *url) return url;
  if (const char *file = std::getenv("AGENTHOST_TEST_CLUSTER_URL_FILE"); file && *file) {
    return read_file(file);
  }
  return {};
}

RedisCluster::RedisCluster() {
  char tmpl[] = "/tmp/agenthost-cluster-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const std::string command =
      fmt::format("bash {} start {} >{}/start.log 2>&1", quote(AGENTHOST_CLUSTER_SCRIPT),
                  quote(dir_), quote(dir_));
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("could not start a private Redis Cluster: " +
                             read_file(dir_ + "/start.log"));
  }
  url_ = read_file(dir_ + "/url");
  std::istringstream ports(read_file(dir_ + "/ports"));
  for (int p; ports >> p;) ports_.push_back(p);
}

RedisCluster::~RedisCluster() {
  for (int port : ports_) {
    try {
      resume_master(port);
    } catch (...) {  // its pidfile is gone: nothing to resume
    }
  }
  const std::string command =
      fmt::format("bash {} stop {} >/dev/null 2>&1; rm -rf {}", quote(AGENTHOST_CLUSTER_SCRIPT),
                  quote(dir_), quote(dir_));
  if (std::system(command.c_str()) != 0) {
    // Nothing more to do in a destructor; the servers were started daemonized with pidfiles.
  }
}

std::string RedisCluster::cli(int port, const std::vector<std::string> &args) const {
  std::string command = fmt::format("redis-cli -h 127.0.0.1 -p {}", port);
  for (const auto &a : args) command += " " + quote(a);
  return run(command + " 2>&1");
}

// CLUSTER NODES: "<id> <host:port@bus> <flags> <master> ... <link-state> <slot ranges...>".
int RedisCluster::master_of_slot(int slot) const {
  std::istringstream lines(cli(ports_.front(), {"CLUSTER", "NODES"}));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.size() < 9 || f[2].find("master") == std::string::npos) continue;
    const int port = std::stoi(f[1].substr(f[1].find(':') + 1));
    for (std::size_t i = 8; i < f.size(); ++i) {
      if (f[i].front() == '[') continue;  // a migration in progress, not an owned range
      const auto dash = f[i].find('-');
      const int lo = std::stoi(f[i].substr(0, dash));
      const int hi = dash == std::string::npos ? lo : std::stoi(f[i].substr(dash + 1));
      if (slot >= lo && slot <= hi) return port;
    }
  }
  throw std::runtime_error(fmt::format("no master serves slot {}", slot));
}

int RedisCluster::pid_of(int port) const {
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i] == port) return std::stoi(read_file(fmt::format("{}/node-{}.pid", dir_, i + 1)));
  }
  throw std::runtime_error(fmt::format("no master on port {}", port));
}

void RedisCluster::stop_master(int port) {
  const pid_t pid = static_cast<pid_t>(pid_of(port));
  ::kill(pid, SIGCONT);  // a paused server must run to handle SIGTERM
  ::kill(pid, SIGTERM);
  for (int n = 0; n < 200 && ::kill(pid, 0) == 0; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

void RedisCluster::pause_master(int port) { ::kill(static_cast<pid_t>(pid_of(port)), SIGSTOP); }

void RedisCluster::resume_master(int port) { ::kill(static_cast<pid_t>(pid_of(port)), SIGCONT); }

std::string RedisCluster::node_id(int port) const { return cli(port, {"CLUSTER", "MYID"}); }

void RedisCluster::migrate_slot(int slot, int from, int to, int keys_per_step,
                                std::chrono::milliseconds pause) const {
  const std::string s = std::to_string(slot);
  const auto ok = [&](int port, const std::vector<std::string> &args) {
    const std::string reply = cli(port, args);
    if (reply != "OK") {
      throw std::runtime_error(fmt::format("migrating slot {}: {} answered '{}' to {}", slot, port,
                                           reply, args.front() + " " + args.at(1)));
    }
  };
  ok(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", node_id(from)});
  ok(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", node_id(to)});
  for (int round = 0; round < 1000; ++round) {
    std::vector<std::string> keys;
    std::istringstream lines(
        cli(from, {"CLUSTER", "GETKEYSINSLOT", s, std::to_string(keys_per_step)}));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) keys.push_back(line);
    }
    if (keys.empty()) break;
    std::vector<std::string> args{"MIGRATE", "127.0.0.1", std::to_string(to), "", "0",
                                  "5000",    "KEYS"};
    args.insert(args.end(), keys.begin(), keys.end());
    ok(from, args);
    std::this_thread::sleep_for(pause);
  }
  const std::string to_id = node_id(to);
  for (int port : ports_) ok(port, {"CLUSTER", "SETSLOT", s, "NODE", to_id});
}

}  // namespace agenthost::test
