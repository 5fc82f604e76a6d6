#include "common/internal_events.hpp"

#include <agenthost/error.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace agenthost {

namespace {

struct ListenerSlot {
  std::shared_mutex mu;  // shared while a listener runs, exclusive while it is replaced
  InternalEventListener listener;
  std::atomic<bool> set{false};
};

ListenerSlot &slot() {
  static ListenerSlot *s = new ListenerSlot();  // never destroyed: events may come at exit
  return *s;
}

thread_local bool inside_listener = false;

}  // namespace

const char *internal_event_kind_name(InternalEventKind kind) noexcept {
  switch (kind) {
    case InternalEventKind::redis_reconnect:
      return "redis_reconnect";
    case InternalEventKind::redis_connect_failed:
      return "redis_connect_failed";
    case InternalEventKind::redis_pool_exhausted:
      return "redis_pool_exhausted";
    case InternalEventKind::hook_circuit_opened:
      return "hook_circuit_opened";
    case InternalEventKind::hook_circuit_closed:
      return "hook_circuit_closed";
    case InternalEventKind::session_index_repaired:
      return "session_index_repaired";
    case InternalEventKind::session_corrupt_record:
      return "session_corrupt_record";
    case InternalEventKind::session_db_index_missing:
      return "session_db_index_missing";
  }
  return "unknown";
}

void set_internal_event_listener(InternalEventListener listener) {
  if (inside_listener) {
    throw Error(Errc::invalid_argument,
                "set_internal_event_listener: called from inside the event listener");
  }
  ListenerSlot &s = slot();
  InternalEventListener old;
  {
    std::unique_lock<std::shared_mutex> lock(s.mu);  // waits for running calls to return
    old = std::move(s.listener);
    s.listener = std::move(listener);
    s.set.store(static_cast<bool>(s.listener), std::memory_order_release);
  }
  // `old` is destroyed here, outside the lock (its destructor may do anything).
}

namespace detail {

void emit_internal_event(InternalEventKind kind, std::string_view subject,
                         std::string_view detail) noexcept {
  ListenerSlot &s = slot();
  if (inside_listener || !s.set.load(std::memory_order_acquire)) return;
  std::shared_lock<std::shared_mutex> lock(s.mu);
  if (!s.listener) return;
  inside_listener = true;
  try {
    s.listener(InternalEvent{kind, subject, detail});
  } catch (...) {  // documented: the listener's exceptions are swallowed
  }
  inside_listener = false;
}

}  // namespace detail

}  // namespace agenthost
