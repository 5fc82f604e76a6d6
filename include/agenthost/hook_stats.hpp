// A hook policy's counters: per event, per configured hook, and the whole policy's.
#pragma once

#include <agenthost/latency_histogram.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace agenthost {

// Counters of one event since the policy was created.
struct EventCounters {
  std::uint64_t allow = 0;
  std::uint64_t deny = 0;
  std::uint64_t ask = 0;
  std::uint64_t defer = 0;
  std::uint64_t failed = 0;        // evaluations in which at least one hook failed
  std::uint64_t circuit_open = 0;  // evaluations in which at least one hook's circuit was open
};

// Counters of one configured hook since the policy was created.
struct HookStats {
  std::string event;        // canonical event name
  std::size_t index = 0;    // position among the event's hooks ("PreToolUse[0]")
  std::string url;          // without user-info, query or fragment
  std::uint64_t allow = 0;  // the hook's own decisions (a failure counts as its on_failure)
  std::uint64_t deny = 0;
  std::uint64_t ask = 0;
  std::uint64_t defer = 0;
  // Failures by error class ("timeout", "connection", "dns", "blocked_address", "http_status",
  // "too_large", "invalid_reply", "circuit_open", "cancelled", "internal"); every class is
  // present.
  std::map<std::string, std::uint64_t> failures;
  std::string circuit = "closed";  // "closed", "open" or "half_open" (a probe may run)
  std::uint64_t circuit_opened = 0;
  LatencyHistogram latency;  // the calls that were made (not those an open circuit kept back)
};

struct HookPolicyStats {
  // Keyed by canonical event name; events without configured hooks are counted under "*".
  std::map<std::string, EventCounters> events;
  std::vector<HookStats> hooks;  // in configuration order
};

}  // namespace agenthost
