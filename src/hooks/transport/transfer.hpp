// One webhook POST on a hook's handle: the per-request state its callbacks write into, the options
// set once per handle and per request, and how a finished or unfinished transfer becomes a
// TransferResult. Shared by the blocking transport and the asynchronous loop.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "hooks/transport/webhook_transport.hpp"

namespace agenthost::hooks {

class HookHandle;

struct SlistDeleter {
  void operator()(curl_slist *l) const noexcept { curl_slist_free_all(l); }
};

struct Transfer {
  TransferResult *result = nullptr;
  HookHandle *handle = nullptr;  // the handle carrying it, once set up
  std::size_t cap = 0;
  curl_off_t body_size = 0;
  bool allow_private = false;
  bool blocked = false;
  bool too_large = false;
  bool stale = false;        // its kept-alive connection held bytes before the request went out
  bool retried = false;      // it went again on a new connection
  bool early = false;        // a reply began before the request was fully sent
  bool final_reply = false;  // a final (not 1xx) status line arrived
  bool done = false;
  void *owner = nullptr;  // the asynchronous job it belongs to, if any
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point deadline;  // start + the request's timeout
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// curl_global_init, once per process, before the first curl handle.
void curl_init_once();

// Options that never change, set once per easy handle: a reset and full re-set per request
// costs more than the rest of the evaluation's own work.
void configure_once(CURL *e);
// Points `h` at `req`, writing into `t` (which must outlive the transfer; t.start is set).
// Throws bad_alloc.
void set_up(HookHandle &h, const TransferRequest &req, Transfer &t);
// Leaves the handle (which outlives `t`) no pointer into `t`. Call after removing it from its
// multi.
void detach(HookHandle &h) noexcept;
// True when `code` ended a transfer that never sent its request because its kept-alive
// connection was not quiet, and it has not gone again yet: it may go again, once, on a new
// connection (restart()).
bool should_retry(const Transfer &t, CURLcode code) noexcept;
// Starts `t` again on a new connection of its handle, in `multi`, within what is left of its
// timeout. False when curl refused (then `t` is over, still in no multi).
bool restart(CURLM *multi, Transfer &t) noexcept;
// Fills t.result from the finished transfer.
void finish(CURLcode code, Transfer &t);
// Fills t.result for a transfer that did not finish: "timeout" (or "blocked_address"), or
// `error_class` with `detail` when given.
void mark_unfinished(Transfer &t, const char *error_class = nullptr, const char *detail = nullptr);

}  // namespace agenthost::hooks
