#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>

#include "common/circuit_breaker.hpp"
#include "hooks/config/hook_config.hpp"
#include "hooks/error_class.hpp"
#include "hooks/event_counters.hpp"
#include "hooks/hook_input.hpp"
#include "hooks/hook_run.hpp"
#include "hooks/reply/verdict.hpp"
#include "hooks/transport/async_transport.hpp"
#include "hooks/transport/webhook_transport.hpp"

namespace agenthost {

namespace {

using hooks::EventEntry;
using hooks::HookOutcome;

// An asynchronous evaluation: what its transfers point into lives here until it completes.
struct AsyncEvaluation {
  hooks::HookInput input;
  EventEntry *entry = nullptr;  // null when the event has no hooks
  std::unique_ptr<hooks::HookRun> run;
  HookPolicy::VerdictCallback done;
};

Verdict cancelled_verdict() {
  Verdict v;
  v.decision = Decision::deny;
  v.failed = true;
  v.error = hooks::error_class::cancelled;
  v.reason = "the evaluation was cancelled";
  return v;
}

// What an evaluation that cannot even build its verdict hands out. Every string fits the
// small-string buffer, so building it allocates nothing and cannot fail.
Verdict out_of_memory_verdict() noexcept {
  Verdict v;
  v.decision = Decision::deny;
  v.failed = true;
  v.error = hooks::error_class::internal;
  v.reason = "out of memory";
  return v;
}

const char *circuit_state_name(detail::CircuitState state) noexcept {
  switch (state) {
    case detail::CircuitState::closed:
      return "closed";
    case detail::CircuitState::open:
      return "open";
    case detail::CircuitState::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace

// Hidden: a member of the public class, but no part of libagenthost_cxx.so's API.
struct __attribute__((visibility("hidden"))) HookPolicy::Impl {
  HookPolicyOptions options;
  std::vector<std::unique_ptr<EventEntry>> events;
  hooks::AtomicEventCounters unconfigured;
  hooks::WebhookTransport transport;
  // Last, so it is destroyed first: evaluations it cancels then still see everything above.
  hooks::AsyncTransport async;

  Impl(std::string_view config_json, HookPolicyOptions opts)
      : options(std::move(opts)),
        events(make_events(config_json, options)),
        transport(hook_count(), options.allow_private_networks, options.max_response_bytes),
        async(hook_count(), options.allow_private_networks, options.max_response_bytes) {}

  static std::vector<std::unique_ptr<EventEntry>> make_events(std::string_view config_json,
                                                              const HookPolicyOptions &options) {
    std::vector<std::unique_ptr<EventEntry>> events;
    std::size_t hooks = 0;
    for (auto &ev : hooks::parse_hook_config(config_json)) {
      auto entry = std::make_unique<EventEntry>();
      for (std::size_t i = 0; i < ev.hooks.size(); ++i) {
        entry->breakers.push_back(
            std::make_unique<detail::CircuitBreaker>(options.failure_threshold, options.cooldown));
        entry->hook_counters.push_back(std::make_unique<hooks::HookCounters>());
      }
      entry->first_hook = hooks;
      hooks += ev.hooks.size();
      entry->config = std::move(ev);
      events.push_back(std::move(entry));
    }
    return events;
  }

  std::size_t hook_count() const {
    return events.empty() ? 0 : events.back()->first_hook + events.back()->config.hooks.size();
  }

  EventEntry *find(const std::string &event) const {
    for (const auto &e : events) {
      if (e->config.event == event) return e.get();
    }
    return nullptr;
  }

  std::vector<HookOutcome> run_hooks(EventEntry &entry, const hooks::HookInput &in) const {
    auto run = hooks::start_run(entry, in);
    if (run->requests.empty()) return hooks::finish_run(*run, {});
    return hooks::finish_run(*run, transport.perform(run->requests));
  }

  // Counts and logs the verdict of an evaluation of `in`.
  void conclude(const hooks::HookInput &in, EventEntry *entry, const Verdict &v) {
    (entry ? entry->counters : unconfigured).count(v);
    log(in, v);
  }

  void complete(AsyncEvaluation &ev, std::vector<hooks::TransferResult> &&results,
                bool cancelled) noexcept;
  void log(const hooks::HookInput &in, const Verdict &v) const;
};

void HookPolicy::Impl::complete(AsyncEvaluation &ev, std::vector<hooks::TransferResult> &&results,
                                bool cancelled) noexcept {
  Verdict v;
  try {
    if (cancelled) {
      if (ev.run) ev.run->pending.release_rest();
      v = cancelled_verdict();
    } else {
      v = hooks::combine(ev.run ? hooks::finish_run(*ev.run, std::move(results))
                                : std::vector<HookOutcome>{});
    }
    conclude(ev.input, ev.entry, v);
  } catch (...) {
    v = out_of_memory_verdict();
  }
  try {
    ev.done(std::move(v));
  } catch (...) {  // documented: the callback's exceptions are swallowed
  }
}

void HookPolicy::Impl::log(const hooks::HookInput &in, const Verdict &v) const {
  if (!options.decision_log) return;
  try {
    options.decision_log(DecisionRecord{in.event, in.session_id, in.tool_name, v});
  } catch (...) {  // the log is an observer: it never changes or breaks the verdict
  }
}

HookPolicy::HookPolicy(std::string_view config_json, HookPolicyOptions options) {
  options.validate();
  impl_ = std::make_unique<Impl>(config_json, std::move(options));
}

std::unique_ptr<HookPolicy> HookPolicy::create(std::string_view config_json,
                                               HookPolicyOptions options) {
  return std::make_unique<HookPolicy>(config_json, std::move(options));
}

HookPolicy::~HookPolicy() = default;

Verdict HookPolicy::evaluate(std::string_view input_json) const {
  const hooks::HookInput in = hooks::parse_hook_input(input_json);
  EventEntry *entry = impl_->find(in.event);
  Verdict v = entry ? hooks::combine(impl_->run_hooks(*entry, in)) : hooks::combine({});
  impl_->conclude(in, entry, v);
  return v;
}

std::uint64_t HookPolicy::evaluate_async(std::string_view input_json, VerdictCallback done) const {
  if (!done) throw Error(Errc::invalid_argument, "evaluate_async: the callback is empty");
  auto ev = std::make_shared<AsyncEvaluation>();
  ev->input = hooks::parse_hook_input(input_json);
  ev->entry = impl_->find(ev->input.event);
  ev->done = std::move(done);
  std::vector<hooks::TransferRequest> requests;
  if (ev->entry != nullptr) {
    ev->run = hooks::start_run(*ev->entry, ev->input);
    requests = std::move(ev->run->requests);
  }
  Impl *impl = impl_.get();
  return impl_->async.submit(
      std::move(requests),
      [impl, ev](std::vector<hooks::TransferResult> &&results, bool cancelled) {
        impl->complete(*ev, std::move(results), cancelled);
      });
}

bool HookPolicy::cancel(std::uint64_t ticket) const { return impl_->async.cancel(ticket); }

HookPolicyStats HookPolicy::stats() const {
  HookPolicyStats s;
  for (const auto &e : impl_->events) s.events[e->config.event] = e->counters.snapshot();
  s.events["*"] = impl_->unconfigured.snapshot();
  const auto now = detail::CircuitBreaker::Clock::now();
  for (const auto &e : impl_->events) {
    for (std::size_t i = 0; i < e->config.hooks.size(); ++i) {
      HookStats &h = s.hooks.emplace_back();
      h.event = e->config.event;
      h.index = i;
      h.url = e->config.hooks[i].url.display;
      e->hook_counters[i]->snapshot(h);
      h.circuit = circuit_state_name(e->breakers[i]->state(now));
    }
  }
  return s;
}

}  // namespace agenthost
