#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>

#include "hooks/circuit_breaker.hpp"
#include "hooks/error_class.hpp"
#include "hooks/event_counters.hpp"
#include "hooks/hook_config.hpp"
#include "hooks/hook_input.hpp"
#include "hooks/reply_parser.hpp"
#include "hooks/verdict.hpp"
#include "hooks/webhook_transport.hpp"

namespace agenthost {

namespace {

using hooks::HookOutcome;
using hooks::HookSpec;
using Clock = std::chrono::steady_clock;

struct EventEntry {
  hooks::EventHooks config;
  std::vector<std::unique_ptr<hooks::CircuitBreaker>> breakers;  // one per hook
  hooks::AtomicEventCounters counters;
};

HookOutcome failure(const HookSpec &spec, const char *error_class, const std::string &detail) {
  HookOutcome o;
  o.result.url = spec.url.display;
  o.result.error = error_class;
  o.result.decision = spec.on_failure;
  o.result.reason = "hook " + spec.url.display + " failed (" + error_class + "): " + detail;
  return o;
}

hooks::TransferRequest make_request(const HookSpec &spec, const std::string &body) {
  hooks::TransferRequest req;
  req.url = &spec.url.url;
  req.body = &body;
  req.timeout = spec.timeout;
  req.headers = spec.headers;
  if (spec.signer) {
    const auto sig = spec.signer->sign(body);
    req.headers.push_back("webhook-id: " + sig.id);
    req.headers.push_back("webhook-timestamp: " + sig.timestamp);
    req.headers.push_back("webhook-signature: " + sig.signature);
  }
  return req;
}

// Turns what came back from one webhook into its outcome.
HookOutcome interpret(const HookSpec &spec, std::string_view event, hooks::TransferResult &&r) {
  HookOutcome o;
  if (!r.error.empty()) {
    o = failure(spec, r.error.c_str(), r.detail);
  } else if (r.http_status < 200 || r.http_status > 299) {
    o = failure(spec, hooks::error_class::http_status,
                "HTTP status " + std::to_string(r.http_status) + " is not 2xx");
  } else {
    auto reply = hooks::parse_reply(r.body, {event, spec.decision_required, spec.can_block});
    if (!reply.ok) {
      o = failure(spec, hooks::error_class::invalid_reply, reply.problem);
    } else {
      o.result.url = spec.url.display;
      o.result.decision = reply.has_decision ? reply.decision : Decision::allow;
      o.result.reason = std::move(reply.reason);
      o.result.hook_specific_output = std::move(reply.hook_specific_output);
      o.extras = std::move(reply.extras);
    }
  }
  o.result.http_status = static_cast<int>(r.http_status);
  o.result.latency = r.latency;
  return o;
}

// Every breaker acquire() that let a call through gets exactly one record(); when an exception
// leaves before the results are in, the rest are recorded as failures, or a probe would hold
// its circuit open for good.
class PendingRecords {
 public:
  PendingRecords(EventEntry &entry, std::size_t capacity) : entry_(entry) {
    calls_.reserve(capacity);
  }
  ~PendingRecords() {
    const auto now = Clock::now();
    for (; next_ < calls_.size(); ++next_) {
      entry_.breakers[calls_[next_].spec]->record(calls_[next_].token, false, now);
    }
  }
  PendingRecords(const PendingRecords &) = delete;
  PendingRecords &operator=(const PendingRecords &) = delete;

  // Within the reserved capacity, so it cannot throw between acquire() and the guard.
  void add(std::size_t spec, hooks::BreakerToken token) noexcept {
    calls_.push_back({spec, token});
  }
  void record_next(bool success, Clock::time_point now) {
    entry_.breakers[calls_[next_].spec]->record(calls_[next_].token, success, now);
    ++next_;
  }

 private:
  struct Call {
    std::size_t spec;
    hooks::BreakerToken token;
  };
  EventEntry &entry_;
  std::vector<Call> calls_;
  std::size_t next_ = 0;
};

}  // namespace

struct HookPolicy::Impl {
  HookPolicyOptions options;
  std::vector<std::unique_ptr<EventEntry>> events;
  hooks::AtomicEventCounters unconfigured;
  hooks::WebhookTransport transport;

  Impl(std::string_view config_json, HookPolicyOptions opts)
      : options(std::move(opts)),
        transport(options.allow_private_networks, options.max_response_bytes) {
    for (auto &ev : hooks::parse_hook_config(config_json)) {
      auto entry = std::make_unique<EventEntry>();
      for (std::size_t i = 0; i < ev.hooks.size(); ++i) {
        entry->breakers.push_back(
            std::make_unique<hooks::CircuitBreaker>(options.failure_threshold, options.cooldown));
      }
      entry->config = std::move(ev);
      events.push_back(std::move(entry));
    }
  }

  EventEntry *find(const std::string &event) const {
    for (const auto &e : events) {
      if (e->config.event == event) return e.get();
    }
    return nullptr;
  }

  std::vector<HookOutcome> run_hooks(EventEntry &entry, const hooks::HookInput &in) const;
  void log(const hooks::HookInput &in, const Verdict &v) const;
};

std::vector<HookOutcome> HookPolicy::Impl::run_hooks(EventEntry &entry,
                                                     const hooks::HookInput &in) const {
  const auto &specs = entry.config.hooks;
  // Requests are built and signed before any breaker is acquired, so nothing that can throw
  // there runs while a probe is in flight.
  std::vector<std::size_t> matched;
  std::vector<hooks::TransferRequest> prepared;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (in.has_tool_name && !specs[i].matcher.matches(in.tool_name)) continue;
    matched.push_back(i);
    prepared.push_back(make_request(specs[i], in.body));
  }
  std::vector<HookOutcome> outcomes(matched.size());
  std::vector<std::size_t> slots;  // outcome index of each request
  std::vector<hooks::TransferRequest> requests;
  slots.reserve(matched.size());
  requests.reserve(matched.size());
  PendingRecords pending(entry, matched.size());
  const auto now = Clock::now();
  for (std::size_t k = 0; k < matched.size(); ++k) {
    const hooks::BreakerToken token = entry.breakers[matched[k]]->acquire(now);
    if (token == hooks::BreakerToken::rejected) {
      outcomes[k] = failure(specs[matched[k]], hooks::error_class::circuit_open,
                            "the circuit is open after repeated failures");
      continue;
    }
    pending.add(matched[k], token);
    slots.push_back(k);
    requests.push_back(std::move(prepared[k]));
  }
  if (requests.empty()) return outcomes;
  std::vector<hooks::TransferResult> results = transport.perform(requests);
  const auto done = Clock::now();
  for (std::size_t r = 0; r < slots.size(); ++r) {
    HookOutcome &o = outcomes[slots[r]];
    o = interpret(specs[matched[slots[r]]], entry.config.event, std::move(results[r]));
    pending.record_next(!o.result.failed(), done);
  }
  return outcomes;
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
  (entry ? entry->counters : impl_->unconfigured).count(v);
  impl_->log(in, v);
  return v;
}

HookPolicyStats HookPolicy::stats() const {
  HookPolicyStats s;
  for (const auto &e : impl_->events) s.events[e->config.event] = e->counters.snapshot();
  s.events["*"] = impl_->unconfigured.snapshot();
  return s;
}

}  // namespace agenthost
