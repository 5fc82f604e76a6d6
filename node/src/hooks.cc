// HookPolicy: evaluations run on the library's own event loop (agenthost_hook_policy_evaluate_
// async); each verdict comes back to the JS thread through the policy's one thread-safe function,
// which settles the evaluation's Promise. No thread per evaluation, none of libuv's pool.
#include <cstring>
#include <string>

#include "addon.hpp"

namespace agenthost_node {
namespace {

struct Policy {
  agenthost_hook_policy *handle = nullptr;
  napi_threadsafe_function tsfn = nullptr;
  napi_env env = nullptr;
  size_t in_flight = 0;  // JS thread only; the tsfn keeps the process alive while > 0
  int refs = 2;          // the JS handle (External) and the thread-safe function
};

void unref(Policy *p) {
  if (--p->refs == 0) delete p;
}

// One evaluation in flight: created on the JS thread, handed to the library as `user`, settled
// and deleted on the JS thread by deliver_js.
struct Pending {
  Policy *policy;
  napi_deferred deferred;
  std::string input;
  agenthost_status status = AGENTHOST_OK;
  agenthost_verdict *verdict = nullptr;
};

void release_in_flight(Policy *p) {
  if (--p->in_flight == 0 && p->tsfn != nullptr) napi_unref_threadsafe_function(p->env, p->tsfn);
}

// The JS thread: resolves the Promise with the verdict's JSON (lib/hooks.js parses it).
void deliver_js(napi_env env, napi_value, void *, void *data) {
  auto *pending = static_cast<Pending *>(data);
  if (env != nullptr) {
    size_t len = 0;
    const char *json = agenthost_verdict_json(pending->verdict, &len);
    napi_value text;
    if (napi_create_string_utf8(env, json, len, &text) == napi_ok) {
      napi_resolve_deferred(env, pending->deferred, text);
    }
    release_in_flight(pending->policy);
  }
  agenthost_verdict_free(pending->verdict);
  delete pending;
}

// The library's loop thread (or the thread that cancels): queues the verdict for the JS thread.
void on_verdict(void *user, agenthost_status status, agenthost_verdict *verdict) {
  auto *pending = static_cast<Pending *>(user);
  pending->status = status;
  pending->verdict = verdict;
  if (napi_call_threadsafe_function(pending->policy->tsfn, pending, napi_tsfn_nonblocking) !=
      napi_ok) {
    // The environment is shutting down: nobody waits for this Promise any more.
    agenthost_verdict_free(verdict);
    delete pending;
  }
}

void cleanup_hook(void *data) {
  auto *p = static_cast<Policy *>(data);
  if (p->handle == nullptr) return;
  agenthost_hook_policy_free(p->handle);  // the loop thread ends before the environment does
  p->handle = nullptr;
}

// Frees the C policy: cancels what is in flight (each callback has queued its verdict when
// agenthost_hook_policy_free returns) and releases the thread-safe function, whose queue still
// drains, settling those Promises with the cancelled verdict.
void free_policy(Policy *p) {
  if (p->handle == nullptr) return;
  napi_remove_env_cleanup_hook(p->env, cleanup_hook, p);
  agenthost_hook_policy_free(p->handle);
  p->handle = nullptr;
  napi_release_threadsafe_function(p->tsfn, napi_tsfn_release);
}

Napi::Value policy_create(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const std::string config = text_arg(info, 0);
  const Napi::Object o = info[1].As<Napi::Object>();
  agenthost_hook_options opts;
  agenthost_hook_options_init(&opts);
  opts.allow_private_networks = o.Get("allow_private_networks").ToBoolean() ? 1 : 0;
  auto number = [&](const char *name, uint32_t &field) {
    if (o.Has(name)) field = o.Get(name).As<Napi::Number>().Uint32Value();
  };
  number("max_response_bytes", opts.max_response_bytes);
  number("breaker_failure_threshold", opts.breaker_failure_threshold);
  number("breaker_cooldown_ms", opts.breaker_cooldown_ms);
  agenthost_hook_policy *handle = nullptr;
  const agenthost_status st = agenthost_hook_policy_create(config.c_str(), &opts, &handle);
  if (st != AGENTHOST_OK) throw_status(env, st);

  auto *p = new Policy();
  p->handle = handle;
  p->env = env;
  napi_value name;
  napi_create_string_utf8(env, "agenthost verdicts", NAPI_AUTO_LENGTH, &name);
  const napi_status ns = napi_create_threadsafe_function(
      env, nullptr, nullptr, name, 0, 1, p,
      [](napi_env, void *data, void *) { unref(static_cast<Policy *>(data)); }, p, deliver_js,
      &p->tsfn);
  if (ns != napi_ok) {
    agenthost_hook_policy_free(handle);
    delete p;
    throw Napi::Error::New(env, "agenthost: cannot create a thread-safe function");
  }
  napi_unref_threadsafe_function(env, p->tsfn);  // ref'd only while evaluations are in flight
  napi_add_env_cleanup_hook(env, cleanup_hook, p);
  // A policy the program drops without closing it is freed when collected.
  return Napi::External<Policy>::New(env, p, [](Napi::Env, Policy *q) {
    free_policy(q);
    unref(q);
  });
}

Napi::Value policy_free(const Napi::CallbackInfo &info) {
  free_policy(handle_arg<Policy>(info, 0));
  return info.Env().Undefined();
}

// evaluate(policy, input: string | Buffer) -> [Promise<string>, ticket: number]. Input the
// library refuses throws its error (lib/hooks.js attaches the deny verdict).
Napi::Value policy_evaluate(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  auto *p = handle_arg<Policy>(info, 0);
  auto *pending = new Pending{p, nullptr, {}};
  if (info[1].IsBuffer()) {
    auto b = info[1].As<Napi::Buffer<char>>();
    pending->input.assign(b.Data(), b.Length());
  } else {
    pending->input = text_arg(info, 1);
  }
  napi_value promise;
  napi_create_promise(env, &pending->deferred, &promise);
  if (p->in_flight++ == 0) napi_ref_threadsafe_function(env, p->tsfn);
  uint64_t ticket = 0;
  // The callback may run (on another thread) before this returns: `pending` is not read again.
  const agenthost_status st = agenthost_hook_policy_evaluate_async(
      p->handle, pending->input.data(), pending->input.size(), on_verdict, pending, &ticket);
  if (st != AGENTHOST_OK) {
    const std::string message = agenthost_last_error();
    napi_value unused;
    napi_get_undefined(env, &unused);
    napi_resolve_deferred(env, pending->deferred, unused);  // never awaited: the call throws
    delete pending;
    release_in_flight(p);
    throw Napi::Error(env, make_error(env, st, message));
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Value(env, promise));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(ticket)));
  return result;
}

// cancel(policy, ticket) -> true when it was waiting (its Promise settles with the cancelled
// verdict), false when its verdict had already been delivered.
Napi::Value policy_cancel(const Napi::CallbackInfo &info) {
  auto *p = handle_arg<Policy>(info, 0);
  if (p->handle == nullptr) return Napi::Boolean::New(info.Env(), false);
  const auto ticket = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  return Napi::Boolean::New(info.Env(),
                            agenthost_hook_policy_cancel(p->handle, ticket) == AGENTHOST_OK);
}

}  // namespace

const agenthost_hook_policy *policy_of(Napi::Value handle) {
  return handle.As<Napi::External<Policy>>().Data()->handle;
}

void init_hooks(Napi::Env env, Napi::Object exports) {
  exports.Set("policyCreate", Napi::Function::New(env, policy_create));
  exports.Set("policyFree", Napi::Function::New(env, policy_free));
  exports.Set("policyEvaluate", Napi::Function::New(env, policy_evaluate));
  exports.Set("policyCancel", Napi::Function::New(env, policy_cancel));
}

}  // namespace agenthost_node
