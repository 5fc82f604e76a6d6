#include "hooks/hook_counters.hpp"

#include <string_view>

#include "common/internal_events.hpp"
#include "hooks/error_class.hpp"

namespace agenthost::hooks {

namespace {

constexpr std::array<const char *, 10> kErrorClasses = {
    error_class::timeout,         error_class::connection,   error_class::dns,
    error_class::blocked_address, error_class::http_status,  error_class::too_large,
    error_class::invalid_reply,   error_class::circuit_open, error_class::cancelled,
    error_class::internal};

// The position of an error class in kErrorClasses; kErrorClasses.size() for another string.
std::size_t error_class_index(std::string_view error) noexcept {
  for (std::size_t i = 0; i < kErrorClasses.size(); ++i) {
    if (error == kErrorClasses[i]) return i;
  }
  return kErrorClasses.size();
}

std::size_t decision_index(Decision d) noexcept {
  switch (d) {
    case Decision::allow:
      return 0;
    case Decision::deny:
      return 1;
    case Decision::ask:
      return 2;
    case Decision::defer:
      return 3;
  }
  return 1;
}

}  // namespace

void HookCounters::count(const HookResult &r) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  decisions_[decision_index(r.decision)].fetch_add(1, relaxed);
  if (r.failed()) {
    const std::size_t i = error_class_index(r.error);
    if (i < failures_.size()) failures_[i].fetch_add(1, relaxed);
  }
  // A hook its open circuit kept from being called has no latency of its own.
  if (std::string_view(r.error) != error_class::circuit_open) latency_.observe(r.latency);
}

void HookCounters::count_cancelled() noexcept {
  failures_[error_class_index(error_class::cancelled)].fetch_add(1, std::memory_order_relaxed);
}

void HookCounters::count_change(BreakerChange change, const std::string &where) noexcept {
  if (change == BreakerChange::none) return;
  if (change == BreakerChange::opened) {
    circuit_opened_.fetch_add(1, std::memory_order_relaxed);
    detail::emit_internal_event(InternalEventKind::hook_circuit_opened, where,
                                "consecutive failures reached the threshold");
  } else {
    detail::emit_internal_event(InternalEventKind::hook_circuit_closed, where,
                                "a call succeeded after the circuit had opened");
  }
}

void HookCounters::snapshot(HookStats &s) const {
  constexpr auto relaxed = std::memory_order_relaxed;
  s.allow = decisions_[0].load(relaxed);
  s.deny = decisions_[1].load(relaxed);
  s.ask = decisions_[2].load(relaxed);
  s.defer = decisions_[3].load(relaxed);
  s.failures.clear();
  for (std::size_t i = 0; i < kErrorClasses.size(); ++i) {
    s.failures[kErrorClasses[i]] = failures_[i].load(relaxed);
  }
  s.circuit_opened = circuit_opened_.load(relaxed);
  s.latency = latency_.snapshot();
}

}  // namespace agenthost::hooks
