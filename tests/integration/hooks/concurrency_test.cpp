// Many threads evaluating one policy while its webhook server dies.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "support/hook_test_util.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using namespace agenthost::test;

TEST_CASE("16 threads evaluating while the server is killed: every later PreToolUse is denied",
          "[hooks][concurrency]") {
  WebhookServer server;
  HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/allow"), 1000) +
                        ",\"PostToolUse\":" + hook(server.url("/allow"), 1000) + "}",
                    private_ok());
  constexpr int kThreads = 16;
  constexpr int kMaxIterations = 5000;  // bounds the loop even if the clock misbehaves
  std::atomic<bool> killed{false};
  std::atomic<bool> stop{false};
  std::atomic<int> allowed_before{0};
  std::atomic<int> after_kill{0};
  std::atomic<int> bad_after_kill{0};
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const char *event = t % 4 == 3 ? "PostToolUse" : "PreToolUse";
      for (int i = 0; i < kMaxIterations && !stop.load(); ++i) {
        const bool started_after_kill = killed.load();
        const auto v = policy.evaluate(hook_input(event, "Bash"));
        ++total;
        if (event[1] == 'o') continue;  // PostToolUse: fails open by design
        if (started_after_kill) {
          ++after_kill;
          if (v.decision != Decision::deny || !v.failed) ++bad_after_kill;
        } else if (v.decision == Decision::allow) {
          ++allowed_before;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server.kill();
  killed = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  stop = true;
  for (auto &th : threads) th.join();

  CHECK(allowed_before.load() > 0);
  CHECK(after_kill.load() > 0);
  CHECK(bad_after_kill.load() == 0);
  const auto stats = policy.stats();
  const auto &pre = stats.events.at("PreToolUse");
  const auto &post = stats.events.at("PostToolUse");
  CHECK(pre.allow + pre.deny + pre.ask + post.allow + post.deny + post.ask ==
        static_cast<std::uint64_t>(total.load()));
  CHECK(pre.circuit_open > 0);  // the breaker opened under load
}
