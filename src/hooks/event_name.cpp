#include "hooks/event_name.hpp"

#include <cctype>

namespace agenthost::hooks {

std::string canonical_event_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool word_start = true;
  for (char c : name) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    out.push_back(word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    word_start = false;
  }
  return out;
}

}  // namespace agenthost::hooks
