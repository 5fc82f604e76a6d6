#include "hooks/transport/transfer.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "hooks/error_class.hpp"
#include "hooks/transport/hook_handle.hpp"

namespace agenthost::hooks {

namespace {

using Clock = std::chrono::steady_clock;

// Why a transfer to a blocked address failed, whether libcurl or our deadline ended it.
constexpr const char *kBlockedDetail = "the address is in a private or reserved network";
constexpr const char *kEarlyDetail =
    "the reply began before the request was fully sent, so it is not the answer to it";
constexpr const char *kStaleDetail =
    "the kept-alive connection held bytes that no request of ours asked for";

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

// "HTTP/1.1 200 OK\r\n" and not "HTTP/1.1 100 Continue\r\n".
bool is_final_status_line(const char *line, std::size_t n) noexcept {
  if (n < 6 || std::memcmp(line, "HTTP/", 5) != 0) return false;
  const auto *space = static_cast<const char *>(std::memchr(line, ' ', n));
  return space != nullptr && space + 1 < line + n && space[1] != '1';
}

// Headers arrive one line per call. A final reply whose first line arrived while the request
// body was still going out cannot be the answer to that request.
std::size_t on_header(char *data, std::size_t size, std::size_t n, void *userdata) {
  const std::size_t bytes = size * n;
  Transfer *t = static_cast<HookHandle *>(userdata)->transfer;
  if (t == nullptr) return 0;
  if (t->final_reply || !is_final_status_line(data, bytes)) return bytes;
  t->final_reply = true;
  curl_off_t sent = 0;
  curl_easy_getinfo(t->handle->easy(), CURLINFO_SIZE_UPLOAD_T, &sent);
  if (sent < t->body_size) {
    t->early = true;
    return 0;  // CURLE_WRITE_ERROR; curl closes the connection
  }
  return bytes;
}

curl_slist *append_header(curl_slist *list, const char *line) {
  curl_slist *next = curl_slist_append(list, line);
  if (next == nullptr) throw std::bad_alloc();
  return next;
}

// What is left of the transfer's timeout, at least 1 ms (0 would mean none).
long remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<long>(std::max<long long>(left.count(), 1));
}

const char *classify(CURLcode code, const Transfer &t) {
  if (code == CURLE_OK) return "";
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) return error_class::too_large;
  if (t.blocked) return error_class::blocked_address;
  if (t.early || t.stale) return error_class::connection;
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
  if (t.early) return kEarlyDetail;
  if (t.stale) return kStaleDetail;
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
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
}

void set_up(HookHandle &h, const TransferRequest &req, Transfer &t) {
  // curl_slist_append returns the head it was given, so t.headers keeps owning the whole list.
  t.headers.reset(append_header(nullptr, "Content-Type: application/json"));
  curl_slist *list = t.headers.get();
  // No 100-continue round trip for larger bodies (each extra header costs curl work per call).
  if (req.body->size() > 1024) append_header(list, "Expect:");
  for (const auto &line : req.headers) append_header(list, line.c_str());

  t.handle = &h;
  t.body_size = static_cast<curl_off_t>(req.body->size());
  t.deadline = t.start + req.timeout;
  CURL *e = h.easy();
  curl_easy_setopt(e, CURLOPT_URL, req.url->c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body->data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, t.body_size);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, remaining_ms(t.deadline));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.cap));
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  if (h.fresh_forced) {
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 0L);
    h.fresh_forced = false;
  }
  h.transfer = &t;
}

void detach(HookHandle &h) noexcept {
  CURL *e = h.easy();
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(e, CURLOPT_PRIVATE, nullptr);
  h.transfer = nullptr;
}

bool should_retry(const Transfer &t, CURLcode code) noexcept {
  return code == CURLE_ABORTED_BY_CALLBACK && t.stale && !t.retried;
}

bool restart(CURLM *multi, Transfer &t) noexcept {
  HookHandle &h = *t.handle;
  CURL *e = h.easy();
  // Aborted before anything was sent, so libcurl has closed that connection already (the
  // transfer counts as premature): it cannot come back from the handle's cache.
  curl_multi_remove_handle(multi, e);
  t.stale = false;
  t.retried = true;
  t.error_buffer[0] = '\0';
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  h.fresh_forced = true;
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, remaining_ms(t.deadline));
  return curl_multi_add_handle(multi, e) == CURLM_OK;
}

void finish(CURLcode code, Transfer &t) {
  t.done = true;
  TransferResult &r = *t.result;
  r.latency = since(t.start);
  long status = 0;
  curl_easy_getinfo(t.handle->easy(), CURLINFO_RESPONSE_CODE, &status);
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
