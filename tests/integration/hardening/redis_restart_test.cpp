// SessionStore against a private redis-server that is killed and restarted, or paused, while
// threads use it. Every call either succeeds or fails with connection/timeout; the store
// recovers on its own; nothing acknowledged is lost when Redis persists with
// AOF appendfsync always.
#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "integration/hardening/hardening_util.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

CacheOptions restart_options(const RedisServer &server) {
  CacheOptions o;
  o.url = server.url();
  o.max_connections = 8;
  o.connect_timeout = milliseconds(500);
  o.socket_timeout = milliseconds(500);
  o.pool_wait_timeout = milliseconds(2000);
  o.retry_backoff_base = milliseconds(10);
  return o;
}

std::string owner_of(int thread) { return "sk-restart-owner-" + std::to_string(thread); }

// What one worker did: ids it tried to create, ids acknowledged, increments per id.
struct WorkerLog {
  std::vector<std::string> attempted;
  std::vector<std::string> acked;
  std::map<std::string, int> increments_attempted;
  std::map<std::string, int> increments_acked;
  int ok_after_restart = 0;  // consecutive successes of calls started after the restart
};

// Every session of `owner`, walking all pages with cursors (bounded).
std::set<std::string> listed_ids(SessionStore &store, const std::string &owner) {
  std::set<std::string> ids;
  ListQuery q;
  q.owner_api_key = owner;
  q.page_size = 100;
  for (int page = 0; page < 1000; ++page) {
    const SessionPage p = store.list(q);
    for (const auto &s : p.sessions) ids.insert(s.id);
    if (!p.next_cursor) break;
    q.cursor = p.next_cursor;
  }
  return ids;
}

}  // namespace

