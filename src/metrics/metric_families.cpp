#include "metrics/metric_families.hpp"

#include <agenthost/cache_client.hpp>
#include <agenthost/hook_policy.hpp>
#include <agenthost/session_store.hpp>
#include <agenthost/transcript_store.hpp>
#include <array>
#include <string_view>
#include <utility>

namespace agenthost::detail {

namespace {

MetricFamily &family(std::deque<MetricFamily> &out, std::string name, std::string type,
                     std::string help) {
  MetricFamily &f = out.emplace_back();
  f.name = std::move(name);
  f.type = std::move(type);
  f.help = std::move(help);
  return f;
}

void add(MetricFamily &f, MetricLabels labels, double value) {
  f.samples.push_back({std::move(labels), value, std::nullopt});
}

void add_histogram(MetricFamily &f, MetricLabels labels, LatencyHistogram h) {
  f.samples.push_back({std::move(labels), 0, std::move(h)});
}

double as_value(std::uint64_t n) { return static_cast<double>(n); }

// The four decision counts of an event's or a hook's counters, by decision name.
template <typename Counts>
std::array<std::pair<const char *, std::uint64_t>, 4> decisions_of(const Counts &c) {
  return {{{"allow", c.allow}, {"deny", c.deny}, {"ask", c.ask}, {"defer", c.defer}}};
}

void collect_pool(const PoolStats &s, std::deque<MetricFamily> &out) {
  auto &conns = family(out, "agenthost_redis_connections", "gauge",
                       "Redis connections open, by state (idle or in use)");
  add(conns, {{"state", "idle"}}, as_value(s.idle));
  add(conns, {{"state", "in_use"}}, as_value(s.in_use));
  add(family(out, "agenthost_redis_connections_max", "gauge",
             "The pool's max_connections (per node on a cluster)"),
      {}, as_value(s.max));
  struct Counter {
    const char *name;
    const char *help;
    std::uint64_t value;
  };
  const Counter counters[] = {
      {"agenthost_redis_connections_created_total", "Redis connections ever opened", s.created},
      {"agenthost_redis_pool_waits_total", "Borrows that had to wait for a free connection",
       s.waits},
      {"agenthost_redis_pool_wait_timeouts_total", "Borrows that gave up waiting (pool_exhausted)",
       s.wait_timeouts},
      {"agenthost_redis_reconnects_total", "Broken connections replaced", s.reconnects},
      {"agenthost_redis_idle_checks_total",
       "PINGs before reusing a connection (long idle, or older than a failure)", s.idle_checks},
      {"agenthost_redis_retries_total", "Idempotent commands retried after a connection loss",
       s.retries},
  };
  for (const Counter &c : counters) {
    add(family(out, c.name, "counter", c.help), {}, as_value(c.value));
  }
  auto &errors = family(out, "agenthost_redis_errors_total", "counter",
                        "Failed Redis operations, by error class");
  add(errors, {{"class", "timeout"}}, as_value(s.errors_timeout));
  add(errors, {{"class", "connection"}}, as_value(s.errors_connection));
  add(errors, {{"class", "protocol"}}, as_value(s.errors_protocol));
}

void collect_sessions(const SessionStoreStats &s, std::deque<MetricFamily> &out) {
  const std::pair<const char *, const SessionOperationStats *> ops[] = {
      {"create", &s.create}, {"get", &s.get},   {"update", &s.update},
      {"delete", &s.remove}, {"list", &s.list}, {"reindex", &s.reindex}};
  auto &calls = family(out, "agenthost_session_operations_total", "counter",
                       "SessionStore calls, by operation");
  auto &errors = family(out, "agenthost_session_operation_errors_total", "counter",
                        "SessionStore calls that failed, by operation");
  auto &latency = family(out, "agenthost_session_operation_duration_seconds", "histogram",
                         "SessionStore call latency, by operation");
  for (const auto &[name, op] : ops) {
    add(calls, {{"operation", name}}, as_value(op->calls));
    add(errors, {{"operation", name}}, as_value(op->errors));
    add_histogram(latency, {{"operation", name}}, op->latency);
  }
  add(family(out, "agenthost_session_corrupt_records_total", "counter",
             "Session records met that could not be decoded"),
      {}, as_value(s.corrupt_records));
  add(family(out, "agenthost_session_index_repairs_total", "counter",
             "Stale index entries that listings removed or re-placed"),
      {}, as_value(s.index_repairs));
  add(family(out, "agenthost_session_cache_skips_total", "counter",
             "Durable tier: Redis calls skipped while its circuit was open"),
      {}, as_value(s.cache_skips));
  add(family(out, "agenthost_session_cache_circuit_open", "gauge",
             "Durable tier: 1 while the Redis circuit is open (Redis skipped)"),
      {}, s.cache_circuit_open ? 1.0 : 0.0);
}

void collect_transcripts(const TranscriptStoreStats &s, std::deque<MetricFamily> &out) {
  const std::pair<const char *, const TranscriptOperationStats *> ops[] = {{"append", &s.append},
                                                                           {"load", &s.load},
                                                                           {"list", &s.list},
                                                                           {"summary", &s.summary},
                                                                           {"remove", &s.remove}};
  auto &calls = family(out, "agenthost_transcript_operations_total", "counter",
                       "TranscriptStore calls, by operation");
  auto &errors = family(out, "agenthost_transcript_operation_errors_total", "counter",
                        "TranscriptStore calls that failed, by operation");
  auto &latency = family(out, "agenthost_transcript_operation_duration_seconds", "histogram",
                         "TranscriptStore call latency, by operation");
  for (const auto &[name, op] : ops) {
    add(calls, {{"operation", name}}, as_value(op->calls));
    add(errors, {{"operation", name}}, as_value(op->errors));
    add_histogram(latency, {{"operation", name}}, op->latency);
  }
  struct Counter {
    const char *name;
    const char *help;
    std::uint64_t value;
  };
  const Counter counters[] = {
      {"agenthost_transcript_entries_appended_total", "Transcript entries written by appends",
       s.entries_appended},
      {"agenthost_transcript_duplicates_skipped_total",
       "Entries an append skipped because the transcript held their id", s.duplicates_skipped},
      {"agenthost_transcript_summary_conflicts_total",
       "put_summary calls refused because another writer stored a version first",
       s.summary_conflicts},
      {"agenthost_transcript_index_repairs_total",
       "Scope index entries of gone sessions that listings removed", s.index_repairs},
  };
  for (const Counter &c : counters) {
    add(family(out, c.name, "counter", c.help), {}, as_value(c.value));
  }
}

void collect_events(const HookPolicyStats &s, std::deque<MetricFamily> &out) {
  auto &evals = family(out, "agenthost_hook_evaluations_total", "counter",
                       "Evaluations, by event and combined decision (event \"*\": no hooks)");
  auto &failed = family(out, "agenthost_hook_evaluations_failed_total", "counter",
                        "Evaluations in which at least one hook failed");
  auto &open = family(out, "agenthost_hook_evaluations_circuit_open_total", "counter",
                      "Evaluations in which at least one hook's circuit was open");
  for (const auto &[event, c] : s.events) {
    for (const auto &[decision, n] : decisions_of(c)) {
      add(evals, {{"event", event}, {"decision", decision}}, as_value(n));
    }
    add(failed, {{"event", event}}, as_value(c.failed));
    add(open, {{"event", event}}, as_value(c.circuit_open));
  }
}

void collect_hooks(const HookPolicyStats &s, std::deque<MetricFamily> &out) {
  auto &decisions = family(out, "agenthost_hook_decisions_total", "counter",
                           "Each hook's decisions (a failure counts as its on_failure decision)");
  auto &failures = family(out, "agenthost_hook_failures_total", "counter",
                          "Each hook's failures, by error class");
  auto &state = family(out, "agenthost_hook_circuit_state", "gauge",
                       "Each hook's circuit: 1 for its current state, 0 for the others");
  auto &opened = family(out, "agenthost_hook_circuit_opened_total", "counter",
                        "How often each hook's circuit opened");
  auto &latency = family(out, "agenthost_hook_call_duration_seconds", "histogram",
                         "Each hook's call latency (calls an open circuit kept back excluded)");
  for (const auto &h : s.hooks) {
    const MetricLabels id = {{"event", h.event}, {"hook", std::to_string(h.index)}, {"url", h.url}};
    const auto with = [&id](const char *name, std::string value) {
      MetricLabels l = id;
      l.emplace_back(name, std::move(value));
      return l;
    };
    for (const auto &[decision, n] : decisions_of(h)) {
      add(decisions, with("decision", decision), as_value(n));
    }
    for (const auto &[cls, n] : h.failures) add(failures, with("class", cls), as_value(n));
    for (const char *st : {"closed", "open", "half_open"}) {
      add(state, with("state", st), h.circuit == st ? 1.0 : 0.0);
    }
    add(opened, id, as_value(h.circuit_opened));
    add_histogram(latency, id, h.latency);
  }
}

}  // namespace

std::deque<MetricFamily> collect_metric_families(const MetricsSources &sources) {
  std::deque<MetricFamily> out;
  if (sources.cache) collect_pool(sources.cache->stats(), out);
  if (sources.sessions) collect_sessions(sources.sessions->stats(), out);
  if (sources.transcripts) collect_transcripts(sources.transcripts->stats(), out);
  if (sources.hooks) {
    const HookPolicyStats s = sources.hooks->stats();
    collect_events(s, out);
    collect_hooks(s, out);
  }
  return out;
}

}  // namespace agenthost::detail
