#include "addon.hpp"

namespace agenthost_node {
namespace {

struct AddonData {
  Napi::FunctionReference error_factory;
};

Napi::Value set_error_factory(const Napi::CallbackInfo &info) {
  auto *data = info.Env().GetInstanceData<AddonData>();
  data->error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value version(const Napi::CallbackInfo &info) {
  return Napi::String::New(info.Env(), agenthost_version());
}

Napi::Value status_name(const Napi::CallbackInfo &info) {
  const auto code = static_cast<agenthost_status>(info[0].As<Napi::Number>().Int32Value());
  return Napi::String::New(info.Env(), agenthost_status_name(code));
}

// Renders metrics of the handles given (null = left out); `json` picks the JSON form.
Napi::Value render_metrics(const Napi::CallbackInfo &info, bool json) {
  auto cache = info[0].IsExternal() ? handle_arg<agenthost_cache_client>(info, 0) : nullptr;
  auto store = info[1].IsExternal() ? handle_arg<agenthost_session_store>(info, 1) : nullptr;
  const agenthost_hook_policy *policy = info[2].IsExternal() ? policy_of(info[2]) : nullptr;
  char *out = nullptr;
  const agenthost_status st = json ? agenthost_metrics_json(cache, store, policy, &out)
                                   : agenthost_metrics_prometheus(cache, store, policy, &out);
  if (st != AGENTHOST_OK) throw_status(info.Env(), st);
  Napi::String result = Napi::String::New(info.Env(), out == nullptr ? "" : out);
  agenthost_free(out);
  return result;
}

Napi::Value metrics_prometheus(const Napi::CallbackInfo &info) {
  return render_metrics(info, false);
}
Napi::Value metrics_json(const Napi::CallbackInfo &info) { return render_metrics(info, true); }

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("setErrorFactory", Napi::Function::New(env, set_error_factory));
  exports.Set("version", Napi::Function::New(env, version));
  exports.Set("statusName", Napi::Function::New(env, status_name));
  exports.Set("metricsPrometheus", Napi::Function::New(env, metrics_prometheus));
  exports.Set("metricsJson", Napi::Function::New(env, metrics_json));
  init_cache(env, exports);
  init_sessions(env, exports);
  init_hooks(env, exports);
  return exports;
}

Napi::Value make_error(Napi::Env env, agenthost_status status, const std::string &message) {
  auto *data = env.GetInstanceData<AddonData>();
  const Napi::Value code = Napi::Number::New(env, static_cast<double>(status));
  const Napi::Value text = Napi::String::New(env, message);
  if (data == nullptr || data->error_factory.IsEmpty()) {
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", code);
    return e.Value();
  }
  return data->error_factory.Call({code, text});
}

void throw_status(Napi::Env env, agenthost_status status) {
  throw Napi::Error(env, make_error(env, status, agenthost_last_error()));
}

std::string text_arg(const Napi::CallbackInfo &info, size_t i) {
  return info[i].As<Napi::String>().Utf8Value();
}

std::optional<std::string> optional_text_arg(const Napi::CallbackInfo &info, size_t i) {
  if (info[i].IsNull() || info[i].IsUndefined()) return std::nullopt;
  return text_arg(info, i);
}

Napi::Promise CallWork::start(Napi::Env env, Run run, Done done) {
  auto *work = new CallWork(env, std::move(run), std::move(done));
  Napi::Promise promise = work->deferred_.Promise();
  work->Queue();  // the work deletes itself once settled
  return promise;
}

CallWork::CallWork(Napi::Env env, Run run, Done done)
    : Napi::AsyncWorker(env, "agenthost"),
      deferred_(Napi::Promise::Deferred::New(env)),
      run_(std::move(run)),
      done_(std::move(done)) {}

CallWork::~CallWork() {
  agenthost_free(owned);
  agenthost_session_page_free(page);
}

void CallWork::Execute() {
  status_ = run_(*this);
  if (status_ != AGENTHOST_OK) message_ = agenthost_last_error();  // this thread's, right now
}

void CallWork::OnOK() {
  Napi::Env env = Env();
  if (status_ != AGENTHOST_OK) {
    deferred_.Reject(make_error(env, status_, message_));
    return;
  }
  try {
    deferred_.Resolve(done_(env, *this));
  } catch (const Napi::Error &e) {
    deferred_.Reject(e.Value());
  }
}

void CallWork::OnError(const Napi::Error &e) { deferred_.Reject(e.Value()); }

}  // namespace agenthost_node

static Napi::Object InitAgenthost(Napi::Env env, Napi::Object exports) {
  return agenthost_node::init(env, exports);
}

NODE_API_MODULE(agenthost, InitAgenthost)
