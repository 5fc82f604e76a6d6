#include "hooks/transport/hook_handle.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <new>

#include "hooks/transport/address_guard.hpp"
#include "hooks/transport/transfer.hpp"

namespace agenthost::hooks {

namespace {

// Runs for every address curl connects to, after DNS: the address actually used is checked, so
// DNS rebinding cannot slip a private address past the guard.
curl_socket_t on_open_socket(void *clientp, curlsocktype, curl_sockaddr *a) {
  auto *h = static_cast<HookHandle *>(clientp);
  Transfer *t = h->transfer;
  if (t == nullptr) return CURL_SOCKET_BAD;  // sockets open during a transfer only
  if (!t->allow_private && is_blocked_address(&a->addr, a->addrlen)) {
    t->blocked = true;
    return CURL_SOCKET_BAD;
  }
  const int fd = ::socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  try {
    h->sockets.push_back(fd);
  } catch (...) {  // a socket the check could not find would be refused anyway: refuse it now
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  return fd;
}

int on_close_socket(void *clientp, curl_socket_t fd) {
  auto &sockets = static_cast<HookHandle *>(clientp)->sockets;
  sockets.erase(std::remove(sockets.begin(), sockets.end(), fd), sockets.end());
  return ::close(fd);
}

// Runs once the connection is ready, right before the request goes out. Bytes waiting on a
// kept-alive connection belong to an earlier request: this request is not sent and goes again on
// a new connection (see should_retry). A new connection has carried no request, so whatever it
// holds answers nothing of ours; a reply that begins before the request is fully sent fails in
// on_header.
int on_prereq(void *clientp, char *, char *, int, int local_port) {
  auto *h = static_cast<HookHandle *>(clientp);
  Transfer *t = h->transfer;
  if (t == nullptr) return CURL_PREREQFUNC_ABORT;
  long opened = 0;
  curl_easy_getinfo(h->easy(), CURLINFO_NUM_CONNECTS, &opened);
  if (opened > 0 || !h->has_pending_bytes(local_port)) return CURL_PREREQFUNC_OK;
  t->stale = true;
  return CURL_PREREQFUNC_ABORT;
}

int local_port_of(curl_socket_t fd) noexcept {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) return -1;
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in &>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6 &>(a).sin6_port);
  return -1;
}

}  // namespace

HookHandle::HookHandle() {
  curl_init_once();
  easy_ = curl_easy_init();
  connections_ = curl_share_init();
  if (easy_ == nullptr || connections_ == nullptr ||
      curl_share_setopt(connections_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
    curl_easy_cleanup(easy_);
    curl_share_cleanup(connections_);
    throw std::bad_alloc();
  }
  // Never used by two threads at once (a handle serves one transfer at a time, and is handed
  // between threads under a pool's lock), so the share needs no lock callbacks.
  curl_easy_setopt(easy_, CURLOPT_SHARE, connections_);
  configure_once(easy_);
  curl_easy_setopt(easy_, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(easy_, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
  curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETDATA, this);
  curl_easy_setopt(easy_, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt(easy_, CURLOPT_PREREQDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
}

HookHandle::~HookHandle() {
  curl_easy_cleanup(easy_);
  // Closes the connections, through on_close_socket: `sockets` is still alive here.
  curl_share_cleanup(connections_);
}

bool HookHandle::has_pending_bytes(int local_port) const noexcept {
  curl_socket_t fd = CURL_SOCKET_BAD;
  if (sockets.size() == 1) {
    fd = sockets.front();
  } else {  // an idle connection besides the one in use (rare): find ours by its local port
    for (curl_socket_t s : sockets) {
      if (local_port_of(s) == local_port) fd = s;
    }
  }
  if (fd == CURL_SOCKET_BAD) return true;
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

}  // namespace agenthost::hooks
