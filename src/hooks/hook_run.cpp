#include "hooks/hook_run.hpp"

#include <string>

#include "hooks/error_class.hpp"
#include "hooks/reply/reply_parser.hpp"

namespace agenthost::hooks {

namespace {

using Clock = CircuitBreaker::Clock;

HookOutcome failure(const HookSpec &spec, const char *error_class, const std::string &detail) {
  HookOutcome o;
  o.result.url = spec.url.display;
  o.result.error = error_class;
  o.result.decision = spec.on_failure;
  o.result.reason = "hook " + spec.url.display + " failed (" + error_class + "): " + detail;
  return o;
}

TransferRequest make_request(const HookSpec &spec, const std::string &body) {
  TransferRequest req;
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
HookOutcome interpret(const HookSpec &spec, std::string_view event, TransferResult &&r) {
  HookOutcome o;
  if (!r.error.empty()) {
    o = failure(spec, r.error.c_str(), r.detail);
  } else if (r.http_status < 200 || r.http_status > 299) {
    o = failure(spec, error_class::http_status,
                "HTTP status " + std::to_string(r.http_status) + " is not 2xx");
  } else {
    auto reply = parse_reply(r.body, {event, spec.decision_required, spec.can_block});
    if (!reply.ok) {
      o = failure(spec, error_class::invalid_reply, reply.problem);
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

}  // namespace

PendingRecords::PendingRecords(EventEntry &entry, std::size_t capacity) : entry_(entry) {
  calls_.reserve(capacity);
}

PendingRecords::~PendingRecords() {
  const auto now = Clock::now();
  while (next_ < calls_.size()) record_next(false, now);
}

void PendingRecords::add(std::size_t spec, BreakerToken token) noexcept {
  calls_.push_back({spec, token});
}

void PendingRecords::record_next(bool success, Clock::time_point now) noexcept {
  const Call call = calls_[next_++];
  const BreakerChange change = entry_.breakers[call.spec]->record(call.token, success, now);
  entry_.hook_counters[call.spec]->count_change(change, entry_.config.hooks[call.spec].where);
}

void PendingRecords::release_rest() noexcept {
  for (; next_ < calls_.size(); ++next_) {
    entry_.breakers[calls_[next_].spec]->release(calls_[next_].token);
    entry_.hook_counters[calls_[next_].spec]->count_cancelled();
  }
}

std::unique_ptr<HookRun> start_run(EventEntry &entry, const HookInput &in) {
  const auto &specs = entry.config.hooks;
  std::vector<std::size_t> matched;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (in.has_match_value && !specs[i].matcher.matches(in.match_value)) continue;
    matched.push_back(i);
  }
  auto run = std::make_unique<HookRun>(entry, matched.size());
  // Requests are built and signed before any breaker is acquired, so nothing that can throw
  // there runs while a probe is in flight.
  std::vector<TransferRequest> prepared;
  prepared.reserve(matched.size());
  for (std::size_t i : matched) {
    prepared.push_back(make_request(specs[i], in.body));
    prepared.back().hook = entry.first_hook + i;
  }
  run->outcomes.resize(matched.size());
  run->slots.reserve(matched.size());
  run->requests.reserve(matched.size());
  run->matched = std::move(matched);
  const auto now = Clock::now();
  for (std::size_t k = 0; k < run->matched.size(); ++k) {
    const std::size_t spec = run->matched[k];
    const BreakerToken token = entry.breakers[spec]->acquire(now);
    if (token == BreakerToken::rejected) {
      run->outcomes[k] = failure(specs[spec], error_class::circuit_open,
                                 "the circuit is open after repeated failures");
      continue;
    }
    run->pending.add(spec, token);
    run->slots.push_back(k);
    run->requests.push_back(std::move(prepared[k]));
  }
  return run;
}

std::vector<HookOutcome> finish_run(HookRun &run, std::vector<TransferResult> &&results) {
  const auto &specs = run.entry.config.hooks;
  const auto done = Clock::now();
  for (std::size_t r = 0; r < run.slots.size(); ++r) {
    HookOutcome &o = run.outcomes[run.slots[r]];
    o = interpret(specs[run.matched[run.slots[r]]], run.entry.config.event, std::move(results[r]));
    run.pending.record_next(!o.result.failed(), done);
  }
  for (std::size_t k = 0; k < run.outcomes.size(); ++k) {
    run.entry.hook_counters[run.matched[k]]->count(run.outcomes[k].result);
  }
  return std::move(run.outcomes);
}

}  // namespace agenthost::hooks
