// ISO-8601 timestamps as the Python service writes them (datetime.isoformat()).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::detail {

// Microseconds since the Unix epoch, UTC.
using MicrosSinceEpoch = std::int64_t;

// "2026-01-09T17:00:00.123456+00:00": always six fractional digits and +00:00, as Python's
// datetime.now(timezone.utc).isoformat() writes it when microsecond != 0.
std::string format_iso8601_utc(MicrosSinceEpoch t);
// The same text appended to `out`.
void append_iso8601_utc(std::string &out, MicrosSinceEpoch t);

// Accepts YYYY-MM-DD('T'|' ')HH:MM:SS[.fraction 1..9 digits][Z | ±HH:MM | ±HHMM | ±HH].
// No offset = UTC (Python's naive utcnow()); other offsets are converted to UTC. Digits beyond
// microseconds are truncated. nullopt for anything else (including out-of-range fields).
std::optional<MicrosSinceEpoch> parse_iso8601(std::string_view s);

// The current time, truncated to microseconds.
MicrosSinceEpoch now_micros();

}  // namespace agenthost::detail
