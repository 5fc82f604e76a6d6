#include "hooks/config/env_interpolation.hpp"

#include <algorithm>

#include "common/env.hpp"

namespace agenthost::hooks {

namespace {

bool is_name_start(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) noexcept { return is_name_start(c) || (c >= '0' && c <= '9'); }

std::string value_of(std::string_view name, const std::vector<std::string> &allowed) {
  if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return {};
  return detail::env_value(std::string(name).c_str()).value_or(std::string());
}

// The length of the name at the start of `s` (0 when there is none).
std::size_t name_length(std::string_view s) noexcept {
  if (s.empty() || !is_name_start(s[0])) return 0;
  std::size_t n = 1;
  while (n < s.size() && is_name_char(s[n])) ++n;
  return n;
}

}  // namespace

bool is_env_name(std::string_view name) noexcept {
  return !name.empty() && name_length(name) == name.size();
}

std::string interpolate_env(std::string_view value, const std::vector<std::string> &allowed) {
  std::string out;
  out.reserve(value.size());
  std::size_t i = 0;
  while (i < value.size()) {
    const std::size_t dollar = value.find('$', i);
    out.append(value.substr(i, dollar == std::string_view::npos ? dollar : dollar - i));
    if (dollar == std::string_view::npos) break;
    const std::string_view rest = value.substr(dollar + 1);
    if (!rest.empty() && rest[0] == '{') {
      const std::size_t n = name_length(rest.substr(1));
      if (n > 0 && n + 1 < rest.size() && rest[n + 1] == '}') {
        out += value_of(rest.substr(1, n), allowed);
        i = dollar + n + 3;
        continue;
      }
    } else if (const std::size_t n = name_length(rest); n > 0) {
      out += value_of(rest.substr(0, n), allowed);
      i = dollar + n + 1;
      continue;
    }
    out.push_back('$');
    i = dollar + 1;
  }
  return out;
}

}  // namespace agenthost::hooks
