// The Redis Cluster implementation of CacheBackend: commands routed by hash slot to one pool per
// master, split per slot and sent to the masters in parallel, redirects (MOVED, ASK, TRYAGAIN)
// followed a bounded number of times, transactions confined to one slot, SCAN across masters.
#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

#include "cache/backend.hpp"
#include "cache/cluster/cluster_commands.hpp"
#include "cache/cluster/cluster_topology.hpp"
#include "cache/redis/redis_url.hpp"
#include "cache/redis/retry_backoff.hpp"
#include "cache/redis/unwatch_guard.hpp"
#include "cache/tls/tls_context.hpp"

namespace agenthost::detail {

namespace {

constexpr int kMaxRedirects = 16;  // per call: a slot moves at most a few times meanwhile
constexpr std::chrono::milliseconds kTryAgainPause{10};

// The parts routed to one node in one round, and what came back.
struct Group {
  std::string address;
  std::vector<std::size_t> parts;
  std::vector<bool> asking;
  std::vector<Reply> replies;
  std::exception_ptr failure;
};

// SCAN cursors across masters: "<first slot of the master>:<that master's cursor>"; "0" starts
// at the master serving the lowest slots and is returned after the last master.
struct ScanPosition {
  std::string address;
  std::string cursor;
};

std::optional<ScanPosition> scan_position(const SlotMap &map, const std::string &cursor) {
  if (cursor == "0") {
    auto first = map.next_master("");
    if (!first) return std::nullopt;
    return ScanPosition{*first, "0"};
  }
  const auto colon = cursor.find(':');
  int slot = -1;
  if (colon == std::string::npos ||
      std::from_chars(cursor.data(), cursor.data() + colon, slot).ec != std::errc() || slot < 0 ||
      slot >= static_cast<int>(map.owner.size()) || colon + 1 == cursor.size()) {
    return std::nullopt;
  }
  return ScanPosition{map.master_of(slot), cursor.substr(colon + 1)};
}

int first_slot_of(const SlotMap &map, const std::string &address) {
  auto it = std::find(map.masters.begin(), map.masters.end(), address);
  return it == map.masters.end()
             ? 0
             : map.first_slot[static_cast<std::size_t>(it - map.masters.begin())];
}

void rewrite_scan_reply(const SlotMap &map, const std::string &address, Reply &reply) {
  if (reply.type != Reply::Type::array || reply.elements.size() != 2) return;
  std::string &cursor = reply.elements[0].str;
  if (cursor != "0") {
    cursor = fmt::format("{}:{}", first_slot_of(map, address), cursor);
    return;
  }
  auto next = map.next_master(address);
  cursor = next ? fmt::format("{}:0", first_slot_of(map, *next)) : "0";
}

Reply error_reply(std::string text) {
  Reply r;
  r.type = Reply::Type::error;
  r.str = std::move(text);
  return r;
}

std::string host_of_address(const std::string &address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

// Sends `commands` with ASKING before each one when `asking` (a pipeline) or only before the
// first (a MULTI block keeps the flag until EXEC), and drops the ASKING replies.
std::vector<Reply> send(RedisConnection &conn, const std::vector<Command> &commands, bool asking,
                        bool once) {
  if (!asking) return conn.pipeline(commands);
  std::vector<Command> wire;
  wire.reserve(commands.size() * 2);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (i == 0 || !once) wire.push_back({"ASKING"});
    wire.push_back(commands[i]);
  }
  std::vector<Reply> replies = conn.pipeline(wire);
  std::vector<Reply> out;
  out.reserve(commands.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (i == 0 || !once) ++next;  // the ASKING reply
    out.push_back(std::move(replies[next++]));
  }
  return out;
}

class ClusterBackend final : public CacheBackend {
 public:
  ClusterBackend(std::vector<RedisEndpoint> seeds, const CacheOptions &options)
      : options_(options), topology_(std::move(seeds), options) {}

  std::vector<Reply> run(const std::vector<Command> &commands, bool transaction,
                         bool idempotent) override;
  std::vector<Reply> ping() override;
  std::optional<std::vector<Reply>> transact_once(const std::vector<std::string> &watch_keys,
                                                  const CacheClient::TransactionBuilder &build,
                                                  bool *aborted) override;
  bool single_slot_transactions_only() const override { return true; }
  PoolStats stats() const override {
    PoolStats s = topology_.stats();
    s.retries += retries_.load(std::memory_order_relaxed);
    return s;
  }
  void close() override { topology_.close(); }

