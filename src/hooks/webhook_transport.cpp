#include "hooks/webhook_transport.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "hooks/address_guard.hpp"
#include "hooks/channel_pool.hpp"
#include "hooks/error_class.hpp"

namespace agenthost::hooks {

namespace {

using Clock = std::chrono::steady_clock;

// Why a transfer to a blocked address failed, whether libcurl or our deadline ended it.
constexpr const char *kBlockedDetail = "the address is in a private or reserved network";

constexpr std::size_t kMaxIdleChannels = 64;

struct SlistDeleter {
  void operator()(curl_slist *l) const noexcept { curl_slist_free_all(l); }
};

// Per-request state the curl callbacks write into.
struct Transfer {
  TransferResult *result = nullptr;
  std::size_t cap = 0;
  bool allow_private = false;
  bool blocked = false;
  bool too_large = false;
  bool done = false;
  Clock::time_point start;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

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

// Options that never change, set once per easy handle: a reset and full re-set per request
// costs more than the rest of the evaluation's own work.
void configure_once(CURL *e) {
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // Without it, removing a handle whose name lookup is still running joins the threaded
  // resolver, so a slow DNS server could hold evaluate() past its deadline. With it, libcurl
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

std::string describe(CURLcode code, const Transfer &t, std::uint32_t cap) {
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return "the reply body is larger than " + std::to_string(cap) + " bytes";
  }
  if (t.blocked) return kBlockedDetail;
  return t.error_buffer[0] != '\0' ? t.error_buffer : curl_easy_strerror(code);
}

void finish(CURL *e, CURLcode code, Transfer &t, std::uint32_t cap) {
  t.done = true;
  TransferResult &r = *t.result;
  r.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t.start);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = status;
  r.error = classify(code, t);
  if (!r.error.empty()) r.detail = describe(code, t, cap);
}

void drain_messages(CURLM *multi, std::uint32_t cap) {
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer *t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    finish(msg->easy_handle, msg->data.result, *t, cap);
  }
}

// Drives every transfer until all are done or the deadline passes.
void run(CURLM *multi, Clock::time_point deadline, std::uint32_t cap) {
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) return;
    drain_messages(multi, cap);
    if (running == 0) return;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    curl_multi_poll(multi, nullptr, 0,
                    static_cast<int>(std::min<long long>(left.count() + 1, 1000)), nullptr);
  }
}

void mark_unfinished(std::vector<Transfer> &transfers) {
  for (auto &t : transfers) {
    if (t.done) continue;
    t.result->error = t.blocked ? error_class::blocked_address : error_class::timeout;
    t.result->detail = t.blocked ? kBlockedDetail : "no complete reply before the deadline";
    t.result->latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t.start);
  }
}

}  // namespace

WebhookTransport::WebhookTransport(bool allow_private_networks, std::uint32_t max_response_bytes)
    : pool_(std::make_unique<ChannelPool>(kMaxIdleChannels)),
      allow_private_networks_(allow_private_networks),
      max_response_bytes_(max_response_bytes) {}

WebhookTransport::~WebhookTransport() = default;

std::vector<TransferResult> WebhookTransport::perform(
    const std::vector<TransferRequest> &requests) const {
  std::vector<TransferResult> results(requests.size());
  if (requests.empty()) return results;
  auto channel = pool_->take();
  while (channel->configured < requests.size()) {
    channel->reserve(channel->configured + 1);
    configure_once(channel->easies[channel->configured++]);
  }
  std::vector<Transfer> transfers(requests.size());
  auto longest = std::chrono::milliseconds(0);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Transfer &t = transfers[i];
    t.result = &results[i];
    t.cap = max_response_bytes_;
    t.allow_private = allow_private_networks_;
    t.start = start;
    set_up(channel->easies[i], requests[i], t);
    curl_multi_add_handle(channel->multi, channel->easies[i]);
    longest = std::max(longest, requests[i].timeout);
  }
  run(channel->multi, start + longest, max_response_bytes_);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CURL *e = channel->easies[i];
    curl_multi_remove_handle(channel->multi, e);
    // The handle outlives this call's Transfer: leave it no pointer into freed memory.
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);
  }
  mark_unfinished(transfers);
  pool_->give_back(std::move(channel));
  return results;
}

}  // namespace agenthost::hooks
