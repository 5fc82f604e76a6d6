#include "sessions/cursor.hpp"

#include <agenthost/error.hpp>
#include <charconv>

namespace agenthost::detail {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kVersion = "c1|";
constexpr std::size_t kMaxCursor = 1024;
constexpr std::int64_t kMaxScore = std::int64_t{1} << 53;  // exact in a double score

std::string base64url(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto v = (static_cast<unsigned char>(in[i]) << 16) |
                   (static_cast<unsigned char>(in[i + 1]) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 0x3F];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 0x3F];
    out += kAlphabet[(v >> 12) & 0x3F];
    if (rest == 2) out += kAlphabet[(v >> 6) & 0x3F];
  }
  return out;
}

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

[[noreturn]] void invalid() {
  throw Error(Errc::invalid_argument,
              "invalid cursor: pass next_cursor of a previous page unchanged");
}

std::string unbase64url(std::string_view in) {
  if (in.size() % 4 == 1) invalid();
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = sextet(c);
    if (v < 0) invalid();
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, so exactly one text decodes to each cursor.
  if ((acc & ((1u << bits) - 1)) != 0) invalid();
  return out;
}

}  // namespace

std::string encode_cursor(const CursorPosition &position) {
  return base64url(std::string(kVersion) + std::to_string(position.score) + "|" + position.id);
}

CursorPosition decode_cursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxCursor) invalid();
  const std::string raw = unbase64url(cursor);
  if (raw.compare(0, kVersion.size(), kVersion) != 0) invalid();
  const std::string_view body = std::string_view(raw).substr(kVersion.size());
  const std::size_t bar = body.find('|');
  if (bar == std::string_view::npos || bar == 0) invalid();
  CursorPosition position;
  const char *first = body.data();
  const char *last = body.data() + bar;
  const auto [ptr, ec] = std::from_chars(first, last, position.score);
  if (ec != std::errc() || ptr != last) invalid();
  if (position.score < -kMaxScore || position.score > kMaxScore) invalid();
  position.id = std::string(body.substr(bar + 1));
  if (position.id.empty()) invalid();
  for (char c : position.id) {
    if (static_cast<unsigned char>(c) < 0x20) invalid();
  }
  return position;
}

}  // namespace agenthost::detail
