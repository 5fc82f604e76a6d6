// Response desync on kept-alive connections: a webhook that answers a request twice (the second,
// unsolicited response in the same write, or written later while the connection sits idle) must
// never have its extra response taken for the answer to a later request, of the same hook or of
// another hook on the same host:port. Every reply names the nonce of the request it answers, so
// each test can tell an answer from a stray.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
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

// A hook input whose tool_input carries `nonce` (the server names it in its reason) and the
// decision the /echo server is to answer with.
std::string input(const std::string &event, const std::string &nonce,
                  const std::string &want = "deny", const std::string &command = "rm -rf /") {
  return R"({"hook_event_name":")" + event +
         R"(","session_id":"s-1","tool_name":"Bash","tool_input":{"command":")" + command +
         R"(","nonce":")" + nonce + R"(","want":")" + want + R"("},"tool_use_id":"tu-1"})";
}

// Waits (bounded) until the server has written at least `n` stray responses.
bool strays_written(const WebhookServer &server, int n) {
  for (int i = 0; i < 200; ++i) {  // at most 10 s
    if (std::stoi(server.get("/_strays")) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The client port of every POST the server received, in order: which connection carried it.
std::vector<int> ports(const WebhookServer &server) {
  std::vector<int> out;
  std::istringstream lines(server.get("/_ports"));
  std::string path;
  int port = 0;
  while (lines >> path >> port) out.push_back(port);
  return out;
}

void check_answer(const Verdict &v, Decision decision, const std::string &nonce) {
  INFO("reason: " << v.reason);
  CHECK(v.decision == decision);
  CHECK(v.reason == "answer to " + nonce);
  CHECK_FALSE(v.failed);
}

}  // namespace

TEST_CASE("a second response in the same write as the answer never answers the next call",
          "[hooks][stray]") {
  for (const Mode mode : kModes) {
    INFO(mode_name(mode));
    WebhookServer server;
    HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/twice?d=deny&how=same")) + "}",
                      private_ok());
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n1")), Decision::deny, "n1");
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n2")), Decision::deny, "n2");
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n3")), Decision::deny, "n3");
    // The server counts a stray once its write returns, which may be after the client has read
    // the answer: wait (bounded) for the third, then check no more were written.
    CHECK(strays_written(server, 3));
    CHECK(server.get("/_strays") == "3");
    CHECK(server.request_count() == 3);
  }
}

TEST_CASE(
    "a response written 150 ms after the answer, while the connection is idle, never "
    "answers the next call",
    "[hooks][stray]") {
  for (const Mode mode : kModes) {
    INFO(mode_name(mode));
    WebhookServer server;
    HookPolicy policy(
        "{\"PreToolUse\":" + hook(server.url("/twice?d=deny&stray=allow&how=delay&ms=150")) + "}",
        private_ok());
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n1")), Decision::deny, "n1");
    REQUIRE(strays_written(server, 1));  // {"decision":"allow"} waits on the idle connection
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n2")), Decision::deny, "n2");
    REQUIRE(strays_written(server, 2));
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n3")), Decision::deny, "n3");
    // Each call reached the server once (the request refused on the stale connection was never
    // sent), each on a new connection: the ones holding a stray were closed, not reused.
    const auto p = ports(server);
    REQUIRE(p.size() == 3);
    CHECK(p[1] != p[0]);
    CHECK(p[2] != p[1]);
  }
}

TEST_CASE("two hooks on one host:port: the audit hook's stray allow never decides the gate",
          "[hooks][stray]") {
  for (const Mode mode : kModes) {
    INFO(mode_name(mode));
    WebhookServer server;
    const std::string audit = server.url("/twice?d=allow&stray=allow&how=delay&ms=150");
    const std::string gate = server.url("/twice?d=deny&how=none");
    HookPolicy policy("{\"PostToolUse\":" + hook(audit) + ",\"PreToolUse\":" + hook(gate) + "}",
                      private_ok());
    check_answer(evaluate_in(mode, policy, input("PostToolUse", "n1")), Decision::allow, "n1");
    REQUIRE(strays_written(server, 1));
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n2")), Decision::deny, "n2");
    check_answer(evaluate_in(mode, policy, input("PreToolUse", "n3")), Decision::deny, "n3");
    check_answer(evaluate_in(mode, policy, input("PostToolUse", "n4")), Decision::allow, "n4");
    const auto p = ports(server);
    REQUIRE(p.size() == 4);
    CHECK(p[1] != p[0]);  // the gate never rides the audit hook's connection
    CHECK(p[2] == p[1]);  // and keeps its own alive
    CHECK(p[3] != p[0]);  // the audit hook's connection with the stray was closed
    CHECK(p[3] != p[1]);
  }
}

