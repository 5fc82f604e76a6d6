#include "hooks/event_counters.hpp"

#include <string_view>

#include "hooks/error_class.hpp"

namespace agenthost::hooks {

void AtomicEventCounters::count(const Verdict &v) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  switch (v.decision) {
    case Decision::allow:
      allow_.fetch_add(1, relaxed);
      break;
    case Decision::deny:
      deny_.fetch_add(1, relaxed);
      break;
    case Decision::ask:
      ask_.fetch_add(1, relaxed);
      break;
    case Decision::defer:
      defer_.fetch_add(1, relaxed);
      break;
  }
  if (v.failed) failed_.fetch_add(1, relaxed);
  for (const auto &h : v.hooks) {
    if (std::string_view(h.error) == error_class::circuit_open) {
      circuit_open_.fetch_add(1, relaxed);
      break;
    }
  }
}

EventCounters AtomicEventCounters::snapshot() const noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  EventCounters c;
  c.allow = allow_.load(relaxed);
  c.deny = deny_.load(relaxed);
  c.ask = ask_.load(relaxed);
  c.defer = defer_.load(relaxed);
  c.failed = failed_.load(relaxed);
  c.circuit_open = circuit_open_.load(relaxed);
  return c;
}

}  // namespace agenthost::hooks
