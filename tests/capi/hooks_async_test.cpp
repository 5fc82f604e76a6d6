// The asynchronous HookPolicy C ABI: the callback owns its verdict and runs exactly once, on the
// policy's loop thread; cancel and free with evaluations in flight; bad arguments.
#include <agenthost.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/hook_test_util.hpp"
#include "support/webhook_server.hpp"

using namespace agenthost::test;

namespace {

// What one evaluation's callback saw.
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  agenthost_status status = AGENTHOST_INTERNAL;
  agenthost_decision decision = AGENTHOST_ALLOW;
  std::string json;
  std::thread::id thread;

  bool wait(std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, limit, [&] { return calls > 0; });
  }
};

extern "C" void on_verdict(void *user, agenthost_status status, agenthost_verdict *v) {
  auto *slot = static_cast<Slot *>(user);
  std::lock_guard<std::mutex> lock(slot->mu);
  ++slot->calls;
  slot->status = status;
  slot->decision = agenthost_verdict_decision(v);
  slot->json = agenthost_verdict_json(v, nullptr);
  slot->thread = std::this_thread::get_id();
  agenthost_verdict_free(v);  // the callback owns it
  slot->cv.notify_all();
}

agenthost_hook_policy *create_private_ok(const std::string &config) {
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.allow_private_networks = 1;
  agenthost_hook_policy *p = nullptr;
  REQUIRE(agenthost_hook_policy_create(config.c_str(), &opts, &p) == AGENTHOST_OK);
  return p;
}

}  // namespace

TEST_CASE("C ABI: an asynchronous evaluation hands its verdict to the callback",
          "[hooks][capi][async]") {
  WebhookServer server;
  agenthost_hook_policy *p =
      create_private_ok("{\"PreToolUse\":" + hook(server.url("/cc/deny")) + "}");
  const std::string input = hook_input("PreToolUse");
  Slot slot;
  uint64_t ticket = 0;
  REQUIRE(agenthost_hook_policy_evaluate_async(p, input.data(), input.size(), on_verdict, &slot,
                                               &ticket) == AGENTHOST_OK);
  CHECK(ticket != 0);
  REQUIRE(slot.wait());
  CHECK(slot.calls == 1);
  CHECK(slot.status == AGENTHOST_OK);
  CHECK(slot.decision == AGENTHOST_DENY);
  CHECK_THAT(slot.json, Catch::StartsWith(R"({"decision":"deny",)"));
  CHECK_THAT(slot.json, Catch::Contains(R"("failed":false)"));
  CHECK(slot.thread != std::this_thread::get_id());
  CHECK(agenthost_hook_policy_cancel(p, ticket) == AGENTHOST_NOT_FOUND);
  CHECK_THAT(agenthost_last_error(), Catch::Contains("ticket"));
  agenthost_hook_policy_free(p);
  CHECK(slot.calls == 1);
}

TEST_CASE("C ABI: a rejected asynchronous evaluation never calls back", "[hooks][capi][async]") {
  agenthost_hook_policy *p = create_private_ok("{}");
  Slot slot;
  uint64_t ticket = 99;
  const std::string input = hook_input("PreToolUse");
  CHECK(agenthost_hook_policy_evaluate_async(p, "[1]", 3, on_verdict, &slot, &ticket) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(ticket == 0);
  CHECK(agenthost_hook_policy_evaluate_async(p, input.data(), input.size(), nullptr, &slot,
                                             &ticket) == AGENTHOST_INVALID_ARGUMENT);
  CHECK_THAT(agenthost_last_error(), Catch::Contains("callback is NULL"));
  CHECK(agenthost_hook_policy_evaluate_async(nullptr, input.data(), input.size(), on_verdict, &slot,
                                             &ticket) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_hook_policy_evaluate_async(p, nullptr, 0, on_verdict, &slot, &ticket) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_hook_policy_cancel(nullptr, 1) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_hook_policy_cancel(p, 12345) == AGENTHOST_NOT_FOUND);
  // A NULL ticket pointer is allowed.
  REQUIRE(agenthost_hook_policy_evaluate_async(p, input.data(), input.size(), on_verdict, &slot,
                                               nullptr) == AGENTHOST_OK);
  REQUIRE(slot.wait());
  CHECK(slot.calls == 1);
  CHECK(slot.decision == AGENTHOST_ALLOW);  // no hook for the event
  agenthost_hook_policy_free(p);
}

TEST_CASE("C ABI: cancel and free with evaluations in flight call back once, before returning",
          "[hooks][capi][async][cancel]") {
  WebhookServer server;
  agenthost_hook_policy *p =
      create_private_ok("{\"PreToolUse\":" + hook(server.url("/never"), 60000) + "}");
  const std::string input = hook_input("PreToolUse");
  constexpr int kInFlight = 30;
  std::vector<Slot> slots(kInFlight);
  std::vector<uint64_t> tickets(kInFlight);
  for (int i = 0; i < kInFlight; ++i) {
    REQUIRE(agenthost_hook_policy_evaluate_async(p, input.data(), input.size(), on_verdict,
                                                 &slots[i], &tickets[i]) == AGENTHOST_OK);
  }
  REQUIRE(agenthost_hook_policy_cancel(p, tickets[0]) == AGENTHOST_OK);
  CHECK(slots[0].calls == 1);  // before cancel returned
  CHECK(slots[0].decision == AGENTHOST_DENY);
  CHECK_THAT(slots[0].json, Catch::Contains(R"("failed":true,"error":"cancelled")"));
  CHECK(agenthost_hook_policy_cancel(p, tickets[0]) == AGENTHOST_NOT_FOUND);
  agenthost_hook_policy_free(p);  // cancels the other 29
  for (int i = 0; i < kInFlight; ++i) {
    INFO("evaluation " << i);
    CHECK(slots[i].calls == 1);
    CHECK(slots[i].status == AGENTHOST_OK);
    CHECK(slots[i].decision == AGENTHOST_DENY);
    CHECK_THAT(slots[i].json, Catch::Contains(R"("error":"cancelled")"));
  }
}