TEST_CASE("a kept-alive connection serves only the hook that opened it", "[hooks][stray]") {
  for (const Mode mode : kModes) {
    INFO(mode_name(mode));
    WebhookServer server;
    const std::string url = server.url("/allow");
    HookPolicy policy("{\"PostToolUse\":" + hook(url) + ",\"PreToolUse\":" + hook(url) + "}",
                      private_ok());
    for (const char *event : {"PostToolUse", "PreToolUse", "PreToolUse", "PostToolUse"}) {
      CHECK(evaluate_in(mode, policy, input(event, "n")).decision == Decision::allow);
    }
    const auto p = ports(server);
    REQUIRE(p.size() == 4);
    CHECK(p[1] != p[0]);  // same URL, another hook: another connection
    CHECK(p[2] == p[1]);  // each hook keeps its own alive
    CHECK(p[3] == p[0]);
  }
}

TEST_CASE("a reply that begins before the request is fully sent is a failure, not an answer",
          "[hooks][stray]") {
  // 6 MB cannot sit in the socket buffers, so the client is still sending when the server,
  // which answers allow before reading the body, has answered.
  const std::string big(6 * 1024 * 1024, 'x');
  struct Case {
    const char *event;
    Decision decision;  // the hook's on_failure
  };
  const Case cases[] = {{"PreToolUse", Decision::deny},
                        {"UserPromptSubmit", Decision::deny},
                        {"PostToolUse", Decision::allow},
                        {"Notification", Decision::deny}};
  for (const Mode mode : kModes) {
    WebhookServer server;
    const std::string url = server.url("/early");
    HookPolicy policy("{\"PreToolUse\":" + hook(url, 10000) + ",\"UserPromptSubmit\":" +
                          hook(url, 10000) + ",\"PostToolUse\":" + hook(url, 10000) +
                          ",\"Notification\":" + hook(url, 10000, R"(,"on_failure":"deny")") + "}",
                      private_ok());
    for (const auto &c : cases) {
      INFO(mode_name(mode) << " " << c.event);
      const auto v = evaluate_in(mode, policy, input(c.event, "n1", "allow", big));
      INFO("reason: " << v.reason);
      CHECK(v.decision == c.decision);
      CHECK(v.failed);
      CHECK(v.error == "connection");
      CHECK(v.reason.find("before the request was fully sent") != std::string::npos);
    }
  }
}

// Rounds of calls from 8 threads; between rounds, with no request in flight, the server writes
// the strays it owes on idle connections. So a stray is either in the answer's own write or
// waiting before the next request goes out: never written while a request is on its way, which
// would be a race no client can win (see the README's residual limit).
TEST_CASE(
    "8 threads evaluating against a server that answers twice at random: every verdict "
    "is the answer to its own request",
    "[hooks][stray][concurrency]") {
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  constexpr int kPerRound = 5;
  for (const Mode mode : kModes) {
    INFO(mode_name(mode));
    WebhookServer server;
    HookPolicy policy("{\"PreToolUse\":" + hook(server.url("/echo"), 5000) +
                          ",\"PostToolUse\":" + hook(server.url("/echo"), 5000) + "}",
                      private_ok());
    std::atomic<int> wrong{0};
    std::mutex mu;
    std::condition_variable round_over;
    int arrived = 0;
    int round = 0;
    int flushed = 0;
    std::string first_wrong;
    auto end_round = [&] {
      std::unique_lock<std::mutex> lock(mu);
      const int mine = round;
      if (++arrived == kThreads) {
        arrived = 0;
        flushed += std::stoi(server.get("/_flush"));
        ++round;
        round_over.notify_all();
      } else {
        round_over.wait(lock, [&] { return round != mine; });
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < kRounds; ++r) {
          for (int i = 0; i < kPerRound; ++i) {
            const int k = r * kPerRound + i;
            const std::string nonce = "t" + std::to_string(t) + "-" + std::to_string(k);
            const bool allow = (k + t) % 2 == 0;
            const char *event = k % 3 == 0 ? "PostToolUse" : "PreToolUse";
            const auto v = evaluate_in(mode, policy, input(event, nonce, allow ? "allow" : "deny"));
            if (v.reason != "answer to " + nonce || v.failed ||
                v.decision != (allow ? Decision::allow : Decision::deny)) {
              if (wrong++ == 0) {
                std::lock_guard<std::mutex> lock(mu);
                first_wrong = nonce + ": " + v.reason;
              }
            }
          }
          end_round();
        }
      });
    }
    for (auto &th : threads) th.join();
    INFO("first wrong verdict: " << first_wrong);
    CHECK(wrong.load() == 0);
    CHECK(server.request_count() == kThreads * kRounds * kPerRound);  // one request per call
    const int strays = std::stoi(server.get("/_strays"));
    CHECK(flushed > 0);       // strays waited on idle connections...
    CHECK(strays > flushed);  // ...and came in the answers' own writes
  }
}
