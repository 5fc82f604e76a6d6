// The library's internal events (reconnects, circuits opening, index repairs, ...) and the
// process-wide listener that hears them.
#pragma once

#include <functional>
#include <string_view>

namespace agenthost {

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

}  // namespace agenthost
