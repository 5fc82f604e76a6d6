// Sends the webhook POSTs of one evaluation concurrently (curl multi) under one deadline, reusing
// keep-alive connections across evaluations and threads (a connection serves only the hook that
// opened it, and never one with unread bytes: see hook_handle.hpp), refusing blocked addresses at
// connect time and capping reply bodies while they are read.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace agenthost::hooks {

class HookHandle;
struct MultiHandle;
template <typename T>
class IdlePool;

struct TransferRequest {
  std::size_t hook = 0;  // which hook of the policy sends it (0..hooks-1): its connections only
  const std::string *url = nullptr;
  std::vector<std::string> headers;  // "Name: value" lines, after the JSON content type
  const std::string *body = nullptr;
  std::chrono::milliseconds timeout{30000};
};

struct TransferResult {
  long http_status = 0;  // 0 when no response status arrived
  std::string body;
  std::string error;   // error class, empty when a complete response arrived
  std::string detail;  // why, for the reason text (never contains header values)
  std::chrono::microseconds latency{0};
};

class WebhookTransport {
 public:
  // `hooks`: how many hooks the policy has (TransferRequest::hook is below it).
  WebhookTransport(std::size_t hooks, bool allow_private_networks,
                   std::uint32_t max_response_bytes);
  ~WebhookTransport();
  WebhookTransport(const WebhookTransport &) = delete;
  WebhookTransport &operator=(const WebhookTransport &) = delete;

  // One result per request, in order. The evaluation ends by the largest request timeout at the
  // latest; requests still running then fail with "timeout". Thread-safe.
  std::vector<TransferResult> perform(const std::vector<TransferRequest> &requests) const;

 private:
  std::unique_ptr<IdlePool<MultiHandle>> multis_;
  std::vector<std::unique_ptr<IdlePool<HookHandle>>> handles_;  // per hook
  bool allow_private_networks_;
  std::uint32_t max_response_bytes_;
};

}  // namespace agenthost::hooks
