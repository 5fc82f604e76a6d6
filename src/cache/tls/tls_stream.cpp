#include "cache/tls/tls_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <cerrno>
#include <system_error>

namespace agenthost::detail {

namespace {

using Clock = std::chrono::steady_clock;

bool is_ip_literal(const std::string &host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The reason code and text of OpenSSL's most recent error; the queue is cleared.
struct SslReason {
  int code = 0;
  std::string text;
};

SslReason last_reason() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  SslReason r;
  r.code = ERR_GET_REASON(last);
  const char *text = last != 0 ? ERR_reason_error_string(last) : nullptr;
  r.text = text != nullptr ? text : "unknown error";
  return r;
}

// What a record layer says when the peer does not speak TLS at all.
bool is_not_tls(int reason) {
  return reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
         reason == SSL_R_HTTP_REQUEST || reason == SSL_R_UNKNOWN_PROTOCOL ||
         reason == SSL_R_RECORD_LENGTH_MISMATCH;
}

// The server's alert when it wants a client certificate or refuses ours.
bool is_client_cert_refused(int reason) {
  return reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
         reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
         reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE || reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA ||
         reason == SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED ||
         reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN;
}

std::string describe_verify_failure(long result, const std::string &name) {
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return fmt::format(
          "hostname mismatch: the server's certificate is not valid for '{}' (set server_name "
          "when the server's certificate carries another name)",
          name);
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the server's certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the server's certificate is not yet valid (check the clocks)";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return fmt::format("certificate not trusted: {} (check ca_file / ca_dir)",
                         X509_verify_cert_error_string(result));
    default:
      return fmt::format("certificate verification failed: {}",
                         X509_verify_cert_error_string(result));
  }
}

}  // namespace

TlsStream::TlsStream(int fd, const TlsContext &context, const std::string &host, std::string where,
                     std::chrono::milliseconds handshake_timeout,
                     std::chrono::milliseconds connect_timeout,
                     std::chrono::milliseconds io_timeout)
    : fd_(fd),
      host_(context.name_for(host)),
      where_(std::move(where)),
      io_timeout_(io_timeout),
      verify_(context.verify()) {
  ERR_clear_error();
  int flags = fcntl(fd_, F_GETFL);
  if (flags < 0 || fcntl(fd_, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw Error(Errc::connection,
                fmt::format("Redis at {}: cannot make the socket non-blocking", where_));
  }
  ssl_ = SSL_new(context.native());
  if (ssl_ == nullptr) throw Error(Errc::internal, "TLS: out of memory creating a session");
  try {
    handshake(handshake_timeout, connect_timeout);
  } catch (...) {
    SSL_free(ssl_);
    throw;
  }
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

void TlsStream::handshake(std::chrono::milliseconds timeout,
                          std::chrono::milliseconds connect_timeout) {
  const bool ip = is_ip_literal(host_);
  bool named = SSL_set_fd(ssl_, fd_) == 1;
  if (named && !ip) named = SSL_set_tlsext_host_name(ssl_, host_.c_str()) == 1;  // SNI: names only
  if (named && verify_) {
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl_);
    named = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str()) == 1
               : X509_VERIFY_PARAM_set1_host(param, host_.c_str(), host_.size()) == 1;
  }
  if (!named) {
    throw Error(Errc::invalid_argument,
                fmt::format("Redis at {}: TLS: cannot use '{}' as the server name", where_, host_));
  }
  // A plaintext Redis port reads the ClientHello as the start of an inline command and waits
  // for its end of line (never found: it looks for it with strchr, and the ClientHello holds NUL
  // bytes), just as a stalled server waits. Near the deadline, a server that sent nothing at all
  // is probed: a plaintext Redis answers an inline command over 64 KiB with a RESP error.
  const auto deadline = Clock::now() + timeout;
  const auto window = std::min(std::chrono::milliseconds(100), timeout / 5);
  bool probe_pending = window.count() > 0;
  for (;;) {
    const int ret = SSL_connect(ssl_);
    if (ret == 1) {
      make_blocking();
      return;
    }
    const int err = SSL_get_error(ssl_, ret);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) fail_handshake(err, ret);
    if (wait(err, probe_pending ? deadline - window : deadline)) continue;
    if (probe_pending && BIO_number_read(SSL_get_rbio(ssl_)) == 0) {
      if (answers_plaintext_resp(deadline)) {
        throw Error(Errc::connection,
                    fmt::format("Redis at {}: TLS handshake failed: the server does not speak "
                                "TLS (it answered in plaintext RESP); this is a plaintext port, "
                                "use redis:// for it",
                                where_));
      }
    } else if (probe_pending) {
      probe_pending = false;  // a TLS server that stalled mid-handshake: wait to the deadline
      continue;
    }
    throw Error(Errc::timeout,
                fmt::format("Redis at {}: the TLS handshake did not complete within the connect "
                            "timeout ({} ms): the server accepted the connection but did not "
                            "answer in TLS",
                            where_, connect_timeout.count()));
  }
}

// After the handshake the socket blocks, bounded by SO_RCVTIMEO/SO_SNDTIMEO (the socket timeout,
// set by the connection): one read per TLS record, as a blocking client does, instead of a failed
// read and a poll before each.
void TlsStream::make_blocking() {
  const int flags = fcntl(fd_, F_GETFL);
  if (flags < 0 || fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    throw Error(Errc::connection,
                fmt::format("Redis at {}: cannot make the socket blocking", where_));
  }
}

