#include "hooks/json_dom.hpp"

#include <algorithm>
#include <new>
#include <vector>

#include "hooks/hook_input.hpp"

namespace agenthost::hooks {

simdjson::dom::parser &thread_dom_parser() {
  constexpr std::size_t kMaxDocumentBytes = std::size_t{64} * 1024 * 1024;
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p(kMaxDocumentBytes);
    if (p.allocate(std::size_t{64} * 1024, kMaxInputDepth) != simdjson::SUCCESS)
      throw std::bad_alloc();
    return p;
  }();
  return parser;
}

std::optional<std::string_view> duplicate_key(simdjson::dom::object obj) {
  std::vector<std::string_view> keys;
  for (auto field : obj) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  const auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup == keys.end()) return std::nullopt;
  return *dup;
}

}  // namespace agenthost::hooks
