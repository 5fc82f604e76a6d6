// One evaluation's hooks, in the two halves either transport sits between: start_run() matches
// the hooks, signs their requests and takes their circuit breakers' tokens; finish_run() turns
// the transfer results into outcomes and records them with the breakers.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/circuit_breaker.hpp"
#include "hooks/config/hook_config.hpp"
#include "hooks/event_counters.hpp"
#include "hooks/hook_counters.hpp"
#include "hooks/hook_input.hpp"
#include "hooks/reply/verdict.hpp"
#include "hooks/transport/webhook_transport.hpp"

namespace agenthost::hooks {

using detail::BreakerChange;
using detail::BreakerToken;
using detail::CircuitBreaker;
using detail::CircuitState;

// One configured event: its hooks, a breaker and counters per hook, and its counters.
struct EventEntry {
  EventHooks config;
  std::size_t first_hook = 0;  // the policy-wide number of its first hook (TransferRequest::hook)
  std::vector<std::unique_ptr<CircuitBreaker>> breakers;
  std::vector<std::unique_ptr<HookCounters>> hook_counters;
  AtomicEventCounters counters;
};

// Every breaker acquire() that let a call through gets exactly one record() or release(); when
// the run ends before its results are in, the rest are recorded as failures, or a probe would
// hold its circuit open for good.
class PendingRecords {
 public:
  PendingRecords(EventEntry &entry, std::size_t capacity);
  ~PendingRecords();
  PendingRecords(const PendingRecords &) = delete;
  PendingRecords &operator=(const PendingRecords &) = delete;

  // Within the reserved capacity, so it cannot throw between acquire() and the guard.
  void add(std::size_t spec, BreakerToken token) noexcept;
  void record_next(bool success, CircuitBreaker::Clock::time_point now) noexcept;
  // The run was cancelled: the calls still pending count neither way in the breakers, and as
  // "cancelled" in their hooks' failures.
  void release_rest() noexcept;

 private:
  struct Call {
    std::size_t spec;
    BreakerToken token;
  };
  EventEntry &entry_;
  std::vector<Call> calls_;
  std::size_t next_ = 0;
};

struct HookRun {
  HookRun(EventEntry &e, std::size_t capacity) : entry(e), pending(e, capacity) {}

  EventEntry &entry;
  std::vector<std::size_t> matched;  // spec index of each outcome
  std::vector<HookOutcome> outcomes;
  std::vector<std::size_t> slots;  // outcome index of each request
  std::vector<TransferRequest> requests;
  PendingRecords pending;
};

// The requests point into `in` and the entry's specs: both must outlive the run's transfers.
std::unique_ptr<HookRun> start_run(EventEntry &entry, const HookInput &in);
// Moves the outcomes out of the run (and counts them with the hooks' counters); `results` has
// one result per request, in order.
std::vector<HookOutcome> finish_run(HookRun &run, std::vector<TransferResult> &&results);

}  // namespace agenthost::hooks
