#include "bench_support.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace agenthost::bench {

std::vector<double> interleaved_medians_us(int rounds,
                                           const std::vector<std::function<void()>> &contenders) {
  using Clock = std::chrono::steady_clock;
  if (rounds < 1) throw std::invalid_argument("interleaved_medians_us: rounds must be >= 1");
  std::vector<std::vector<double>> t(contenders.size());
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < contenders.size(); ++i) {
      const auto start = Clock::now();
      contenders[i]();
      t[i].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
  }
  std::vector<double> medians;
  for (auto &v : t) {
    std::sort(v.begin(), v.end());
    medians.push_back(v[v.size() / 2]);
  }
  return medians;
}

double median_us(int runs, const std::function<void()> &f) {
  return interleaved_medians_us(runs, {f})[0];
}

void create_sessions(SessionStore &store, CreateRequest request,
                     const std::vector<std::string> &owners, int count) {
  if (owners.empty()) throw std::invalid_argument("create_sessions: no owner given");
  if (request.id) throw std::invalid_argument("create_sessions: request.id must be unset");
  for (int i = 0; i < count; ++i) {
    request.owner_api_key = owners[static_cast<std::size_t>(i) % owners.size()];
    store.create(request);
  }
}

}  // namespace agenthost::bench
