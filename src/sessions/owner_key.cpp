#include "sessions/owner_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <agenthost/error.hpp>
#include <cstdint>
#include <cstring>

#include "common/hex.hpp"

namespace agenthost::detail {

namespace {
constexpr std::size_t kHashDigits = 64;  // SHA-256 as lower-case hex
}  // namespace

std::string owner_key_hash(std::string_view api_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(api_key.data(), api_key.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw Error(Errc::internal, "SHA-256 of the owner API key failed (OpenSSL EVP_Digest)");
  }
  return hex_lower(digest, len);
}

bool owner_hashes_equal(std::string_view a, std::string_view b) noexcept {
  // Lengths are public (every hash is 64 hex digits); only the content comparison must not leak.
  if (a.size() != b.size()) return false;
  if (a.size() != kHashDigits) return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  // Every record of an owner's listing is compared: CRYPTO_memcmp's byte loop costs ~460
  // instructions for 64 bytes, this ~40. Still constant-time: every word is read and folded
  // with OR, no branch or early exit depends on the content.
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i < kHashDigits; i += sizeof(std::uint64_t)) {
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + i, sizeof x);
    std::memcpy(&y, b.data() + i, sizeof y);
    diff |= x ^ y;
  }
  return diff == 0;
}

bool is_owner_hash(std::string_view text) noexcept {
  if (text.size() != 64) return false;
  bool hex = true;
  for (char c : text) hex &= (c >= '0' && c <= '9') | (c >= 'a' && c <= 'f');
  return hex;
}

}  // namespace agenthost::detail
