#include "sessions/owner_key.hpp"

#include "common/hex.hpp"

#include <agenthost/error.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace agenthost::detail {

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
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_owner_hash(std::string_view text) noexcept {
  if (text.size() != 64) return false;
  bool hex = true;
  for (char c : text) hex &= (c >= '0' && c <= '9') | (c >= 'a' && c <= 'f');
  return hex;
}

}  // namespace agenthost::detail
