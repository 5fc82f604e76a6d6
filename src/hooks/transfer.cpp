#include "hooks/transfer.hpp"

#include <sys/socket.h>

#include <mutex>
#include <new>
#include <string>

#include "hooks/address_guard.hpp"
#include "hooks/error_class.hpp"

namespace agenthost::hooks {

namespace {

using Clock = std::chrono::steady_clock;

// Why a transfer to a blocked address failed, whether libcurl or our deadline ended it.
constexpr const char *kBlockedDetail = "the address is in a private or reserved network";

std::size_t on_body(char *data, std::size_t size, std::size_t n, void *userdata) {
  auto *t = static_cast<Transfer *>(userdata);
  const std::size_t bytes = size * n;
  if (t->result->body.size() + bytes > t->cap) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR, with or without Content-Length
  }
  t->result->body.append(data, bytes);
  return bytes;
}

// Runs for every address curl connects to, after DNS: the address actually used is checked, so
// DNS rebinding cannot slip a private address past the guard.
curl_socket_t on_open_socket(void *clientp, curlsocktype, curl_sockaddr *a) {
  auto *t = static_cast<Transfer *>(clientp);
  if (!t->allow_private && is_blocked_address(&a->addr, a->addrlen)) {
    t->blocked = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

curl_slist *append_header(curl_slist *list, const char *line) {
  curl_slist *next = curl_slist_append(list, line);
  if (next == nullptr) throw std::bad_alloc();
  return next;
}

const char *classify(CURLcode code, const Transfer &t) {
  if (code == CURLE_OK) return "";
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) return error_class::too_large;
  if (t.blocked) return error_class::blocked_address;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return error_class::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return error_class::dns;
    default:
      return error_class::connection;
  }
}

std::string describe(CURLcode code, const Transfer &t) {
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return "the reply body is larger than " + std::to_string(t.cap) + " bytes";
  }
  if (t.blocked) return kBlockedDetail;
  return t.error_buffer[0] != '\0' ? t.error_buffer : curl_easy_strerror(code);
}

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

}  // namespace

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void configure_once(CURL *e) {
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // Without it, removing a handle whose name lookup is still running joins the threaded
  // resolver, so a slow DNS server could hold an evaluation past its deadline. With it, libcurl
  // detaches the resolver thread instead (it finishes and frees itself later). Since 7.87.
  curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROXY, "");  // a proxy would hide the address the guard checks
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
}

void set_up(CURL *e, const TransferRequest &req, Transfer &t) {
  // curl_slist_append returns the head it was given, so t.headers keeps owning the whole list.
  t.headers.reset(append_header(nullptr, "Content-Type: application/json"));
  curl_slist *h = t.headers.get();
  // No 100-continue round trip for larger bodies (each extra header costs curl work per call).
  if (req.body->size() > 1024) append_header(h, "Expect:");
  for (const auto &line : req.headers) append_header(h, line.c_str());

  curl_easy_setopt(e, CURLOPT_URL, req.url->c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body->data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body->size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.cap));
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
}

void detach(CURL *e) noexcept {
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, nullptr);
  curl_easy_setopt(e, CURLOPT_PRIVATE, nullptr);
}

void finish(CURL *e, CURLcode code, Transfer &t) {
  t.done = true;
  TransferResult &r = *t.result;
  r.latency = since(t.start);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = status;
  r.error = classify(code, t);
  if (!r.error.empty()) r.detail = describe(code, t);
}

void mark_unfinished(Transfer &t, const char *error_class, const char *detail) {
  if (t.done) return;
  t.done = true;
  TransferResult &r = *t.result;
  if (error_class != nullptr) {
    r.error = error_class;
    r.detail = detail != nullptr ? detail : "";
  } else {
    r.error = t.blocked ? error_class::blocked_address : error_class::timeout;
    r.detail = t.blocked ? kBlockedDetail : "no complete reply before the deadline";
  }
  r.latency = since(t.start);
}

}  // namespace agenthost::hooks
