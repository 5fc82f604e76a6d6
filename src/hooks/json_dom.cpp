#include "hooks/json_dom.hpp"

#include <new>

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

}  // namespace agenthost::hooks
