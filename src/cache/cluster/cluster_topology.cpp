#include "cache/cluster/cluster_topology.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <exception>
#include <optional>

#include "cache/cluster/cluster_slot.hpp"

namespace agenthost::detail {

namespace {

using Clock = std::chrono::steady_clock;

// A map older than this is read again on the next call, so a resharding done by an operator is
// picked up even without a redirect (which would also correct it, one key at a time).
constexpr std::chrono::seconds kRefreshInterval{10};
// Redirects and failures ask for a re-read; during a migration they come in bursts, and a dead
// master keeps failing: re-read at most this often for them.
constexpr std::chrono::milliseconds kMinRefreshGap{200};

std::string host_of(const std::string &address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

int port_of(const std::string &address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// One CLUSTER SLOTS entry: [start, end, [host, port, id...], replicas...]. An empty or "?" host
// means "the node you asked".
void apply_entry(const Reply &entry, const std::string &asked, SlotMap &map) {
  const auto &e = entry.elements;
  if (entry.type != Reply::Type::array || e.size() < 3 || e[0].type != Reply::Type::integer ||
      e[1].type != Reply::Type::integer || e[2].type != Reply::Type::array ||
      e[2].elements.size() < 2 || e[2].elements[1].type != Reply::Type::integer) {
    throw Error(Errc::protocol, fmt::format("CLUSTER SLOTS from {}: malformed entry", asked));
  }
  const auto start = e[0].integer;
  const auto end = e[1].integer;
  if (start < 0 || end >= kClusterSlots || start > end) {
    throw Error(Errc::protocol, fmt::format("CLUSTER SLOTS from {}: slot range {}-{} is invalid",
                                            asked, start, end));
  }
  std::string host = e[2].elements[0].str;
  if (host.empty() || host == "?") host = host_of(asked);
  const std::string address = node_address(host, static_cast<int>(e[2].elements[1].integer));
  auto it = std::find(map.masters.begin(), map.masters.end(), address);
  const auto index = static_cast<int>(it - map.masters.begin());
  if (it == map.masters.end()) {
    map.masters.push_back(address);
    map.first_slot.push_back(static_cast<int>(start));
  }
  map.first_slot[static_cast<std::size_t>(index)] =
      std::min(map.first_slot[static_cast<std::size_t>(index)], static_cast<int>(start));
  for (auto s = start; s <= end; ++s) map.owner[static_cast<std::size_t>(s)] = index;
}

SlotMap parse_slots(const Reply &reply, const std::string &asked) {
  if (reply.is_error()) {
    throw Error(Errc::protocol,
                fmt::format("{} answered CLUSTER SLOTS with an error (is it a cluster node?): {}",
                            asked, reply.str));
  }
  if (reply.type != Reply::Type::array) {
    throw Error(Errc::protocol, fmt::format("CLUSTER SLOTS from {}: not an array", asked));
  }
  SlotMap map;
  map.owner.assign(kClusterSlots, -1);
  for (const auto &entry : reply.elements) apply_entry(entry, asked, map);
  return map;
}

}  // namespace

std::string node_address(const std::string &host, int port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

const std::string &SlotMap::master_of(int slot) const {
  const int index = owner.at(static_cast<std::size_t>(slot));
  if (index < 0) {
    throw Error(Errc::connection,
                fmt::format("Redis Cluster: no master serves hash slot {}", slot));
  }
  return masters[static_cast<std::size_t>(index)];
}

std::optional<std::string> SlotMap::next_master(const std::string &address) const {
  auto it = std::find(masters.begin(), masters.end(), address);
  const int after =
      it == masters.end() ? -1 : first_slot[static_cast<std::size_t>(it - masters.begin())];
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < masters.size(); ++i) {
    if (first_slot[i] > after && (!best || first_slot[i] < first_slot[*best])) best = i;
  }
  if (!best) return std::nullopt;
  return masters[*best];
}

ClusterTopology::ClusterTopology(std::vector<RedisEndpoint> seeds, const CacheOptions &options)
    : seeds_(std::move(seeds)), options_(options) {}

ClusterTopology::~ClusterTopology() { close(); }

std::shared_ptr<const SlotMap> ClusterTopology::map() {
  std::shared_ptr<const SlotMap> current;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (closed_) throw Error(Errc::connection, "the CacheClient is closed");
    current = map_;
    const auto age = Clock::now() - loaded_at_;
    const bool due = age > kRefreshInterval || (suspect_ && age > kMinRefreshGap);
    if (current && !due) return current;
    // One reader at a time; the others keep the map they have, or wait for the first one.
    if (refreshing_ && current) return current;
    refreshed_.wait(lock, [&] { return !refreshing_; });
    if (!current && map_) return map_;
    refreshing_ = true;
  }
  std::shared_ptr<const SlotMap> fresh;
  std::exception_ptr failure;
  try {
    fresh = load(candidates());
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    refreshing_ = false;
    loaded_at_ = Clock::now();  // after a failure: keep the old map, try again after the gap
    if (fresh) {
      map_ = fresh;
      suspect_ = false;
    }
  }
  refreshed_.notify_all();
  if (fresh) return fresh;
  if (!current) std::rethrow_exception(failure);
  return current;
}

// The node that answered last, the masters of the current map (they know the newest map), then
// the seeds. A master that went away is not asked first again, so a refresh does not wait for its
// timeouts while another node can answer.
std::vector<std::string> ClusterTopology::candidates() const {
  std::vector<std::string> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!last_good_.empty()) out.push_back(last_good_);
    if (map_) {
      for (const auto &m : map_->masters) {
        if (m != last_good_) out.push_back(m);
      }
    }
  }
  for (const auto &seed : seeds_) {
    std::string address = node_address(seed.host, seed.port);
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  return out;
}

std::shared_ptr<const SlotMap> ClusterTopology::load(const std::vector<std::string> &candidates) {
  std::vector<std::string> failures;
  for (const auto &address : candidates) {
    try {
      auto lease = pool(address).acquire();
      auto replies = lease->pipeline({{"CLUSTER", "SLOTS"}});
      auto loaded = std::make_shared<const SlotMap>(parse_slots(replies.at(0), address));
      std::lock_guard<std::mutex> lock(mu_);
      last_good_ = address;
      return loaded;
    } catch (const Error &e) {
      if (e.code() == Errc::connection &&
          std::string(e.what()).find("closed") != std::string::npos) {
        throw;
      }
      failures.emplace_back(e.what());
    }
  }
  throw Error(Errc::connection, fmt::format("no Redis Cluster node answered CLUSTER SLOTS: {}",
                                            fmt::join(failures, "; ")));
}

RedisPool &ClusterTopology::pool(const std::string &address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) throw Error(Errc::connection, "the CacheClient is closed");
  auto &slot = pools_[address];
  if (!slot) {
    RedisEndpoint endpoint = seeds_.front();
    endpoint.host = host_of(address);
    endpoint.port = port_of(address);
    endpoint.db = 0;
    slot = std::make_unique<RedisPool>(std::move(endpoint), options_);
  }
  return *slot;
}

