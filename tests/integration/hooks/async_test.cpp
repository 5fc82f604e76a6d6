// evaluate_async: many evaluations in flight on the policy's one loop thread, exactly one
// callback each, cancellation, and destruction with evaluations in flight (from outside and from
// inside a callback). The failure kinds themselves run against both paths in failure_matrix_test.
#include <agenthost/error.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/hook_test_util.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using agenthost::Verdict;
using namespace agenthost::test;

namespace {

// The process's thread count, from /proc.
int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Collects callbacks: how many times each ticket's callback ran, on which thread, with what.
class Collector {
 public:
  HookPolicy::VerdictCallback callback(int id) {
    return [this, id](Verdict &&v) {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_[id];
      verdicts_[id] = std::move(v);
      threads_.insert(std::this_thread::get_id());
      cv_.notify_all();
    };
  }
  // Waits (bounded) until `n` callbacks have run; returns how many did.
  std::size_t wait_for(std::size_t n, std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, limit, [&] { return total_locked() >= n; });
    return total_locked();
  }
  std::size_t total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_locked();
  }
  int calls(int id) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.count(id) ? calls_[id] : 0;
  }
  Verdict verdict(int id) {
    std::lock_guard<std::mutex> lock(mu_);
    return verdicts_.at(id);
  }
  std::set<std::thread::id> threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }
  bool each_once(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < n; ++i) {
      if (calls_.count(i) == 0 || calls_[i] != 1) return false;
    }
    return calls_.size() == static_cast<std::size_t>(n);
  }

 private:
  std::size_t total_locked() const {
    std::size_t t = 0;
    for (const auto &[id, n] : calls_) t += static_cast<std::size_t>(n);
    return t;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, int> calls_;
  std::map<int, Verdict> verdicts_;
  std::set<std::thread::id> threads_;
};

std::string pre_tool_use(const std::string &url, int timeout_ms = 5000) {
  return "{\"PreToolUse\":" + hook(url, timeout_ms) + "}";
}

}  // namespace

TEST_CASE("200 evaluations in flight share one loop thread and each gets one callback",
          "[hooks][async]") {
  WebhookServer server;
  HookPolicy policy(pre_tool_use(server.url("/slow?ms=1500&d=deny")), private_ok());
  Collector got;
  policy.evaluate_async(hook_input("PreToolUse"), got.callback(-1));  // starts the loop thread
  REQUIRE(got.wait_for(1) == 1);
  const int before = thread_count();
  constexpr int kInFlight = 200;
  for (int i = 0; i < kInFlight; ++i)
    policy.evaluate_async(hook_input("PreToolUse"), got.callback(i));
  // While they wait on the webhook, the process has no thread per evaluation.
  CHECK(thread_count() <= before + 2);
  REQUIRE(got.wait_for(kInFlight + 1) == kInFlight + 1);
  for (int i = 0; i < kInFlight; ++i) {
    INFO("evaluation " << i);
    const Verdict v = got.verdict(i);
    CHECK(v.decision == Decision::deny);
    CHECK_FALSE(v.failed);
    CHECK(v.reason == "slow deny");
  }
  CHECK(got.threads().size() == 1);
  CHECK(got.threads().count(std::this_thread::get_id()) == 0);
  CHECK(policy.stats().events.at("PreToolUse").deny == kInFlight + 1);
}

TEST_CASE("an event without hooks and a rejected input: callback on the loop, or an exception",
          "[hooks][async]") {
  HookPolicy policy("{}", private_ok());
  Collector got;
  policy.evaluate_async(hook_input("Stop"), got.callback(0));
  REQUIRE(got.wait_for(1) == 1);
  CHECK(got.verdict(0).decision == Decision::allow);
  CHECK(got.threads().count(std::this_thread::get_id()) == 0);
  CHECK_THROWS_AS(policy.evaluate_async("not json", got.callback(1)), agenthost::Error);
  CHECK_THROWS_AS(policy.evaluate_async(hook_input("Stop"), nullptr), agenthost::Error);
  CHECK(got.calls(1) == 0);
}

TEST_CASE("cancel runs the callback with a cancelled deny before it returns, once",
          "[hooks][async][cancel]") {
  WebhookServer server;
  HookPolicy policy(pre_tool_use(server.url("/never"), 60000), private_ok());
  Collector got;
  const auto ticket = policy.evaluate_async(hook_input("PreToolUse"), got.callback(0));
  CHECK(ticket != 0);
  REQUIRE(policy.cancel(ticket));
  CHECK(got.calls(0) == 1);  // before cancel returned
  const Verdict v = got.verdict(0);
  CHECK(v.decision == Decision::deny);
  CHECK(v.failed);
  CHECK(v.error == "cancelled");
  CHECK_FALSE(policy.cancel(ticket));      // already delivered
  CHECK_FALSE(policy.cancel(ticket + 7));  // never issued
  CHECK_FALSE(policy.cancel(0));
  CHECK(got.total() == 1);
}

TEST_CASE("a delivered evaluation cannot be cancelled", "[hooks][async][cancel]") {
  WebhookServer server;
  HookPolicy policy(pre_tool_use(server.url("/allow")), private_ok());
  Collector got;
  const auto ticket = policy.evaluate_async(hook_input("PreToolUse"), got.callback(0));
  REQUIRE(got.wait_for(1) == 1);
  CHECK(got.verdict(0).decision == Decision::allow);
  CHECK_FALSE(policy.cancel(ticket));
  CHECK(got.calls(0) == 1);
}

