// agenthost::metrics_json: the families of prometheus_text as one JSON object.
#include <fmt/format.h>

#include <agenthost/metrics.hpp>
#include <iterator>

#include "common/json_string.hpp"
#include "metrics/metric_families.hpp"

namespace agenthost {

namespace {

void append_labels(std::string &out, const detail::MetricLabels &labels) {
  out += "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    detail::append_json_string_lossy(out, labels[i].first);
    out += ':';
    detail::append_json_string_lossy(out, labels[i].second);
  }
  out += "}";
}

void append_histogram(std::string &out, const LatencyHistogram &h) {
  out += ",\"buckets\":[";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    if (i > 0) out += ',';
    if (i < h.bounds_seconds.size()) {
      fmt::format_to(std::back_inserter(out), "[{},{}]", h.bounds_seconds[i], cumulative);
    } else {
      fmt::format_to(std::back_inserter(out), "[\"+Inf\",{}]", cumulative);
    }
  }
  fmt::format_to(std::back_inserter(out), "],\"count\":{},\"sum\":{}", cumulative, h.sum_seconds);
}

}  // namespace

std::string metrics_json(const MetricsSources &sources) {
  std::string out = "{";
  bool first_family = true;
  for (const auto &f : detail::collect_metric_families(sources)) {
    if (!first_family) out += ',';
    first_family = false;
    detail::append_json_string_lossy(out, f.name);
    out += ":{\"type\":";
    detail::append_json_string_lossy(out, f.type);
    out += ",\"help\":";
    detail::append_json_string_lossy(out, f.help);
    out += ",\"samples\":[";
    for (std::size_t i = 0; i < f.samples.size(); ++i) {
      const auto &s = f.samples[i];
      if (i > 0) out += ',';
      out += "{\"labels\":";
      append_labels(out, s.labels);
      if (s.histogram) {
        append_histogram(out, *s.histogram);
      } else {
        fmt::format_to(std::back_inserter(out), ",\"value\":{}", s.value);
      }
      out += '}';
    }
    out += "]}";
  }
  out += '}';
  return out;
}

}  // namespace agenthost
