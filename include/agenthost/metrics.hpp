// agenthost metrics: latency histograms, the Prometheus text exposition (and the same figures as
// JSON) of a cache client, a session store and a hook policy, and a listener for the library's
// internal events (reconnects, circuits opening, index repairs, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

class CacheClient;
class SessionStore;
class HookPolicy;

// A snapshot of a latency histogram. counts[i] is the number of observations in bucket i (not
// cumulative): <= bounds_seconds[i] and > bounds_seconds[i - 1]; the last entry of counts (one
// more than bounds_seconds) is the +Inf bucket. count is the sum of counts.
struct LatencyHistogram {
  std::vector<double> bounds_seconds;
  std::vector<std::uint64_t> counts;
  std::uint64_t count = 0;
  double sum_seconds = 0;
};

// The library's internal events.
enum class InternalEventKind {
  redis_reconnect,           // a broken Redis connection was replaced
  redis_connect_failed,      // opening a Redis connection failed (detail: why)
  redis_pool_exhausted,      // a borrow gave up waiting for a free connection
  hook_circuit_opened,       // a hook's circuit opened (it is not called during the cooldown)
  hook_circuit_closed,       // a call succeeded: the hook's open circuit closed again
  session_index_repaired,    // a listing removed or re-placed stale index entries (detail: count)
  session_corrupt_record,    // a session record could not be decoded (subject: its id)
  session_db_index_missing,  // the durable table lacks listing indexes (subject: the table)
};
// "redis_reconnect", ... (the enumerator's name).
const char *internal_event_kind_name(InternalEventKind kind) noexcept;

struct InternalEvent {
  InternalEventKind kind;
  std::string_view subject;  // what it happened to: "127.0.0.1:6379", "PreToolUse[0]", an id
  std::string_view detail;   // a short explanation; never a password, key or secret
};

// One listener per copy of the library in the process (a host that links both libagenthost.a
// or libagenthost_cxx.so and libagenthost_c.so has two: each hears the events of the handles
// it created, and agenthost_set_event_callback sets the C library's). It is called on the thread
// where the event happened (an evaluating thread, a hook policy's loop thread, a thread borrowing a
// Redis connection), never while the library holds a lock; it must be quick. Exceptions it throws
// are swallowed. Events that happen while the same thread is inside the listener are not delivered
// (no re-entry). An empty function removes the listener. When this returns, no call of the previous
// listener is still running and none starts. Throws Error(invalid_argument) when called from inside
// the listener.
using InternalEventListener = std::function<void(const InternalEvent &)>;
void set_internal_event_listener(InternalEventListener listener);

// What a rendering covers; any may be null (left out).
struct MetricsSources {
  const CacheClient *cache = nullptr;
  const SessionStore *sessions = nullptr;
  const HookPolicy *hooks = nullptr;
};

// The Prometheus text exposition format (version 0.0.4) of the sources' counters: families
// agenthost_redis_*, agenthost_session_* and agenthost_hook_*, each with # HELP and # TYPE,
// label values escaped. Safe to call while the sources are in use.
std::string prometheus_text(const MetricsSources &sources);

// The same families as JSON: {"<family>": {"type", "help", "samples": [{"labels": {...},
// "value": N} | {"labels": {...}, "buckets": [[le, cumulative count]...], "count", "sum"}]}}.
std::string metrics_json(const MetricsSources &sources);

}  // namespace agenthost
