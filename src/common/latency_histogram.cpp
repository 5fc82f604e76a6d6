#include "common/latency_histogram.hpp"

#include <algorithm>

namespace agenthost::detail {

void AtomicLatencyHistogram::observe(std::chrono::nanoseconds elapsed) noexcept {
  const auto ns = std::max<std::chrono::nanoseconds::rep>(elapsed.count(), 0);
  const double seconds = static_cast<double>(ns) / 1e9;
  const auto it = std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds);
  const auto bucket = static_cast<std::size_t>(it - kBoundsSeconds.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

LatencyHistogram AtomicLatencyHistogram::snapshot() const {
  LatencyHistogram h;
  h.bounds_seconds.assign(kBoundsSeconds.begin(), kBoundsSeconds.end());
  h.counts.reserve(buckets_.size());
  for (const auto &b : buckets_) {
    h.counts.push_back(b.load(std::memory_order_relaxed));
    h.count += h.counts.back();
  }
  h.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return h;
}

}  // namespace agenthost::detail
