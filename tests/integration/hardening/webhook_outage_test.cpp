// 16 threads evaluating PreToolUse while the webhook server is killed, restarted, hung (SIGSTOP),
// resumed, hung again and replaced. Every verdict of an evaluation that ran entirely inside an
// outage is a failed deny; no evaluation hangs; after each recovery every thread sees allows
// again. (tests/integration/hooks/concurrency_test.cpp covers a single kill without recovery.)
#include <agenthost/hook_policy.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <set>

#include "integration/hardening/hardening_util.hpp"
#include "support/hook_test_util.hpp"
#include "support/webhook_server.hpp"

using namespace agenthost;
using namespace agenthost::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr int kThreads = 16;

// The phases of the run. An evaluation is classified by the phase in which it started and the
// one in which it ended; only those inside one phase are judged.
class Phases {
 public:
  // Phases cycle healthy (0) -> outage (1) -> recovering (2) -> healthy: the server is being
  // restarted or resumed only while recovering, so an evaluation that starts and ends inside an
  // outage phase never overlaps a good server.
  int current() const { return phase_.load(); }
  void next() { phase_.fetch_add(1); }
  static bool outage(int phase) { return phase % 3 == 1; }
  static bool healthy(int phase) { return phase % 3 == 0; }

  // Threads that saw an allow in the current healthy phase.
  void saw_allow(int thread, int phase) {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase == phase_.load()) allowed_[phase].insert(thread);
  }
  std::size_t allowed_in(int phase) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = allowed_.find(phase);
    return it == allowed_.end() ? 0 : it->second.size();
  }

 private:
  std::atomic<int> phase_{0};
  mutable std::mutex mu_;
  std::map<int, std::set<int>> allowed_;
};

// Waits (bounded) until every thread has seen an allow in the current phase.
bool wait_for_allows(const Phases &phases, seconds limit) {
  const auto t0 = Clock::now();
  while (phases.allowed_in(phases.current()) < kThreads && since(t0) < limit) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  return phases.allowed_in(phases.current()) == kThreads;
}

}  // namespace

TEST_CASE("webhook server killed, hung and restarted under 16 threads: outages always deny",
          "[faults][concurrency][hooks]") {
  WebhookServer server;
  HookPolicyOptions options = private_ok();
  options.failure_threshold = 3;
  options.cooldown = milliseconds(200);  // short, so recovery is quick to observe
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/allow"), 300) + "}", options);

  Phases phases;
  std::atomic<bool> stop{false};
  std::atomic<int> judged_in_outage{0};
  std::atomic<int> bad_in_outage{0};
  std::atomic<int> total{0};
  std::atomic<long long> slowest_ms{0};
  std::mutex bad_mu;
  std::string first_bad;

  std::thread workers([&] {
    run_threads(kThreads, seconds(180), [&](int t) {
      for (int i = 0; i < 200000 && !stop.load(); ++i) {
        const int started = phases.current();
        const auto t0 = Clock::now();
        const Verdict v = policy.evaluate(hook_input("PreToolUse", "Bash"));
        const long long ms = since(t0).count();
        const int ended = phases.current();
        ++total;
        long long prev = slowest_ms.load();
        while (ms > prev && !slowest_ms.compare_exchange_weak(prev, ms)) {
        }
        // An open circuit answers at once: without a pause, 16 threads spinning on it starve the
        // probe and the server of CPU on a small machine, and the circuit takes long to close.
        if (v.error == "circuit_open") std::this_thread::sleep_for(milliseconds(2));
        if (started != ended) continue;  // straddled a transition: either outcome is fine
        if (Phases::outage(started)) {
          ++judged_in_outage;
          if (v.decision != Decision::deny || !v.failed) {
            ++bad_in_outage;
            std::lock_guard<std::mutex> lock(bad_mu);
            if (first_bad.empty()) first_bad = v.to_json();
          }
        } else if (Phases::healthy(started) && v.decision == Decision::allow) {
          phases.saw_allow(t, started);
        }
      }
    });
  });

  // The outage begins before the phase becomes "outage"; the recovery begins only after it has
  // become "recovering".
  const auto outage = [&](const char *what, const std::function<void()> &begin,
                          const std::function<void()> &end) {
    INFO(what);
    REQUIRE(wait_for_allows(phases, seconds(15)));  // healthy first
    begin();
    phases.next();
    const int before = judged_in_outage.load();
    const auto t0 = Clock::now();
    while (judged_in_outage.load() < before + 3 * kThreads && since(t0) < seconds(10)) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    phases.next();
    end();
    phases.next();
  };
  outage(
      "killed, then restarted", [&] { server.kill(); }, [&] { server.restart(); });
  outage(
      "hung, then resumed", [&] { server.pause(); }, [&] { server.resume(); });
  outage(
      "hung, then replaced by a new server", [&] { server.pause(); }, [&] { server.restart(); });
  const bool recovered = wait_for_allows(phases, seconds(15));
  stop = true;
  workers.join();

  INFO("first bad verdict in an outage: " << first_bad);
  CHECK(recovered);
  CHECK(phases.current() == 9);
  CHECK(judged_in_outage.load() >= 3 * 3 * kThreads);
  CHECK(bad_in_outage.load() == 0);
  // A hung server costs at most its 300 ms timeout: generous bound, far below any hang.
  CHECK(slowest_ms.load() < 5000);
  const auto stats = policy.stats();
  const auto &pre = stats.events.at("PreToolUse");
  CHECK(pre.allow + pre.deny + pre.ask == static_cast<std::uint64_t>(total.load()));
  CHECK(pre.deny >= static_cast<std::uint64_t>(judged_in_outage.load()));
  CHECK(pre.circuit_open > 0);
}
