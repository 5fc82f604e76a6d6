// Sends the webhook POSTs of many evaluations at once from one background thread (started on
// first use) that drives its own curl multi handle, so evaluations in flight need no thread each
// and keep-alive connections are shared between them (each connection with the calls of the hook
// that opened it only). Each job ends exactly once, on that thread:
// with its results (unfinished requests as "timeout" at the job's deadline, the longest of its
// request timeouts), or cancelled.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "hooks/transport/webhook_transport.hpp"

namespace agenthost::hooks {

class AsyncLoop;

class AsyncTransport {
 public:
  // Runs on the loop thread (or, for cancel() and the destructor, on the thread that called
  // them when that is the loop thread itself). `results` is empty when `cancelled`. Exceptions
  // it throws are swallowed.
  using Completion = std::function<void(std::vector<TransferResult> &&results, bool cancelled)>;

  // `hooks`: how many hooks the policy has (TransferRequest::hook is below it).
  AsyncTransport(std::size_t hooks, bool allow_private_networks, std::uint32_t max_response_bytes);
  // Cancels every job still in flight (their completions have run when it returns) and stops
  // the thread. May run on the loop thread, from inside a completion.
  ~AsyncTransport();
  AsyncTransport(const AsyncTransport &) = delete;
  AsyncTransport &operator=(const AsyncTransport &) = delete;

  // Queues a job and returns its ticket (never 0). The strings the requests point to must stay
  // valid until `done` has run. Never calls `done` itself. Thread-safe. Throws std::bad_alloc,
  // or std::system_error when the thread cannot start.
  std::uint64_t submit(std::vector<TransferRequest> requests, Completion done);
  // Ends a job whose completion has not started: its transfers are dropped and its completion
  // runs with cancelled = true before this returns. False when no such job is waiting (it has
  // completed, or never existed). Thread-safe; also callable from inside a completion.
  bool cancel(std::uint64_t ticket);

 private:
  std::shared_ptr<AsyncLoop> loop_;
};

}  // namespace agenthost::hooks
