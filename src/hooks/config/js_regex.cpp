#include "hooks/config/js_regex.hpp"

namespace agenthost::hooks {

namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool at(std::string_view p, std::size_t i, char c) noexcept { return i < p.size() && p[i] == c; }

// A backslash escape starting at p[i] == '\\': the same in both dialects, or why not. Escaped
// punctuation is that character in both; of the letter escapes, only these mean one thing.
std::string escape_difference(std::string_view p, std::size_t i, bool in_class) {
  if (i + 1 >= p.size() || !is_alnum(p[i + 1])) return {};
  const char e = p[i + 1];
  const std::string_view same_everywhere = "dDwWsStnrfv";
  if (same_everywhere.find(e) != std::string_view::npos) return {};
  if ((e == 'b' || e == 'B') && !in_class) return {};
  if (e == 'x' && i + 3 < p.size() && is_hex(p[i + 2]) && is_hex(p[i + 3])) return {};
  const std::string esc = std::string("\\") + e;
  if (e >= '0' && e <= '9') {
    return esc + " is a backreference or an octal escape, which RE2 does not read as JavaScript";
  }
  return esc + " is not read the same way by JavaScript and RE2";
}

// "(?" at p[i]: JavaScript knows (?:, lookaround (RE2 refuses it itself) and (?<name>.
std::string group_difference(std::string_view p, std::size_t i) {
  const std::size_t k = i + 2;
  if (at(p, k, ':') || at(p, k, '=') || at(p, k, '!')) return {};
  if (at(p, k, '<')) return {};  // (?<name> or lookbehind
  return "\"(?\" followed by anything but ':', '=', '!' or '<' (such as the flags of (?i) or "
         "RE2's (?P<name>) is not JavaScript";
}

}  // namespace

std::string js_regex_difference(std::string_view p) {
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (auto d = escape_difference(p, i, in_class); !d.empty()) return d;
      ++i;
    } else if (in_class) {
      if (c == '[' && at(p, i + 1, ':')) {
        return "\"[:\" inside a class is a POSIX class in RE2 and plain characters in JavaScript";
      }
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      const std::size_t first = at(p, i + 1, '^') ? i + 2 : i + 1;
      if (at(p, first, ']')) {
        return "\"[]\" and \"[^]\" are an empty and a full class in JavaScript, the start of a "
               "class "
               "holding ']' in RE2";
      }
    } else if (c == '(' && at(p, i + 1, '?')) {
      if (auto d = group_difference(p, i); !d.empty()) return d;
    }
  }
  return {};
}

}  // namespace agenthost::hooks
