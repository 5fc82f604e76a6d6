// Base64 (RFC 4648, with padding) through OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agenthost::hooks {

std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace agenthost::hooks
