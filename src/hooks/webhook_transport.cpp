#include "hooks/webhook_transport.hpp"

#include <algorithm>
#include <cstring>

#include "hooks/channel_pool.hpp"
#include "hooks/transfer.hpp"

namespace agenthost::hooks {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleChannels = 64;

void drain_messages(CURLM *multi) {
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer *t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    finish(msg->easy_handle, msg->data.result, *t);
  }
}

// Drives every transfer until all are done or the deadline passes.
void run(CURLM *multi, Clock::time_point deadline) {
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) return;
    drain_messages(multi);
    if (running == 0) return;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    curl_multi_poll(multi, nullptr, 0,
                    static_cast<int>(std::min<long long>(left.count() + 1, 1000)), nullptr);
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
  run(channel->multi, start + longest);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CURL *e = channel->easies[i];
    curl_multi_remove_handle(channel->multi, e);
    detach(e);  // the handle outlives this call's Transfer
  }
  for (auto &t : transfers) mark_unfinished(t);
  pool_->give_back(std::move(channel));
  return results;
}

}  // namespace agenthost::hooks
