#include "sessions/session_id.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <agenthost/error.hpp>

#include "common/hex.hpp"

namespace agenthost::detail {

namespace {
constexpr std::size_t kMaxIdBytes = 256;
}

std::string random_session_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    throw Error(Errc::internal, "random session id: OpenSSL RAND_bytes failed");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string id = hex_lower(b, sizeof b);
  for (std::size_t dash : {8u, 13u, 18u, 23u}) id.insert(dash, 1, '-');  // 8-4-4-4-12
  return id;
}

void validate_session_id(std::string_view id, std::string_view what) {
  if (id.empty()) throw Error(Errc::invalid_argument, fmt::format("{} is empty", what));
  bool printable = id.size() <= kMaxIdBytes;
  for (char c : id) printable = printable && c > 0x20 && c < 0x7F;
  if (!printable) {
    throw Error(Errc::invalid_argument,
                fmt::format("{} must be 1..{} printable ASCII characters without spaces", what,
                            kMaxIdBytes));
  }
}

}  // namespace agenthost::detail
