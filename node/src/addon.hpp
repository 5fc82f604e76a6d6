// The agenthost Node addon: thin N-API wrappers over the C ABI (agenthost.h). The JavaScript in
// lib/ validates arguments, builds the JSON requests and gives the errors their classes; this
// code moves blocking calls off the JavaScript thread and turns C results into JS values.
#pragma once

#define NAPI_VERSION 8
#include <napi.h>

#include <functional>
#include <optional>
#include <string>

#include "agenthost.h"

namespace agenthost_node {

// A JS Error of the class for `status` (made by the factory lib/ registers), with `message`.
Napi::Value make_error(Napi::Env env, agenthost_status status, const std::string &message);
// Throws that error as a JS exception (for synchronous calls).
[[noreturn]] void throw_status(Napi::Env env, agenthost_status status);

// Argument helpers: lib/ has checked the types; these only read them.
std::string text_arg(const Napi::CallbackInfo &info, size_t i);
std::optional<std::string> optional_text_arg(const Napi::CallbackInfo &info, size_t i);
template <typename T>
T *handle_arg(const Napi::CallbackInfo &info, size_t i) {
  return info[i].As<Napi::External<T>>().Data();
}

// One blocking C call on libuv's thread pool, settling a Promise on the JS thread. `run` runs
// off the JS thread and returns the C status (the thread's last error is captured right after);
// `done` builds the resolved value on the JS thread from what `run` left in the work.
class CallWork : public Napi::AsyncWorker {
 public:
  using Run = std::function<agenthost_status(CallWork &)>;
  using Done = std::function<Napi::Value(Napi::Env, CallWork &)>;

  // Starts the work and returns its Promise.
  static Napi::Promise start(Napi::Env env, Run run, Done done);
  ~CallWork() override;

  // What `run` hands to `done`.
  char *owned = nullptr;  // a string of the library's (agenthost_free)
  size_t length = 0;
  int flag = 0;
  uint64_t count = 0;
  agenthost_session_page *page = nullptr;  // freed with the work
  std::string text;

 private:
  CallWork(Napi::Env env, Run run, Done done);
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error &e) override;

  Napi::Promise::Deferred deferred_;
  Run run_;
  Done done_;
  agenthost_status status_ = AGENTHOST_OK;
  std::string message_;
};

// The C policy of a policy handle (hooks.cc wraps it with its thread-safe function).
const agenthost_hook_policy *policy_of(Napi::Value handle);

Napi::Object init(Napi::Env env, Napi::Object exports);
void init_cache(Napi::Env env, Napi::Object exports);
void init_sessions(Napi::Env env, Napi::Object exports);
void init_hooks(Napi::Env env, Napi::Object exports);

}  // namespace agenthost_node