 private:
  template <typename F>
  std::vector<Reply> with_retries(bool idempotent, F &&once);
  std::vector<Reply> run_pipeline(const std::vector<Command> &commands);
  std::vector<Reply> ping_masters();
  std::vector<Reply> run_transaction(const std::vector<Command> &commands);
  std::vector<Command> wire_of(ClusterSplit &split, const SlotMap &map, const Group &group,
                               std::vector<std::size_t> *reply_at) const;
  void run_groups(ClusterSplit &split, const SlotMap &map, std::vector<Group> &groups);
  const std::string &route(const ClusterPart &part, const SlotMap &map,
                           std::string *scan_cursor) const;
  std::optional<std::vector<Reply>> transact_on(const std::string &address, int slot, bool asking,
                                                const std::vector<std::string> &watch_keys,
                                                const CacheClient::TransactionBuilder &build,
                                                bool *aborted, std::optional<Redirect> *redirect);
  void follow(const Redirect &r, const std::string &from, std::string *ask, int round);
  void failed(const Error &e) noexcept;

  CacheOptions options_;
  ClusterTopology topology_;
  std::atomic<std::uint64_t> retries_{0};
};

void ClusterBackend::failed(const Error &e) noexcept {
  if (e.code() == Errc::connection || e.code() == Errc::timeout) topology_.suspect();
}

// Only connection-class errors are retried, as on one node: after a timeout the command may
// still run. Redirects are not failures: they are followed inside one attempt.
template <typename F>
std::vector<Reply> ClusterBackend::with_retries(bool idempotent, F &&once) {
  for (std::uint32_t attempt = 1;; ++attempt) {
    try {
      return once();
    } catch (const Error &e) {
      failed(e);
      if (!idempotent || e.code() != Errc::connection || attempt >= options_.retry_max_attempts) {
        throw;
      }
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(
        retry_backoff(options_.retry_backoff_base, kMaxRetryBackoff, attempt));
  }
}

std::vector<Reply> ClusterBackend::run(const std::vector<Command> &commands, bool transaction,
                                       bool idempotent) {
  return with_retries(
      idempotent, [&] { return transaction ? run_transaction(commands) : run_pipeline(commands); });
}

std::vector<Reply> ClusterBackend::ping() {
  return with_retries(true, [&] { return ping_masters(); });
}

// One PING to every master of the current map, all sent before any reply is read; the first
// failure (naming its master) is thrown once every master is done.
std::vector<Reply> ClusterBackend::ping_masters() {
  const auto map = topology_.map();
  if (map->masters.empty())
    throw Error(Errc::connection, "Redis Cluster: the slot map lists no master");
  ClusterSplit split;
  std::vector<Group> groups;
  for (std::size_t m = 0; m < map->masters.size(); ++m) {
    split.parts.push_back({{"PING"}, map->first_slot[m], m, {}, false});
    groups.push_back({map->masters[m], {m}, {false}, {}, nullptr});
  }
  run_groups(split, *map, groups);
  std::vector<Reply> replies;
  replies.reserve(groups.size());
  for (auto &g : groups) replies.push_back(std::move(g.replies.at(0)));
  return replies;
}

// The node a part goes to now; for SCAN also the node's own cursor.
const std::string &ClusterBackend::route(const ClusterPart &part, const SlotMap &map,
                                         std::string *scan_cursor) const {
  static const std::string kNowhere;
  if (part.scan && part.command.size() >= 2) {
    auto pos = scan_position(map, part.command[1]);
    if (!pos) return kNowhere;
    *scan_cursor = pos->cursor;
    return *std::find(map.masters.begin(), map.masters.end(), pos->address);
  }
  if (part.slot >= 0) return map.master_of(part.slot);
  auto first = map.next_master("");
  if (!first) throw Error(Errc::connection, "Redis Cluster: the slot map lists no master");
  return *std::find(map.masters.begin(), map.masters.end(), *first);
}

// The commands of one group as sent: a SCAN gets its node's own cursor, an asked-for part is
// preceded by ASKING. Returns where each part's reply is among the replies.
std::vector<Command> ClusterBackend::wire_of(ClusterSplit &split, const SlotMap &map,
                                             const Group &group,
                                             std::vector<std::size_t> *reply_at) const {
  std::vector<Command> wire;
  wire.reserve(group.parts.size());
  for (std::size_t i = 0; i < group.parts.size(); ++i) {
    ClusterPart &part = split.parts[group.parts[i]];
    if (group.asking[i]) wire.push_back({"ASKING"});
    reply_at->push_back(wire.size());
    if (!part.scan) {
      wire.push_back(std::move(part.command));  // given back once sent (see run_groups)
      continue;
    }
    wire.push_back(part.command);
    std::string cursor;
    if (!group.asking[i] && route(part, map, &cursor) == group.address) wire.back()[1] = cursor;
  }
  return wire;
}

// Every group's pipeline is sent before any reply is read, so the masters work on their parts
// at the same time while this thread waits: one round trip for the whole call, with no thread
// hand-off. Then each group's replies are read. A connection that sent is always read (or
// discarded as broken), so none is left out of step; a failed group keeps its error and the
// first one is thrown once every group is done.
void ClusterBackend::run_groups(ClusterSplit &split, const SlotMap &map,
                                std::vector<Group> &groups) {
  std::vector<std::optional<RedisPool::Lease>> leases(groups.size());
  std::vector<std::vector<std::size_t>> reply_at(groups.size());
  std::vector<std::size_t> sent(groups.size(), 0);
  // Wires and connections are prepared first, so the writes leave back to back and the
  // masters start at the same time.
  std::vector<std::vector<Command>> wires(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    RedisPool *pool = nullptr;
    try {
      wires[g] = wire_of(split, map, groups[g], &reply_at[g]);
      pool = &topology_.pool(groups[g].address);
      leases[g].emplace(pool->acquire());
    } catch (const Error &e) {
      if (pool) pool->count_error(e.code());
      groups[g].failure = std::current_exception();
    } catch (...) {
      groups[g].failure = std::current_exception();
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!leases[g]) continue;
    try {
      (*leases[g])->send(wires[g]);
      sent[g] = wires[g].size();
    } catch (const Error &e) {
      topology_.pool(groups[g].address).count_error(e.code());
      groups[g].failure = std::current_exception();
      leases[g].reset();
    } catch (...) {
      groups[g].failure = std::current_exception();
      leases[g].reset();
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {  // the parts again, for redirects
    for (std::size_t i = 0; i < reply_at[g].size() && reply_at[g][i] < wires[g].size(); ++i) {
      ClusterPart &part = split.parts[groups[g].parts[i]];
      if (!part.scan) part.command = std::move(wires[g][reply_at[g][i]]);
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!leases[g]) continue;
    try {
      auto replies = (*leases[g])->receive(sent[g]);
      for (std::size_t at : reply_at[g]) groups[g].replies.push_back(std::move(replies[at]));
    } catch (const Error &e) {
      topology_.pool(groups[g].address).count_error(e.code());
      groups[g].failure = std::current_exception();
    } catch (...) {
      groups[g].failure = std::current_exception();
    }
    leases[g].reset();
  }
  for (auto &g : groups) {
    if (g.failure) std::rethrow_exception(g.failure);
  }
}

void ClusterBackend::follow(const Redirect &r, const std::string &from, std::string *ask,
                            int round) {
  const std::string host = r.host.empty() ? host_of_address(from) : r.host;
  switch (r.kind) {
    case Redirect::Kind::moved:
      topology_.moved(r.slot, node_address(host, r.port));
      ask->clear();
      break;
    case Redirect::Kind::ask:
      *ask = node_address(host, r.port);
      break;
    case Redirect::Kind::tryagain:  // a multi-key command in a slot being migrated
      ask->clear();
      std::this_thread::sleep_for(kTryAgainPause * (round + 1));
      break;
  }
}

std::vector<Reply> ClusterBackend::run_pipeline(const std::vector<Command> &commands) {
  ClusterSplit split = split_by_slot(commands);
  std::vector<Reply> replies(split.parts.size());
  std::vector<std::string> ask(split.parts.size());
  std::vector<std::size_t> pending(split.parts.size());
  for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  for (int round = 0;; ++round) {
    const auto map = topology_.map();
    std::map<std::string_view, std::size_t> group_of;  // views of map->masters or ask[]
    std::vector<Group> groups;
    for (std::size_t p : pending) {
      std::string cursor;
      const std::string &address = ask[p].empty() ? route(split.parts[p], *map, &cursor) : ask[p];
      if (address.empty()) {
        replies[p] = error_reply("ERR invalid cursor");
        continue;
      }
      auto [it, added] = group_of.emplace(address, groups.size());
      if (added) groups.push_back({address, {}, {}, {}, nullptr});
      groups[it->second].parts.push_back(p);
      groups[it->second].asking.push_back(!ask[p].empty());
    }
    run_groups(split, *map, groups);
    std::vector<std::size_t> again;
    for (auto &g : groups) {
      for (std::size_t i = 0; i < g.parts.size(); ++i) {
        const std::size_t p = g.parts[i];
        replies[p] = std::move(g.replies.at(i));
        if (auto r = parse_redirect(replies[p])) {
          if (round + 1 >= kMaxRedirects) {
            throw Error(Errc::protocol,
                        fmt::format("Redis Cluster: still redirected after {} attempts: {}",
                                    kMaxRedirects, replies[p].str));
          }
          follow(*r, g.address, &ask[p], round);
          again.push_back(p);
        } else if (split.parts[p].scan) {
          rewrite_scan_reply(*map, g.address, replies[p]);
        }
      }
    }
    if (again.empty()) break;
    std::sort(again.begin(), again.end());  // keep the caller's order within each node
    pending = std::move(again);
  }
  return merge_parts(split, std::move(replies));
}

std::vector<Reply> ClusterBackend::run_transaction(const std::vector<Command> &commands) {
  const auto slot = single_slot_of(commands, "a transaction");
  std::vector<Command> wrapped;
  wrapped.reserve(commands.size() + 2);
  wrapped.push_back({"MULTI"});
  wrapped.insert(wrapped.end(), commands.begin(), commands.end());
  wrapped.push_back({"EXEC"});
  std::string ask;
  for (int round = 0; round < kMaxRedirects; ++round) {
    const auto map = topology_.map();
    std::string unused;
    const std::string address =
        !ask.empty() ? ask : route({{"MULTI"}, slot.value_or(-1), 0, {}}, *map, &unused);
    auto &pool = topology_.pool(address);
    std::vector<Reply> replies;
    try {
      auto lease = pool.acquire();
      replies = send(*lease, wrapped, !ask.empty(), true);
    } catch (const Error &e) {
      pool.count_error(e.code());
      throw;
    }
    std::optional<Redirect> redirect;
    std::string cause;
    for (std::size_t i = 1; i + 1 < replies.size() && !redirect; ++i) {
      redirect = parse_redirect(replies[i]);
      if (cause.empty() && replies[i].is_error()) cause = replies[i].str;
    }
    if (redirect) {
      follow(*redirect, address, &ask, round);
      continue;
    }
    Reply &exec = replies.back();
    if (exec.is_error()) {
      throw Error(Errc::protocol,
                  cause.empty()
                      ? fmt::format("Redis transaction failed: {}", exec.str)
                      : fmt::format("Redis transaction aborted: {} ({})", exec.str, cause));
    }
    if (exec.type != Reply::Type::array || exec.elements.size() != commands.size()) {
      throw Error(Errc::protocol, "Redis EXEC returned an unexpected reply");
    }
    return std::move(exec.elements);
  }
  throw Error(
      Errc::protocol,
      fmt::format("Redis Cluster: transaction still redirected after {} attempts", kMaxRedirects));
}

std::optional<std::vector<Reply>> ClusterBackend::transact_once(
    const std::vector<std::string> &watch_keys, const CacheClient::TransactionBuilder &build,
    bool *aborted) {
  *aborted = false;
  Command watch{"WATCH"};
  watch.insert(watch.end(), watch_keys.begin(), watch_keys.end());
  const int slot = single_slot_of({watch}, "transact").value_or(-1);
  std::string ask;
  for (int round = 0; round < kMaxRedirects; ++round) {
    const auto map = topology_.map();
    std::string unused;
    const std::string address = !ask.empty() ? ask : route({watch, slot, 0, {}}, *map, &unused);
    std::optional<Redirect> redirect;
    auto replies = transact_on(address, slot, !ask.empty(), watch_keys, build, aborted, &redirect);
    if (!redirect) return replies;
    follow(*redirect, address, &ask, round);
    if (*aborted) return std::nullopt;  // the EXEC was refused: CacheClient starts over
  }
  throw Error(Errc::protocol,
              fmt::format("Redis Cluster: transaction on {} still redirected after {} attempts",
                          watch_keys.front(), kMaxRedirects));
}

// One WATCH / read / build / MULTI..EXEC on `address`. A redirect before the build is returned
// in *redirect (nothing was written); one refused at EXEC also sets *aborted.
std::optional<std::vector<Reply>> ClusterBackend::transact_on(
    const std::string &address, int slot, bool asking, const std::vector<std::string> &watch_keys,
    const CacheClient::TransactionBuilder &build, bool *aborted,
    std::optional<Redirect> *redirect) {
  auto &pool = topology_.pool(address);
  try {
    auto lease = pool.acquire();
    UnwatchGuard unwatch(*lease);
    std::vector<Command> reads{Command{"WATCH"}};
    reads[0].insert(reads[0].end(), watch_keys.begin(), watch_keys.end());
    for (const auto &key : watch_keys) reads.push_back({"GET", key});
    auto replies = send(*lease, reads, asking, false);
    std::vector<std::optional<std::string>> values;
    for (std::size_t i = 0; i < replies.size(); ++i) {
      if ((*redirect = parse_redirect(replies[i]))) return std::nullopt;
      if (replies[i].is_error()) {
        throw Error(Errc::protocol, fmt::format("Redis {} failed in a transaction: {}",
                                                i == 0 ? "WATCH" : "GET", replies[i].str));
      }
      if (i > 0)
        values.push_back(replies[i].is_nil() ? std::nullopt
                                             : std::optional<std::string>(replies[i].str));
    }
    auto commands = build(values);
    if (!commands) return std::nullopt;
    const auto written = single_slot_of(*commands, "a transaction");
    if (written && slot >= 0 && *written != slot) {
      throw Error(Errc::invalid_argument,
                  fmt::format("transact on Redis Cluster: the built commands write slot {} but the "
                              "watched key '{}' is in slot {} (use a {{hash tag}})",
                              *written, watch_keys.front(), slot));
    }
    std::vector<Command> wrapped{{"MULTI"}};
    wrapped.insert(wrapped.end(), commands->begin(), commands->end());
    wrapped.push_back({"EXEC"});
    unwatch.dismiss();  // EXEC (or its failure) ends the WATCH
    auto results = send(*lease, wrapped, asking, true);
    std::string cause;
    for (std::size_t i = 1; i + 1 < results.size(); ++i) {
      if ((*redirect = parse_redirect(results[i]))) {
        *aborted = true;
        return std::nullopt;
      }
      if (cause.empty() && results[i].is_error()) cause = results[i].str;
    }
    Reply &exec = results.back();
    if (exec.is_error()) {
      throw Error(Errc::protocol,
                  cause.empty()
                      ? fmt::format("Redis transaction failed: {}", exec.str)
                      : fmt::format("Redis transaction aborted: {} ({})", exec.str, cause));
    }
    if (exec.is_nil()) {
      *aborted = true;
      return std::nullopt;
    }
    if (exec.type != Reply::Type::array || exec.elements.size() != commands->size()) {
      throw Error(Errc::protocol, "Redis EXEC returned an unexpected reply");
    }
    return std::move(exec.elements);
  } catch (const Error &e) {
    pool.count_error(e.code());
    failed(e);
    throw;
  }
}

}  // namespace

std::unique_ptr<CacheBackend> make_cluster_backend(const CacheOptions &options) {
  options.validate();
  auto seeds = parse_cluster_url(options.url);
  if (seeds.front().tls) {
    auto context = std::make_shared<const TlsContext>(options.tls);
    for (auto &seed : seeds) seed.tls_context = context;  // and every node found from them
  }
  return std::make_unique<ClusterBackend>(std::move(seeds), options);
}

}  // namespace agenthost::detail
