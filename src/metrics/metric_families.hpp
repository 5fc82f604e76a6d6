// The one model both renderings (Prometheus text, JSON) are written from: metric families with
// labelled samples, collected from the public statistics of a cache client, a session store and
// a hook policy.
#pragma once

#include <agenthost/metrics.hpp>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace agenthost::detail {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

struct MetricSample {
  MetricLabels labels;
  double value = 0;                           // counters and gauges
  std::optional<LatencyHistogram> histogram;  // histograms
};

struct MetricFamily {
  std::string name;  // counters end in _total
  std::string help;
  std::string type;  // "counter", "gauge" or "histogram"
  std::vector<MetricSample> samples;
};

// A deque: collecting holds references to families while it appends more.
std::deque<MetricFamily> collect_metric_families(const MetricsSources &sources);

}  // namespace agenthost::detail
