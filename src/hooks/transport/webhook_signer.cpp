#include "hooks/transport/webhook_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <agenthost/error.hpp>
#include <chrono>

#include "common/hex.hpp"
#include "hooks/transport/base64.hpp"

namespace agenthost::hooks {

namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string random_message_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw Error(Errc::internal, "webhook signing: RAND_bytes failed");
  }
  return "msg_" + detail::hex_lower(bytes, sizeof bytes);
}

// The secret's base64 with its padding restored, or "" when no key encodes as it: the official
// libraries decode unpadded base64 too, so "whsec_" + unpadded text signs with the same key.
std::string padded_base64(std::string_view text) {
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  const std::size_t data = text.size() - pad;
  if (data == 0 || data % 4 == 1) return {};
  if (pad > 0 && text.size() % 4 != 0) return {};
  std::string out(text.substr(0, data));
  out.append((4 - data % 4) % 4, '=');
  return out;
}

}  // namespace

WebhookSigner::WebhookSigner(std::string_view secret, std::string_view where) {
  if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
  auto key = base64_decode(padded_base64(secret));
  if (!key || key->empty()) {
    throw Error(Errc::invalid_argument,
                std::string(where) +
                    ": the secret must be base64 (optionally after \"whsec_\") of a non-empty key");
  }
  key_ = std::move(*key);
}

std::string WebhookSigner::signature(std::string_view id, std::int64_t timestamp,
                                     std::string_view body) const {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char *>(content.data()), content.size(), mac,
           &mac_len) == nullptr) {
    throw Error(Errc::internal, "webhook signing: HMAC-SHA256 failed");
  }
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char *>(mac), mac_len));
}

SignatureHeaders WebhookSigner::sign(std::string_view body) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  SignatureHeaders h;
  h.id = random_message_id();
  h.timestamp = std::to_string(now);
  h.signature = signature(h.id, now, body);
  return h;
}

}  // namespace agenthost::hooks
