#include "cache/memory/glob_match.hpp"

#include <cstddef>
#include <utility>

namespace agenthost::detail {

namespace {

using uchar = unsigned char;

// Matches the bracket class starting just after '[' at pattern[p] against byte c. Returns the
// position after the closing ']' (or the end of the pattern: Redis treats an unterminated class
// as ending there) and whether c matched.
std::size_t match_class(std::string_view pattern, std::size_t p, uchar c, bool *matched) {
  bool negate = p < pattern.size() && pattern[p] == '^';
  if (negate) ++p;
  bool match = false;
  while (p < pattern.size() && pattern[p] != ']') {
    if (pattern[p] == '\\' && p + 1 < pattern.size()) {
      ++p;
      if (uchar(pattern[p]) == c) match = true;
    } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
      uchar lo = uchar(pattern[p]);
      uchar hi = uchar(pattern[p + 2]);
      if (lo > hi) std::swap(lo, hi);
      if (c >= lo && c <= hi) match = true;
      p += 2;
    } else if (uchar(pattern[p]) == c) {
      match = true;
    }
    ++p;
  }
  if (p < pattern.size()) ++p;  // the closing ']'
  *matched = negate ? !match : match;
  return p;
}

// Matches the single-byte token at pattern[p] (anything but '*') against c. Returns the position
// after the token, or npos when it does not match.
std::size_t match_token(std::string_view pattern, std::size_t p, uchar c) {
  switch (pattern[p]) {
    case '?':
      return p + 1;
    case '[': {
      bool matched = false;
      std::size_t next = match_class(pattern, p + 1, c, &matched);
      return matched ? next : std::string_view::npos;
    }
    case '\\':
      if (p + 1 < pattern.size()) ++p;
      [[fallthrough]];
    default:
      return uchar(pattern[p]) == c ? p + 1 : std::string_view::npos;
  }
}

}  // namespace

// Every token but '*' consumes exactly one byte, so backtracking to the last '*' only (the
// classic two-pointer algorithm) is complete and avoids Redis' exponential recursion.
bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  constexpr auto npos = std::string_view::npos;
  std::size_t p = 0, t = 0;
  std::size_t star_p = npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    std::size_t next = p < pattern.size() ? match_token(pattern, p, uchar(text[t])) : npos;
    if (next != npos) {
      p = next;
      ++t;
    } else if (star_p != npos) {
      p = star_p;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace agenthost::detail