TEST_CASE("cancelled evaluations never count as failures of the breaker",
          "[hooks][async][cancel][breaker]") {
  WebhookServer server;
  agenthost::HookPolicyOptions options = private_ok();
  options.failure_threshold = 2;
  options.cooldown = std::chrono::minutes(10);
  HookPolicy policy(pre_tool_use(server.url("/slow?ms=300&d=allow")), options);
  Collector got;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(policy.cancel(policy.evaluate_async(hook_input("PreToolUse"), got.callback(i))));
  }
  // Five cancelled calls and the circuit is still closed: the next call reaches the webhook.
  const Verdict v = evaluate_in(Mode::async, policy, hook_input("PreToolUse"));
  CHECK_FALSE(v.failed);
  CHECK(v.reason == "slow allow");
}

TEST_CASE("a cancelled probe hands the probe to the next call", "[hooks][async][cancel][breaker]") {
  WebhookServer server;
  agenthost::HookPolicyOptions options = private_ok();
  options.failure_threshold = 1;
  options.cooldown = std::chrono::milliseconds(1);
  HookPolicy policy(pre_tool_use(server.url("/slow?ms=600&d=allow"), 200), options);
  CHECK(evaluate_in(Mode::async, policy, hook_input("PreToolUse")).error == "timeout");  // opens
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the cooldown
  Collector got;
  REQUIRE(policy.cancel(policy.evaluate_async(hook_input("PreToolUse"), got.callback(0))));
  // Had the cancelled probe kept its turn, this call would be rejected as circuit_open.
  CHECK(evaluate_in(Mode::async, policy, hook_input("PreToolUse")).error == "timeout");
}

TEST_CASE("destroying the policy with evaluations in flight runs every callback once first",
          "[hooks][async][cancel]") {
  WebhookServer server;
  auto policy =
      std::make_unique<HookPolicy>(pre_tool_use(server.url("/never"), 60000), private_ok());
  Collector got;
  constexpr int kInFlight = 50;
  for (int i = 0; i < kInFlight; ++i) {
    policy->evaluate_async(hook_input("PreToolUse"), got.callback(i));
  }
  policy.reset();
  CHECK(got.total() == kInFlight);  // all delivered before the destructor returned
  CHECK(got.each_once(kInFlight));
  for (int i = 0; i < kInFlight; ++i) CHECK(got.verdict(i).error == "cancelled");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(got.total() == kInFlight);  // and none after
}

TEST_CASE("a callback may destroy the policy, cancelling the evaluations still in flight",
          "[hooks][async][cancel]") {
  WebhookServer server;
  const std::string config = "{\"PreToolUse\":[" +
                             hook(server.url("/allow"), 60000, R"(,"matcher":"Fast")") + "," +
                             hook(server.url("/never"), 60000, R"(,"matcher":"Slow")") + "]}";
  auto policy = std::make_shared<std::unique_ptr<HookPolicy>>(
      std::make_unique<HookPolicy>(config, private_ok()));
  Collector got;
  constexpr int kSlow = 20;
  for (int i = 0; i < kSlow; ++i) {
    (*policy)->evaluate_async(hook_input("PreToolUse", "Slow"), got.callback(i));
  }
  std::promise<void> destroyed;
  auto cb = got.callback(kSlow);
  (*policy)->evaluate_async(hook_input("PreToolUse", "Fast"), [&, policy, cb](Verdict &&v) {
    cb(std::move(v));
    policy->reset();  // on the loop thread, inside a callback
    destroyed.set_value();
  });
  REQUIRE(destroyed.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(got.total() == kSlow + 1);
  CHECK(got.each_once(kSlow + 1));
  CHECK(got.verdict(kSlow).decision == Decision::allow);
  for (int i = 0; i < kSlow; ++i) CHECK(got.verdict(i).error == "cancelled");
}

TEST_CASE("a callback may cancel another evaluation", "[hooks][async][cancel]") {
  WebhookServer server;
  const std::string config = "{\"PreToolUse\":[" +
                             hook(server.url("/allow"), 60000, R"(,"matcher":"Fast")") + "," +
                             hook(server.url("/never"), 60000, R"(,"matcher":"Slow")") + "]}";
  HookPolicy policy(config, private_ok());
  Collector got;
  const auto slow = policy.evaluate_async(hook_input("PreToolUse", "Slow"), got.callback(0));
  std::promise<bool> cancelled;
  auto cb = got.callback(1);
  policy.evaluate_async(hook_input("PreToolUse", "Fast"), [&, cb](Verdict &&v) {
    cb(std::move(v));
    cancelled.set_value(policy.cancel(slow));
  });
  auto f = cancelled.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(f.get());
  CHECK(got.calls(0) == 1);
  CHECK(got.verdict(0).error == "cancelled");
}

TEST_CASE("threads cancelling while evaluations complete: exactly one callback each",
          "[hooks][async][cancel]") {
  WebhookServer server;
  HookPolicy policy(pre_tool_use(server.url("/slow?ms=50&d=allow")), private_ok());
  Collector got;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> cancelled{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        const auto ticket = policy.evaluate_async(hook_input("PreToolUse"), got.callback(id));
        if (i % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(i % 7 * 10));
        if (policy.cancel(ticket)) ++cancelled;
      }
    });
  }
  for (auto &th : threads) th.join();
  REQUIRE(got.wait_for(4 * kPerThread) == 4 * kPerThread);
  CHECK(got.each_once(4 * kPerThread));
  int seen_cancelled = 0;
  for (int id = 0; id < 4 * kPerThread; ++id) {
    const Verdict v = got.verdict(id);
    if (v.error == "cancelled") {
      ++seen_cancelled;
      CHECK(v.decision == Decision::deny);
    } else {
      CHECK(v.decision == Decision::allow);
    }
  }
  CHECK(seen_cancelled == cancelled.load());
}
