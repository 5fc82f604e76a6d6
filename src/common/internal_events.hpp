// Delivering internal events to the process's listener (see set_internal_event_listener).
#pragma once

#include <agenthost/events.hpp>
#include <string_view>

namespace agenthost::detail {

// Calls the listener, if any, unless this thread is already inside it. Never throws; call it
// without holding a lock.
void emit_internal_event(InternalEventKind kind, std::string_view subject,
                         std::string_view detail) noexcept;

}  // namespace agenthost::detail
