// Owner API keys are stored and compared only as SHA-256 hex digests.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::detail {

// Lower-case hex SHA-256 of `api_key` (OpenSSL EVP).
std::string owner_key_hash(std::string_view api_key);

// Constant-time equality of two hashes (CRYPTO_memcmp), so timing reveals nothing about how
// much of a guessed hash matched.
bool owner_hashes_equal(std::string_view a, std::string_view b) noexcept;

// True for 64 hex digits (the only form of hash the store writes or trusts).
bool is_owner_hash(std::string_view text) noexcept;

}  // namespace agenthost::detail
