// agenthost metrics: the Prometheus text exposition (and the same figures as JSON) of a cache
// client, a session store, a hook policy and a transcript store. The vocabulary it reports in has
// headers of its own: latency_histogram.hpp, and events.hpp for the library's internal events.
#pragma once

#include <agenthost/events.hpp>
#include <agenthost/latency_histogram.hpp>
#include <string>

namespace agenthost {

class CacheClient;
class SessionStore;
class HookPolicy;
class TranscriptStore;

// What a rendering covers; any may be null (left out).
struct MetricsSources {
  const CacheClient *cache = nullptr;
  const SessionStore *sessions = nullptr;
  const HookPolicy *hooks = nullptr;
  const TranscriptStore *transcripts = nullptr;
};

// The Prometheus text exposition format (version 0.0.4) of the sources' counters: families
// agenthost_redis_*, agenthost_session_*, agenthost_hook_* and agenthost_transcript_*, each with #
// HELP and # TYPE, label values escaped. Safe to call while the sources are in use.
std::string prometheus_text(const MetricsSources &sources);

// The same families as JSON: {"<family>": {"type", "help", "samples": [{"labels": {...},
// "value": N} | {"labels": {...}, "buckets": [[le, cumulative count]...], "count", "sum"}]}}.
std::string metrics_json(const MetricsSources &sources);

}  // namespace agenthost