TEST_CASE("Redis killed and restarted under 4 threads of creates, updates and listings",
          "[faults][concurrency]") {
  RedisServer server({"--appendonly", "yes", "--appendfsync", "always"});
  CacheClient cache(restart_options(server));
  SessionStore store(cache);

  constexpr int kThreads = 4;
  constexpr int kMaxCalls = 20000;     // bounds each loop even if the clock misbehaves
  constexpr int kRecoveredAfter = 30;  // consecutive successes that count as recovered
  std::atomic<bool> restarted{false};  // set once the server answers again
  std::atomic<bool> stop{false};
  std::atomic<int> recovered_threads{0};
  Tally tally;
  std::vector<WorkerLog> logs(kThreads);

  std::thread workload([&] {
    run_threads(kThreads, seconds(120), [&](int t) {
      WorkerLog &log = logs[static_cast<std::size_t>(t)];
      const std::string owner = owner_of(t);
      bool counted = false;
      for (int i = 0; i < kMaxCalls && !stop.load(); ++i) {
        const bool after_restart = restarted.load();
        Errc code = Errc::ok;
        if (i % 3 == 0 || log.acked.empty()) {
          CreateRequest r;
          r.model = "claude-test";
          r.id = "restart-" + std::to_string(t) + "-" + std::to_string(i);
          r.owner_api_key = owner;
          log.attempted.push_back(*r.id);
          code = record(tally, [&] { store.create(r); });
          if (code == Errc::ok) log.acked.push_back(*r.id);
        } else if (i % 3 == 1) {
          const std::string &id = log.acked[static_cast<std::size_t>(i) % log.acked.size()];
          SessionPatch p;
          p.increment_turns = true;
          ++log.increments_attempted[id];
          code = record(tally, [&] { store.update(id, p, owner); });
          if (code == Errc::ok) ++log.increments_acked[id];
        } else {
          ListQuery q;
          q.owner_api_key = owner;
          code = record(tally, [&] { store.list(q); });
        }
        // A client backs off a little after a failure rather than spinning on a dead server.
        if (code != Errc::ok) std::this_thread::sleep_for(milliseconds(1));
        if (!after_restart) continue;
        log.ok_after_restart = code == Errc::ok ? log.ok_after_restart + 1 : 0;
        if (!counted && log.ok_after_restart >= kRecoveredAfter) {
          counted = true;
          recovered_threads.fetch_add(1);
        }
      }
    });
  });

  // Let the workload run, then kill Redis (no shutdown: only what AOF fsynced survives).
  std::this_thread::sleep_for(milliseconds(500));
  const std::uint64_t before_kill = tally.total();
  server.kill();
  std::this_thread::sleep_for(milliseconds(400));
  server.start();  // loads the AOF; returns once it answers PING
  restarted = true;
  const auto restart_time = Clock::now();
  while (recovered_threads.load() < kThreads && since(restart_time) < seconds(20)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  stop = true;
  workload.join();

  INFO("outcomes: " << tally.summary());
  CHECK(before_kill > 0);
  CHECK(tally.count(Errc::ok) > 0);
  CHECK(tally.count(Errc::connection) + tally.count(Errc::timeout) > 0);  // the outage was seen
  CHECK(tally.other_than({Errc::connection, Errc::timeout}) == 0);
  CHECK(recovered_threads.load() == kThreads);

  // Nothing acknowledged is lost, nothing never attempted appears, increments add up.
  for (int t = 0; t < kThreads; ++t) {
    const WorkerLog &log = logs[static_cast<std::size_t>(t)];
    const std::string owner = owner_of(t);
    const std::set<std::string> listed = listed_ids(store, owner);
    const std::set<std::string> attempted(log.attempted.begin(), log.attempted.end());
    for (const auto &id : log.acked) {
      INFO("session " << id);
      CHECK(listed.count(id) == 1);
      const auto s = store.get(id, owner);
      REQUIRE(s.has_value());
      const auto acked_it = log.increments_acked.find(id);
      const auto tried_it = log.increments_attempted.find(id);
      const int acked = acked_it == log.increments_acked.end() ? 0 : acked_it->second;
      const int tried = tried_it == log.increments_attempted.end() ? 0 : tried_it->second;
      CHECK(s->total_turns >= acked);
      CHECK(s->total_turns <= tried);
    }
    for (const auto &id : listed) {
      INFO("listed " << id);
      CHECK(attempted.count(id) == 1);
    }
  }
}

TEST_CASE("Redis paused mid-listing: listings fail with timeout, in bounded time, then work",
          "[faults][concurrency]") {
  RedisServer server;
  auto o = restart_options(server);
  o.socket_timeout = milliseconds(300);
  CacheClient cache(o);
  SessionStore store(cache);
  const std::string owner = "sk-pause-owner";
  std::set<std::string> created;
  for (int i = 0; i < 30; ++i) {
    CreateRequest r;
    r.model = "claude-test";
    r.owner_api_key = owner;
    created.insert(store.create(r).id);
  }

  constexpr int kListers = 2;
  constexpr int kMaxCalls = 100000;
  std::atomic<bool> paused{false};
  std::atomic<bool> resumed{false};
  std::atomic<bool> stop{false};
  std::atomic<int> ok_after_resume{0};
  std::atomic<long long> slowest_failure_ms{0};
  Tally during;  // calls that started while the server was paused
  Tally other;

  std::thread listers([&] {
    run_threads(kListers, seconds(60), [&](int t) {
      for (int i = 0; i < kMaxCalls && !stop.load(); ++i) {
        const bool started_paused = paused.load() && !resumed.load();
        const bool started_resumed = resumed.load();
        ListQuery q;
        if (t == 1) q.owner_api_key = owner;  // one admin lister, one owner lister
        q.page_size = 10 + i % 20;
        const auto t0 = Clock::now();
        const Errc code = record(started_paused ? during : other, [&] { store.list(q); });
        const long long ms = since(t0).count();
        if (code != Errc::ok && ms > slowest_failure_ms.load()) slowest_failure_ms = ms;
        if (started_resumed && code == Errc::ok) ok_after_resume.fetch_add(1);
        if (!started_paused) std::this_thread::sleep_for(milliseconds(2));
      }
    });
  });

  std::this_thread::sleep_for(milliseconds(200));
  // Longer than the bound below: a listing that waited for the pause to end would exceed it.
  REQUIRE(server.cli({"CLIENT", "PAUSE", "4000", "ALL"}).find("OK") != std::string::npos);
  paused = true;
  const auto pause_time = Clock::now();
  while (during.count(Errc::timeout) < 4 && since(pause_time) < milliseconds(3500)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  REQUIRE(server.cli({"CLIENT", "UNPAUSE"}).find("OK") != std::string::npos);
  resumed = true;
  const auto resume_time = Clock::now();
  while (ok_after_resume.load() < 20 && since(resume_time) < seconds(10)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  stop = true;
  listers.join();

  INFO("during the pause: " << during.summary() << "\nelsewhere: " << other.summary());
  CHECK(during.count(Errc::timeout) >= 4);
  CHECK(during.other_than({Errc::timeout}) == 0);
  CHECK(other.other_than({Errc::timeout}) == 0);  // listings that straddled the pause
  // Generous: 10x the socket timeout, yet well under the 4 s pause.
  CHECK(slowest_failure_ms.load() < 3000);
  CHECK(ok_after_resume.load() >= 20);

  ListQuery q;
  q.owner_api_key = owner;
  q.page_size = 100;
  const SessionPage page = store.list(q);
  std::set<std::string> listed;
  for (const auto &s : page.sessions) listed.insert(s.id);
  CHECK(listed == created);
  CHECK(page.total == created.size());
}
