#include "common/json_string.hpp"

#include <agenthost/error.hpp>
#include <cstdint>
#include <cstring>

namespace agenthost::detail {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return 0;
  return n;
}

namespace {

constexpr bool is_plain(unsigned char u) noexcept {
  return u >= 0x20 && u < 0x7F && u != '"' && u != '\\';
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  // ASCII runs (ids, keys: nearly every byte checked) go eight bytes a step; a listing checks
  // every id of its page.
  constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
  for (std::size_t i = 0; i < text.size();) {
    if (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // the tail of an ASCII run
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// Invalid UTF-8 is rejected (`what` names the field in the error) or, with `lossy`, each bad byte
// becomes U+FFFD.
void append_escaped(std::string &out, std::string_view text, std::string_view what, bool lossy) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (out.capacity() < out.size() + text.size() + 2) out.reserve(out.size() + text.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    // Printable ASCII other than '"' and '\\' is copied as is; copying whole runs at once keeps
    // metadata re-encoding (every record of a listing) cheap.
    std::size_t run = i;
    while (run < text.size() && is_plain(static_cast<unsigned char>(text[run]))) ++run;
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      if (i == text.size()) break;
    }
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t n = utf8_sequence_length(text, i);
      if (n == 0 && lossy) {
        out += "\xEF\xBF\xBD";
        ++i;
        continue;
      }
      if (n == 0) {
        throw Error(Errc::invalid_argument, std::string(what) +
                                                " is not valid UTF-8 (bad byte at offset " +
                                                std::to_string(i) + ")");
      }
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
    ++i;
  }
  out += '"';
}

}  // namespace

void append_json_string(std::string &out, std::string_view text, std::string_view what) {
  append_escaped(out, text, what, false);
}

void append_json_string_lossy(std::string &out, std::string_view text) {
  append_escaped(out, text, {}, true);
}

}  // namespace agenthost::detail
