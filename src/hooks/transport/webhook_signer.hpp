// Standard Webhooks signing: webhook-id, webhook-timestamp and
// webhook-signature = "v1," + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agenthost::hooks {

struct SignatureHeaders {
  std::string id;         // "msg_" + 32 random hex digits, fresh for every request
  std::string timestamp;  // Unix seconds
  std::string signature;  // "v1,<base64>"
};

class WebhookSigner {
 public:
  // `secret` is the base64 of the key, with or without the "whsec_" prefix and with or without
  // its '=' padding: what the official standardwebhooks and svix libraries accept. Throws
  // Error(invalid_argument) "<where>: ..." without echoing the secret when it is malformed
  // (characters outside standard base64, a length no key encodes, an empty key).
  WebhookSigner(std::string_view secret, std::string_view where);

  SignatureHeaders sign(std::string_view body) const;
  // Deterministic form, for tests and for sign().
  std::string signature(std::string_view id, std::int64_t timestamp, std::string_view body) const;

 private:
  std::string key_;
};

}  // namespace agenthost::hooks
