// The OpenSSL client context of one CacheClient: trusted CAs, client certificate and key, TLS 1.2
// or later, verification on unless CacheOptions::tls says otherwise. Built once (files are read
// at CacheClient construction, so a bad path fails there) and shared by every connection.
#pragma once

#include <agenthost/cache_options.hpp>
#include <string>

struct ssl_ctx_st;

namespace agenthost::detail {

class TlsContext {
 public:
  // Throws Error(invalid_argument) naming the option and file when a CA, certificate or key
  // cannot be loaded or the key does not match the certificate (never the files' contents).
  explicit TlsContext(const TlsOptions &options);
  ~TlsContext();
  TlsContext(const TlsContext &) = delete;
  TlsContext &operator=(const TlsContext &) = delete;

  ssl_ctx_st *native() const noexcept { return ctx_; }
  bool verify() const noexcept { return verify_; }
  // The name to send as SNI and to verify the certificate against, for a node at `host`.
  const std::string &name_for(const std::string &host) const noexcept {
    return server_name_.empty() ? host : server_name_;
  }

 private:
  ssl_ctx_st *ctx_ = nullptr;
  bool verify_ = true;
  std::string server_name_;
};

}  // namespace agenthost::detail