bool TlsStream::answers_plaintext_resp(Clock::time_point deadline) const {
  constexpr std::size_t kProbe = std::size_t{64} * 1024 + 2;  // Redis' PROTO_INLINE_MAX_SIZE + 2
  static const std::string probe(kProbe, '\n');
  for (std::size_t sent = 0; sent < probe.size();) {
    const ssize_t n = ::send(fd_, probe.data() + sent, probe.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait(SSL_ERROR_WANT_WRITE, deadline)) return false;
    } else {
      return false;
    }
  }
  if (!wait(SSL_ERROR_WANT_READ, deadline)) return false;
  char first = 0;
  return ::recv(fd_, &first, 1, MSG_PEEK) == 1 && (first == '-' || first == '+');
}

void TlsStream::fail_handshake(int ssl_error, int ret) {
  const int sys_errno = errno;
  const long verified = SSL_get_verify_result(ssl_);
  const std::string prefix = fmt::format("Redis at {}: TLS handshake failed: ", where_);
  if (ssl_error == SSL_ERROR_SSL && verify_ && verified != X509_V_OK) {
    ERR_clear_error();
    throw Error(Errc::connection, prefix + describe_verify_failure(verified, host_));
  }
  if (ssl_error == SSL_ERROR_SSL) {
    const SslReason reason = last_reason();
    if (is_not_tls(reason.code)) {
      throw Error(Errc::connection,
                  prefix + fmt::format("the server does not speak TLS ({}); is this a plaintext "
                                       "port? use redis:// for it",
                                       reason.text));
    }
    if (is_client_cert_refused(reason.code)) {
      throw Error(Errc::connection,
                  prefix + fmt::format("the server refused the client certificate or requires "
                                       "one ({}); set cert_file and key_file",
                                       reason.text));
    }
    throw Error(Errc::connection, prefix + reason.text);
  }
  if (ssl_error == SSL_ERROR_SYSCALL && ret != 0 && sys_errno != 0) {
    ERR_clear_error();
    throw Error(Errc::connection, prefix + std::generic_category().message(sys_errno));
  }
  ERR_clear_error();
  throw Error(Errc::connection,
              prefix +
                  "the server closed the connection (a plaintext port, or a server that "
                  "refuses this client's TLS version)");
}

bool TlsStream::wait(int ssl_error, Clock::time_point deadline) const {
  pollfd p{};
  p.fd = fd_;
  p.events = ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) return false;
    // Round up so that a sub-millisecond remainder still waits instead of spinning.
    const int n = poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (n > 0) return true;  // readable, writable, or an error/hangup the next call reports
    if (n == 0) {
      if (Clock::now() >= deadline) return false;
      continue;
    }
    if (errno != EINTR) return true;  // let the SSL call report the failure
  }
}

void TlsStream::write_all(const char *data, std::size_t size, const char *during) {
  std::size_t done = 0;
  while (done < size) {
    ERR_clear_error();
    const int ret =
        SSL_write(ssl_, data + done,
                  static_cast<int>(std::min<std::size_t>(size - done, std::size_t{1} << 30)));
    if (ret > 0) {
      done += static_cast<std::size_t>(ret);
      continue;
    }
    const int err = SSL_get_error(ssl_, ret);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
      const int sys_errno = errno;
      read_pending_alert(during);
      errno = sys_errno;
      fail(err, ret, during);
    }
    fail(SSL_ERROR_WANT_WRITE, ret, during);  // SO_SNDTIMEO passed
  }
}

// A TLS 1.3 server checks the client's certificate after the client finished its handshake: a
// refusal arrives as an alert just before the server resets the connection, so the first write
// fails with ECONNRESET. The alert is still in the receive queue; reading it names the cause.
void TlsStream::read_pending_alert(const char *during) {
  char byte = 0;
  if (::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 1) return;  // nothing came: no alert
  ERR_clear_error();
  const int ret = SSL_read(ssl_, &byte, 1);
  if (ret <= 0 && SSL_get_error(ssl_, ret) == SSL_ERROR_SSL) fail(SSL_ERROR_SSL, ret, during);
  ERR_clear_error();
}

std::size_t TlsStream::read_some(char *buffer, std::size_t size, const char *during) {
  ERR_clear_error();
  const int ret = SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
  if (ret > 0) return static_cast<std::size_t>(ret);
  fail(SSL_get_error(ssl_, ret), ret, during);  // WANT_READ: SO_RCVTIMEO passed
}

// The messages follow RedisConnection's for plain TCP, so that a host sees one vocabulary.
void TlsStream::fail(int ssl_error, int ret, const char *during) {
  const int sys_errno = errno;
  if (ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE) {
    throw Error(Errc::timeout, fmt::format("Redis at {}: no answer within the socket timeout "
                                           "({} ms) while {} (TLS)",
                                           where_, io_timeout_.count(), during));
  }
  std::string why;
  if (ssl_error == SSL_ERROR_SSL) {
    const SslReason reason = last_reason();
    why = is_client_cert_refused(reason.code)
              ? fmt::format(
                    "the server refused the client certificate or requires one ({}); "
                    "set cert_file and key_file",
                    reason.text)
              : "TLS error: " + reason.text;
  } else if (ssl_error == SSL_ERROR_SYSCALL && ret != 0 && sys_errno != 0) {
    why = std::generic_category().message(sys_errno);
  } else {
    why = "the server closed the connection";
  }
  ERR_clear_error();
  throw Error(Errc::connection,
              fmt::format("Redis at {}: connection lost while {}: {}", where_, during, why));
}

}  // namespace agenthost::detail