void ClusterTopology::moved(int slot, const std::string &address) {
  std::lock_guard<std::mutex> lock(mu_);
  suspect_ = true;
  if (!map_ || slot < 0 || slot >= kClusterSlots) return;
  auto patched = std::make_shared<SlotMap>(*map_);
  auto it = std::find(patched->masters.begin(), patched->masters.end(), address);
  if (it == patched->masters.end()) {
    patched->masters.push_back(address);
    patched->first_slot.push_back(slot);
    it = patched->masters.end() - 1;
  }
  patched->owner[static_cast<std::size_t>(slot)] = static_cast<int>(it - patched->masters.begin());
  map_ = std::move(patched);
}

void ClusterTopology::suspect() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  suspect_ = true;
}

PoolStats ClusterTopology::stats() const {
  PoolStats total;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto &entry : pools_) {
    const PoolStats s = entry.second->stats();
    total.open += s.open;
    total.idle += s.idle;
    total.in_use += s.in_use;
    total.max += s.max;
    total.created += s.created;
    total.waits += s.waits;
    total.wait_timeouts += s.wait_timeouts;
    total.reconnects += s.reconnects;
    total.idle_checks += s.idle_checks;
    total.retries += s.retries;
    total.errors_timeout += s.errors_timeout;
    total.errors_connection += s.errors_connection;
    total.errors_protocol += s.errors_protocol;
  }
  if (pools_.empty()) total.max = options_.max_connections;
  return total;
}

void ClusterTopology::close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (auto &entry : pools_) entry.second->close();
}

}  // namespace agenthost::detail
