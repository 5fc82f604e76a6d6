// extern "C" wrappers of agenthost/metrics.hpp: the Prometheus text and JSON of any of a cache
// client, a session store and a hook policy, and the internal event callback.
#include <agenthost/metrics.hpp>
#include <string>

#include "cache_handle.hpp"
#include "guard.hpp"
#include "hook_handle.hpp"
#include "session_handle.hpp"

using agenthost::capi::guard;
using agenthost::capi::null_argument;

namespace {

agenthost::MetricsSources sources_of(const agenthost_cache_client *c,
                                     const agenthost_session_store *s,
                                     const agenthost_hook_policy *p) {
  agenthost::MetricsSources m;
  if (c != nullptr) m.cache = &c->client;
  if (s != nullptr) m.sessions = s->store.get();
  if (p != nullptr) m.hooks = p->policy.get();
  return m;
}

template <typename Render>
agenthost_status render(const char *fn, const agenthost_cache_client *c,
                        const agenthost_session_store *s, const agenthost_hook_policy *p,
                        char **out, Render &&r) noexcept {
  if (out != nullptr) *out = nullptr;
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] { *out = agenthost::capi::copy_out(r(sources_of(c, s, p))); });
}

agenthost_event_kind kind_of(agenthost::InternalEventKind k) noexcept {
  using K = agenthost::InternalEventKind;
  switch (k) {
    case K::redis_reconnect:
      return AGENTHOST_EVENT_REDIS_RECONNECT;
    case K::redis_connect_failed:
      return AGENTHOST_EVENT_REDIS_CONNECT_FAILED;
    case K::redis_pool_exhausted:
      return AGENTHOST_EVENT_REDIS_POOL_EXHAUSTED;
    case K::hook_circuit_opened:
      return AGENTHOST_EVENT_HOOK_CIRCUIT_OPENED;
    case K::hook_circuit_closed:
      return AGENTHOST_EVENT_HOOK_CIRCUIT_CLOSED;
    case K::session_index_repaired:
      return AGENTHOST_EVENT_SESSION_INDEX_REPAIRED;
    case K::session_corrupt_record:
      return AGENTHOST_EVENT_SESSION_CORRUPT_RECORD;
    case K::session_db_index_missing:
      return AGENTHOST_EVENT_SESSION_DB_INDEX_MISSING;
  }
  return AGENTHOST_EVENT_REDIS_RECONNECT;
}

}  // namespace

extern "C" {

agenthost_status agenthost_metrics_prometheus(const agenthost_cache_client *c,
                                              const agenthost_session_store *s,
                                              const agenthost_hook_policy *p, char **text) {
  return render("agenthost_metrics_prometheus", c, s, p, text,
                [](const agenthost::MetricsSources &m) { return agenthost::prometheus_text(m); });
}

agenthost_status agenthost_metrics_json(const agenthost_cache_client *c,
                                        const agenthost_session_store *s,
                                        const agenthost_hook_policy *p, char **json) {
  return render("agenthost_metrics_json", c, s, p, json,
                [](const agenthost::MetricsSources &m) { return agenthost::metrics_json(m); });
}

agenthost_status agenthost_set_event_callback(agenthost_event_callback callback, void *user) {
  return guard("agenthost_set_event_callback", [&] {
    if (callback == nullptr) return agenthost::set_internal_event_listener({});
    agenthost::set_internal_event_listener([callback, user](const agenthost::InternalEvent &e) {
      // The texts are copied so they can be handed out NUL-terminated.
      const std::string subject(e.subject);
      const std::string detail(e.detail);
      agenthost_event ev;
      ev.struct_size = sizeof ev;
      ev.kind = kind_of(e.kind);
      ev.kind_name = agenthost::internal_event_kind_name(e.kind);
      ev.subject = subject.c_str();
      ev.detail = detail.c_str();
      callback(user, &ev);
    });
  });
}

}  // extern "C"
