// The error classes of a failed hook: the strings of Verdict::error and HookResult::error.
#pragma once

namespace agenthost::hooks::error_class {

inline constexpr const char *timeout = "timeout";
inline constexpr const char *connection = "connection";
inline constexpr const char *dns = "dns";
inline constexpr const char *blocked_address = "blocked_address";
inline constexpr const char *http_status = "http_status";
inline constexpr const char *too_large = "too_large";
inline constexpr const char *invalid_reply = "invalid_reply";
inline constexpr const char *circuit_open = "circuit_open";
// The host cancelled the evaluation (or freed the policy) before it ended.
inline constexpr const char *cancelled = "cancelled";
// The library could not start the request (out of memory).
inline constexpr const char *internal = "internal";

}  // namespace agenthost::hooks::error_class
