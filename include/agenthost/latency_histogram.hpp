// agenthost::LatencyHistogram: the latency snapshot every component's statistics carry.
#pragma once

#include <cstdint>
#include <vector>

namespace agenthost {

// A snapshot of a latency histogram. counts[i] is the number of observations in bucket i (not
// cumulative): <= bounds_seconds[i] and > bounds_seconds[i - 1]; the last entry of counts (one
// more than bounds_seconds) is the +Inf bucket. count is the sum of counts.
struct LatencyHistogram {
  std::vector<double> bounds_seconds;
  std::vector<std::uint64_t> counts;
  std::uint64_t count = 0;
  double sum_seconds = 0;
};

}  // namespace agenthost
