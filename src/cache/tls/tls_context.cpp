#include "cache/tls/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <agenthost/error.hpp>

namespace agenthost::detail {

namespace {

// The reason of OpenSSL's most recent error ("no such file", "key values mismatch"), with the
// error queue cleared; never data from the file.
std::string openssl_reason() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  const char *reason = last != 0 ? ERR_reason_error_string(last) : nullptr;
  return reason != nullptr ? reason : "unknown error";
}

[[noreturn]] void fail(const char *option, const std::string &path, const char *what) {
  throw Error(Errc::invalid_argument,
              fmt::format("TLS {} '{}': {} ({})", option, path, what, openssl_reason()));
}

// A passphrase-protected key would make OpenSSL prompt on the terminal; refuse it instead.
int no_passphrase(char *, int, int, void *) { return -1; }

void load_trust(SSL_CTX *ctx, const TlsOptions &o) {
  if (o.ca_file.empty() && o.ca_dir.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      throw Error(Errc::invalid_argument,
                  fmt::format("TLS: cannot load the system's trusted CAs ({}); set ca_file",
                              openssl_reason()));
    }
    return;
  }
  if (!o.ca_file.empty() && SSL_CTX_load_verify_file(ctx, o.ca_file.c_str()) != 1) {
    fail("ca_file", o.ca_file, "cannot load CA certificates");
  }
  // OpenSSL reads a CA directory lazily, at the first handshake: check that it is one now.
  struct stat st {};
  if (!o.ca_dir.empty() && (::stat(o.ca_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    throw Error(Errc::invalid_argument,
                fmt::format("TLS ca_dir '{}': not a readable directory", o.ca_dir));
  }
  if (!o.ca_dir.empty() && SSL_CTX_load_verify_dir(ctx, o.ca_dir.c_str()) != 1) {
    fail("ca_dir", o.ca_dir, "cannot use CA directory");
  }
}

void load_identity(SSL_CTX *ctx, const TlsOptions &o) {
  if (o.cert_file.empty()) {
    if (!o.key_file.empty()) {
      throw Error(Errc::invalid_argument, "TLS key_file is set without cert_file");
    }
    return;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, o.cert_file.c_str()) != 1) {
    fail("cert_file", o.cert_file, "cannot load the client certificate");
  }
  const std::string &key = o.key_file.empty() ? o.cert_file : o.key_file;
  const char *option = o.key_file.empty() ? "cert_file" : "key_file";
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    const unsigned long e = ERR_peek_last_error();
    if (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
      fail(option, key, "the private key does not match cert_file");
    }
    fail(option, key, "cannot load the private key (passphrase-protected keys are not supported)");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    fail(option, key, "the private key does not match cert_file");
  }
}

}  // namespace

TlsContext::TlsContext(const TlsOptions &options)
    : verify_(!options.insecure_skip_verify), server_name_(options.server_name) {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw Error(Errc::internal, "TLS: cannot create an OpenSSL context");
  try {
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_AUTO_RETRY);
    SSL_CTX_set_default_passwd_cb(ctx_, &no_passphrase);
    SSL_CTX_set_verify(ctx_, verify_ ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    if (verify_) load_trust(ctx_, options);
    load_identity(ctx_, options);
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace agenthost::detail
