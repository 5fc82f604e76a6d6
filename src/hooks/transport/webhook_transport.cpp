#include "hooks/transport/webhook_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <new>

#include "hooks/error_class.hpp"
#include "hooks/transport/hook_handle.hpp"
#include "hooks/transport/idle_pool.hpp"
#include "hooks/transport/transfer.hpp"

namespace agenthost::hooks {

struct MultiHandle {
  CURLM *multi;
  MultiHandle() : multi((curl_init_once(), curl_multi_init())) {
    if (multi == nullptr) throw std::bad_alloc();
  }
  ~MultiHandle() { curl_multi_cleanup(multi); }
  MultiHandle(const MultiHandle &) = delete;
  MultiHandle &operator=(const MultiHandle &) = delete;
};

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleMultis = 64;
constexpr std::size_t kMaxIdleHandlesPerHook = 64;

// Ends the transfers curl reports done, except one that may go again on a new connection, which
// is started again. Returns how many ended.
std::size_t drain_messages(CURLM *multi) {
  std::size_t ended = 0;
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    const CURLcode code = msg->data.result;
    Transfer *t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    if (should_retry(*t, code)) {
      if (restart(multi, *t)) continue;
      mark_unfinished(*t, error_class::connection, "could not start the request again");
    } else {
      finish(code, *t);
    }
    ++ended;
  }
  return ended;
}

// Drives every transfer until all are done or the deadline passes.
void run(CURLM *multi, std::size_t transfers, Clock::time_point deadline) {
  std::size_t left = transfers;
  while (left > 0) {
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) return;
    left -= drain_messages(multi);
    if (left == 0) return;
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (wait.count() <= 0) return;
    curl_multi_poll(multi, nullptr, 0,
                    static_cast<int>(std::min<long long>(wait.count() + 1, 1000)), nullptr);
  }
}

// The multi handle and the hook handles one evaluation borrows. However the evaluation ends,
// each handle leaves the multi and goes back to its hook's pool, and the multi to its pool.
class Lease {
 public:
  using HandlePools = std::vector<std::unique_ptr<IdlePool<HookHandle>>>;

  Lease(IdlePool<MultiHandle> &multis, const HandlePools &pools, std::size_t n)
      : multis_(multis), pools_(pools), multi_(multis.take()) {
    handles_.reserve(n);
  }
  ~Lease() {
    for (auto &[hook, handle, added] : handles_) {
      if (added) curl_multi_remove_handle(multi_->multi, handle->easy());
      detach(*handle);  // the handle outlives the evaluation's Transfer
      pools_[hook]->give_back(std::move(handle));
    }
    multis_.give_back(std::move(multi_));
  }
  Lease(const Lease &) = delete;
  Lease &operator=(const Lease &) = delete;

  CURLM *multi() const noexcept { return multi_->multi; }

  // Sends `req` on a handle of its hook's, writing into `t`. Throws std::bad_alloc.
  void start(const TransferRequest &req, Transfer &t) {
    handles_.push_back({req.hook, pools_[req.hook]->take(), false});  // within the reserve
    Borrowed &b = handles_.back();
    set_up(*b.handle, req, t);
    if (curl_multi_add_handle(multi_->multi, b.handle->easy()) != CURLM_OK) {
      throw std::bad_alloc();
    }
    b.added = true;
  }

 private:
  struct Borrowed {
    std::size_t hook;
    std::unique_ptr<HookHandle> handle;
    bool added;
  };
  IdlePool<MultiHandle> &multis_;
  const HandlePools &pools_;
  std::unique_ptr<MultiHandle> multi_;
  std::vector<Borrowed> handles_;
};

}  // namespace

WebhookTransport::WebhookTransport(std::size_t hooks, bool allow_private_networks,
                                   std::uint32_t max_response_bytes)
    : multis_(std::make_unique<IdlePool<MultiHandle>>(kMaxIdleMultis)),
      allow_private_networks_(allow_private_networks),
      max_response_bytes_(max_response_bytes) {
  handles_.reserve(hooks);
  for (std::size_t i = 0; i < hooks; ++i) {
    handles_.push_back(std::make_unique<IdlePool<HookHandle>>(kMaxIdleHandlesPerHook));
  }
}

WebhookTransport::~WebhookTransport() = default;

std::vector<TransferResult> WebhookTransport::perform(
    const std::vector<TransferRequest> &requests) const {
  const std::size_t n = requests.size();
  std::vector<TransferResult> results(n);
  if (n == 0) return results;
  std::vector<Transfer> transfers(n);
  Lease lease(*multis_, handles_, n);  // after `transfers`, so it is given back before they go
  auto longest = std::chrono::milliseconds(0);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    Transfer &t = transfers[i];
    t.result = &results[i];
    t.cap = max_response_bytes_;
    t.allow_private = allow_private_networks_;
    t.start = start;
    lease.start(requests[i], t);
    longest = std::max(longest, requests[i].timeout);
  }
  run(lease.multi(), n, start + longest);
  for (auto &t : transfers) mark_unfinished(t);
  return results;
}

}  // namespace agenthost::hooks
