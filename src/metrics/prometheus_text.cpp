// agenthost::prometheus_text: the text exposition format, version 0.0.4.
#include <fmt/format.h>

#include <agenthost/metrics.hpp>
#include <cmath>
#include <iterator>

#include "metrics/metric_families.hpp"
#include "metrics/prometheus_render.hpp"

namespace agenthost {

namespace {

// Label values escape backslash, double quote and line feed; HELP text backslash and line feed.
void append_escaped(std::string &out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_value(std::string &out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (std::isnan(v)) {
    out += "NaN";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void append_labels(std::string &out, const detail::MetricLabels &labels, const char *extra_name,
                   std::string_view extra_value) {
  if (labels.empty() && extra_name == nullptr) return;
  out += '{';
  bool first = true;
  const auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const auto &[name, value] : labels) one(name, value);
  if (extra_name != nullptr) one(extra_name, extra_value);
  out += '}';
}

void append_sample(std::string &out, std::string_view name, const detail::MetricLabels &labels,
                   double value, const char *extra_name = nullptr,
                   std::string_view extra_value = {}) {
  out += name;
  append_labels(out, labels, extra_name, extra_value);
  out += ' ';
  append_value(out, value);
  out += '\n';
}

void append_histogram(std::string &out, const std::string &name, const detail::MetricSample &s) {
  const LatencyHistogram &h = *s.histogram;
  std::uint64_t cumulative = 0;
  std::string le;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    le.clear();
    if (i < h.bounds_seconds.size()) {
      append_value(le, h.bounds_seconds[i]);
    } else {
      le = "+Inf";
    }
    append_sample(out, name + "_bucket", s.labels, static_cast<double>(cumulative), "le", le);
  }
  append_sample(out, name + "_sum", s.labels, h.sum_seconds);
  append_sample(out, name + "_count", s.labels, static_cast<double>(cumulative));
}

}  // namespace

namespace detail {

std::string render_prometheus_text(const std::deque<MetricFamily> &families) {
  std::string out;
  for (const auto &f : families) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_escaped(out, f.help, false);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += f.type;
    out += '\n';
    for (const auto &s : f.samples) {
      if (s.histogram) {
        append_histogram(out, f.name, s);
      } else {
        append_sample(out, f.name, s.labels, s.value);
      }
    }
  }
  return out;
}

}  // namespace detail

std::string prometheus_text(const MetricsSources &sources) {
  return detail::render_prometheus_text(detail::collect_metric_families(sources));
}

}  // namespace agenthost
