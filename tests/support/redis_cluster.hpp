// Redis Clusters for tests: the shared one started by the CTest fixture `redis_cluster`, and
// private ones (started and stopped by a test that stops masters or moves slots) made by the
// same script, tests/support/cluster_fixture.sh.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace agenthost::test {

// URL of the shared cluster (the file named by AGENTHOST_TEST_CLUSTER_URL_FILE, or
// AGENTHOST_TEST_CLUSTER_URL). Empty when neither is available.
std::string shared_cluster_url();

// A private 3-master cluster in its own temporary directory; stopped (by PID) on destruction.
class RedisCluster {
 public:
  RedisCluster();
  ~RedisCluster();
  RedisCluster(const RedisCluster &) = delete;
  RedisCluster &operator=(const RedisCluster &) = delete;

  const std::string &url() const { return url_; }
  const std::vector<int> &ports() const { return ports_; }
  // Runs redis-cli -p PORT args... and returns its output (trailing newline removed).
  std::string cli(int port, const std::vector<std::string> &args) const;
  // CLUSTER MYID of the node at `port`.
  std::string node_id(int port) const;
  // Moves `slot` from the master at `from` to the one at `to` as redis-cli --cluster reshard
  // does: IMPORTING/MIGRATING, then MIGRATE `keys_per_step` keys at a time with `pause` between
  // steps (so clients meet the ASK and TRYAGAIN states), then SETSLOT NODE on every master.
  // Throws std::runtime_error when a step is refused.
  void migrate_slot(int slot, int from, int to, int keys_per_step,
                    std::chrono::milliseconds pause) const;
  // The port of the master serving `slot`.
  int master_of_slot(int slot) const;
  // SIGTERM to one master by its PID, waiting until it is gone.
  void stop_master(int port);
  // SIGSTOP / SIGCONT to one master by its PID: it keeps its connections but answers nothing.
  void pause_master(int port);
  void resume_master(int port);

 private:
  int pid_of(int port) const;

  std::string dir_;
  std::string url_;
  std::vector<int> ports_;
};

}  // namespace agenthost::test
