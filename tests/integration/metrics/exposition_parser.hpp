// Reads a Prometheus text exposition with prometheus_client's parser
// (tests/integration/metrics/parse_exposition.py, run by /usr/bin/python3).
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "support/test_env.hpp"

namespace agenthost::test {

// Runs the exposition through prometheus_client's parser (tests/integration/metrics/
// parse_exposition.py): samples keyed `name{label="value",...}`, labels sorted, values as JSON
// strings (a quote is \", a backslash \\, a newline \n); `families` is how many families it
// read. The script fails (and so the test) on a text the parser refuses, a family without HELP
// or repeated, or a histogram whose buckets are not cumulative or whose +Inf is not its _count.
inline std::map<std::string, double> parsed_exposition(const std::string &text, int &families) {
  const std::string path = unique_prefix("exposition") + ".txt";
  const std::string file = "/tmp/agenthost-" + path;
  std::ofstream(file) << text;
  const std::string cmd =
      std::string("/usr/bin/python3 ") + AGENTHOST_PARSE_EXPOSITION_SCRIPT + " " + file;
  FILE *pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  std::remove(file.c_str());
  INFO(out);
  REQUIRE(status == 0);
  std::map<std::string, double> samples;
  std::istringstream lines(out);
  std::string line;
  families = -1;
  while (std::getline(lines, line)) {
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    const std::string key = line.substr(0, space);
    const double value = std::stod(line.substr(space + 1));
    if (key == "families") {
      families = static_cast<int>(value);
    } else {
      samples[key] = value;
    }
  }
  return samples;
}

inline int type_lines(const std::string &text) {
  int n = 0;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace agenthost::test
