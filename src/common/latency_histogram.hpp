// A lock-free latency histogram with fixed buckets (100 µs .. 10 s), filled by evaluating and
// borrowing threads and read at any time.
#pragma once

#include <agenthost/latency_histogram.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace agenthost::detail {

class AtomicLatencyHistogram {
 public:
  static constexpr std::array<double, 16> kBoundsSeconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

  void observe(std::chrono::nanoseconds elapsed) noexcept;
  LatencyHistogram snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace agenthost::detail
