// The Prometheus text exposition (0.0.4) of metric families, whatever collected them.
#pragma once

#include <deque>
#include <string>

#include "metrics/metric_families.hpp"

namespace agenthost::detail {

// Label values escape backslash, double quote and line feed; HELP text backslash and line feed.
std::string render_prometheus_text(const std::deque<MetricFamily> &families);

}  // namespace agenthost::detail
