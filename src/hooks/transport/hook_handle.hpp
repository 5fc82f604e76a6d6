// A curl easy handle that serves one hook, with a connection cache of its own, and the check that
// keeps a kept-alive connection from handing a request someone else's reply.
//
// HTTP/1.1 pairs a response with a request by order alone. Bytes already waiting on a kept-alive
// connection when a request goes out (a second, unsolicited response to the previous request, or
// the server's close) would be read as the answer to the new request. libcurl 7.88 reuses such a
// connection (curl 8 refuses it), so each handle checks the socket itself, just before the request
// is sent, and refuses a connection that is not quiet. And a connection only ever serves the handle
// that opened it (each handle's own curl share holds its connections), and a handle only ever
// serves one hook: one hook's stray reply cannot decide another hook's call.
#pragma once

#include <curl/curl.h>

#include <vector>

namespace agenthost::hooks {

struct Transfer;

class HookHandle {
 public:
  // Throws std::bad_alloc when curl cannot create the handle or its connection cache.
  HookHandle();
  // Closes the handle's connections.
  ~HookHandle();
  HookHandle(const HookHandle &) = delete;
  HookHandle &operator=(const HookHandle &) = delete;

  CURL *easy() const noexcept { return easy_; }

  // True unless the socket of the connection about to carry a request (the one whose local port
  // is `local_port`) is quiet: nothing to read, no close from the peer, no error. When the socket
  // cannot be told, also true.
  bool has_pending_bytes(int local_port) const noexcept;

  Transfer *transfer = nullptr;  // the transfer it carries now, if any
  bool fresh_forced = false;     // CURLOPT_FRESH_CONNECT is set (for a retry)
  // The open sockets of its connections: every socket it opens is recorded and forgotten when
  // curl closes it, since libcurl 7.88 cannot name the socket of a connection before the request
  // is sent (CURLINFO_ACTIVESOCKET is not set yet then).
  std::vector<curl_socket_t> sockets;

 private:
  CURL *easy_ = nullptr;
  CURLSH *connections_ = nullptr;
};

}  // namespace agenthost::hooks
