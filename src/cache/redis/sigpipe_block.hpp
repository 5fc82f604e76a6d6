// Keeps a write to a peer that closed the connection from killing the host with SIGPIPE.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <exception>

namespace agenthost::detail {

// hiredis and OpenSSL write with write(2): writing to a connection the server already closed raises
// SIGPIPE, which would kill the host. A library must not change the process' signal handling, so
// SIGPIPE is blocked in this thread while we write, and a SIGPIPE we caused (the write then
// failed, so we are unwinding) is consumed. If the host itself blocks SIGPIPE, it is left alone.
class SigpipeBlock {
 public:
  SigpipeBlock() : exceptions_(std::uncaught_exceptions()) {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    bool failed = std::uncaught_exceptions() > exceptions_;
    if (failed && sigismember(&old_, SIGPIPE) == 0 && is_pending()) {
      timespec zero{};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock &) = delete;
  SigpipeBlock &operator=(const SigpipeBlock &) = delete;

 private:
  static bool is_pending() {
    sigset_t pending;
    sigemptyset(&pending);
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }
  int exceptions_;
  sigset_t pipe_{};
  sigset_t old_{};
};

}  // namespace agenthost::detail
