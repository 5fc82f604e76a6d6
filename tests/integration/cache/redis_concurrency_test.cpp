// Many threads on one client against the shared redis-server: every result correct and never
// more than max_connections connections open.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "integration/cache/redis_backend_helpers.hpp"
#include "integration/cache/redis_busy_borrowers.hpp"
#include "support/test_env.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;

namespace {

int port_of(const std::string &url) {
  auto colon = url.rfind(':');
  return std::stoi(url.substr(colon + 1));
}

std::set<std::string> own_socket_inodes() {
  std::set<std::string> inodes;
  DIR *dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return inodes;
  while (dirent *e = ::readdir(dir)) {
    char target[256] = {};
    std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    std::string t(target, n > 0 ? static_cast<std::size_t>(n) : 0);
    if (t.rfind("socket:[", 0) == 0) inodes.insert(t.substr(8, t.size() - 9));
  }
  ::closedir(dir);
  return inodes;
}

// Established TCP connections from this process to 127.0.0.1:port, as the kernel sees them.
// Counted as distinct socket inodes: /proc/net/tcp is read in chunks, and while other processes
// open and close sockets between two chunks the kernel can print the same row twice.
int open_connections_to(int port) {
  auto inodes = own_socket_inodes();
  std::ifstream tcp("/proc/self/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  std::set<std::string> ours;
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream in(line);
    std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
    in >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
    bool to_port = remote.size() > 5 && remote.substr(remote.size() - 4) == port_hex;
    if (to_port && state == "01" && inodes.count(inode) != 0) ours.insert(inode);
  }
  return static_cast<int>(ours.size());
}

bool is_value(const Reply &r, const std::string &expected) {
  return expected.empty() ? r.is_nil() : (r.type == Reply::Type::string && r.str == expected);
}

std::optional<std::string> stored(const std::string &v) {
  return v.empty() ? std::nullopt : std::optional<std::string>(v);
}

// One thread's share of the work; returns the number of wrong results.
int mixed_operations(CacheClient &c, const std::string &prefix, int ops) {
  int wrong = 0;
  std::int64_t counter = 0;
  std::vector<std::string> last(16);  // what this thread last stored under each key
  std::vector<std::string> keys;
  for (int k = 0; k < 16; ++k) keys.push_back(prefix + "k" + std::to_string(k));
  for (int j = 0; j < ops; ++j) {
    std::size_t slot = static_cast<std::size_t>(j % 16);
    const std::string &key = keys[slot];
    std::string value = "v" + std::to_string(j);
    switch (j % 6) {
      case 0:
        c.set(key, value);
        last[slot] = value;
        break;
      case 1:
        wrong += c.get(key) != stored(last[slot]);
        break;
      case 2:
        wrong += c.incr(prefix + "n") != ++counter;
        break;
      case 3: {
        auto r = c.execute(Batch{}
                               .add({"SET", key + ":p", value})
                               .add({"GET", key + ":p"})
                               .add({"DEL", key + ":p"}));
        wrong += r.size() != 3 || r[0].str != "OK" || r[1].str != value || r[2].integer != 1;
        break;
      }
      case 4: {
        Batch tx{{{"INCR", prefix + "n"}, {"GET", key}}, true};
        auto r = c.execute(tx);
        wrong += r.size() != 2 || r[0].integer != ++counter || !is_value(r[1], last[slot]);
        break;
      }
      default: {
        auto values = c.mget(keys);
        for (std::size_t k = 0; k < keys.size(); ++k) wrong += values.at(k) != stored(last[k]);
        break;
      }
    }
  }
  return wrong;
}

}  // namespace

TEST_CASE("8 threads x 2000 mixed operations on one client with max_connections 5",
          "[redis][concurrency]") {
  std::string url = shared_redis_url();
  REQUIRE(!url.empty());
  auto o = fast_options(url);
  o.max_connections = 5;
  o.pool_wait_timeout = milliseconds(10000);
  CacheClient c(o);
  int port = port_of(url);
  REQUIRE(open_connections_to(port) == 0);

  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> max_open_stats{0};
  std::atomic<int> max_open_kernel{0};
  std::thread monitor([&] {
    while (!done.load()) {
      max_open_stats = std::max<std::uint64_t>(max_open_stats.load(), c.stats().open);
      max_open_kernel = std::max(max_open_kernel.load(), open_connections_to(port));
      std::this_thread::sleep_for(milliseconds(2));
    }
  });

  std::atomic<int> wrong{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  std::string prefix = unique_prefix("h1-concurrency");
  // All 5 connections are held while the workers start, so they must share (and wait for) the
  // pool whatever the scheduler does.
  auto busy = std::make_unique<BusyBorrowers>(c, 5, prefix + "busy:");
  REQUIRE(busy->holding() == 5);
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      try {
        wrong += mixed_operations(c, prefix + std::to_string(t) + ":", 2000);
      } catch (const Error &e) {
        ++errors;
        WARN("worker " << t << ": " << e.what());
      }
    });
  }
  for (int i = 0; i < 1000 && c.stats().waits == 0; ++i)
    std::this_thread::sleep_for(milliseconds(5));
  CHECK(c.stats().waits >= 1);
  busy->finish();
  CHECK(busy->failed() == 0);
  for (auto &w : workers) w.join();
  done = true;
  monitor.join();

  CHECK(errors.load() == 0);
  CHECK(wrong.load() == 0);
  auto s = c.stats();
  CHECK(s.open <= 5);
  CHECK(s.created == 5);  // all held at once, and none had to be replaced
  CHECK(s.waits >= 1);
  CHECK(max_open_stats.load() <= 5);
  CHECK(max_open_kernel.load() <= 5);
  CHECK(max_open_kernel.load() >= 1);  // the kernel check does see our connections
  CHECK(open_connections_to(port) == static_cast<int>(s.open));

  std::vector<std::string> cleanup;
  for (int i = 0; i < 5; ++i) cleanup.push_back(prefix + "busy:" + std::to_string(i));
  for (int t = 0; t < 8; ++t) {
    cleanup.push_back(prefix + std::to_string(t) + ":n");
    for (int k = 0; k < 16; ++k)
      cleanup.push_back(prefix + std::to_string(t) + ":k" + std::to_string(k));
  }
  c.del(cleanup);
}
