// One webhook POST on a curl easy handle: the per-request state its callbacks write into, the
// options set once per handle and per request, and how a finished or unfinished transfer becomes
// a TransferResult. Shared by the blocking transport and the asynchronous loop.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "hooks/webhook_transport.hpp"

namespace agenthost::hooks {

struct SlistDeleter {
  void operator()(curl_slist *l) const noexcept { curl_slist_free_all(l); }
};

struct Transfer {
  TransferResult *result = nullptr;
  std::size_t cap = 0;
  bool allow_private = false;
  bool blocked = false;
  bool too_large = false;
  bool done = false;
  void *owner = nullptr;  // the asynchronous job it belongs to, if any
  std::chrono::steady_clock::time_point start;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// curl_global_init, once per process, before the first curl handle.
void curl_init_once();

// Options that never change, set once per easy handle: a reset and full re-set per request
// costs more than the rest of the evaluation's own work.
void configure_once(CURL *e);
// Points `e` at `req`, writing into `t` (which must outlive the transfer). Throws bad_alloc.
void set_up(CURL *e, const TransferRequest &req, Transfer &t);
// Leaves the handle (which outlives `t`) no pointer into `t`. Call after removing it from its
// multi.
void detach(CURL *e) noexcept;
// Fills t.result from the finished transfer on `e`.
void finish(CURL *e, CURLcode code, Transfer &t);
// Fills t.result for a transfer that did not finish: "timeout" (or "blocked_address"), or
// `error_class` with `detail` when given.
void mark_unfinished(Transfer &t, const char *error_class = nullptr, const char *detail = nullptr);

}  // namespace agenthost::hooks
