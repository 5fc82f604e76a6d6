// Cache: open/close on the JS thread (no connection is made there), every command on libuv's
// thread pool.
#include "addon.hpp"

namespace agenthost_node {
namespace {

using Client = agenthost_cache_client;

// opts: {max_connections?, connect_timeout_ms?, socket_timeout_ms?, pool_wait_timeout_ms?,
// tls_*?: string, tls_insecure_skip_verify?: bool}, checked by lib/cache.js.
Napi::Value cache_open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Client *out = nullptr;
  agenthost_status st;
  if (info[0].IsNull()) {
    st = agenthost_cache_client_open_env(&out);
  } else {
    const std::string url = text_arg(info, 0);
    const Napi::Object o = info[1].As<Napi::Object>();
    agenthost_cache_options opts;
    agenthost_cache_options_init(&opts);
    auto number = [&](const char *name, uint32_t &field) {
      if (o.Has(name)) field = o.Get(name).As<Napi::Number>().Uint32Value();
    };
    number("max_connections", opts.max_connections);
    number("connect_timeout_ms", opts.connect_timeout_ms);
    number("socket_timeout_ms", opts.socket_timeout_ms);
    number("pool_wait_timeout_ms", opts.pool_wait_timeout_ms);
    std::string texts[5];
    const char *names[5] = {"tls_ca_file", "tls_ca_dir", "tls_cert_file", "tls_key_file",
                            "tls_server_name"};
    const char **fields[5] = {&opts.tls_ca_file, &opts.tls_ca_dir, &opts.tls_cert_file,
                              &opts.tls_key_file, &opts.tls_server_name};
    for (int i = 0; i < 5; ++i) {
      if (!o.Has(names[i])) continue;
      texts[i] = o.Get(names[i]).As<Napi::String>().Utf8Value();
      *fields[i] = texts[i].c_str();
    }
    if (o.Has("tls_insecure_skip_verify")) {
      opts.tls_insecure_skip_verify = o.Get("tls_insecure_skip_verify").ToBoolean() ? 1 : 0;
    }
    st = agenthost_cache_client_open(url.c_str(), &opts, &out);
  }
  if (st != AGENTHOST_OK) throw_status(env, st);
  return Napi::External<Client>::New(env, out);
}

Napi::Value cache_close(const Napi::CallbackInfo &info) {
  agenthost_cache_client_close(handle_arg<Client>(info, 0));
  return info.Env().Undefined();
}

Napi::Value undefined_result(Napi::Env env, CallWork &) { return env.Undefined(); }

Napi::Value cache_ping(const Napi::CallbackInfo &info) {
  Client *c = handle_arg<Client>(info, 0);
  return CallWork::start(
      info.Env(), [c](CallWork &) { return agenthost_cache_client_ping(c); }, undefined_result);
}

Napi::Value cache_get(const Napi::CallbackInfo &info) {
  Client *c = handle_arg<Client>(info, 0);
  std::string key = text_arg(info, 1);
  return CallWork::start(
      info.Env(),
      [c, key = std::move(key)](CallWork &w) {
        const agenthost_status st = agenthost_cache_client_get(c, key.c_str(), &w.owned, &w.length);
        w.flag = st == AGENTHOST_NOT_FOUND;
        return st == AGENTHOST_NOT_FOUND ? AGENTHOST_OK : st;
      },
      [](Napi::Env env, CallWork &w) -> Napi::Value {
        if (w.flag) return env.Null();
        char *data = w.owned;
        w.owned = nullptr;  // the Buffer owns it now
        // NewOrCopy copies (and frees `data`) where external buffers are not allowed.
        const Napi::Buffer<char> buffer = Napi::Buffer<char>::NewOrCopy(
            env, data, w.length, [](Napi::Env, char *p) { agenthost_free(p); });
        return Napi::Value(env, buffer);
      });
}

Napi::Value cache_set(const Napi::CallbackInfo &info) {
  Client *c = handle_arg<Client>(info, 0);
  std::string key = text_arg(info, 1);
  std::string value;
  if (info[2].IsBuffer()) {
    auto b = info[2].As<Napi::Buffer<char>>();
    value.assign(b.Data(), b.Length());
  } else {
    value = text_arg(info, 2);
  }
  const uint32_t ttl = info[3].As<Napi::Number>().Uint32Value();
  return CallWork::start(
      info.Env(),
      [c, key = std::move(key), value = std::move(value), ttl](CallWork &) {
        return agenthost_cache_client_set(c, key.c_str(), value.data(), value.size(), ttl);
      },
      undefined_result);
}

Napi::Value cache_del(const Napi::CallbackInfo &info) {
  Client *c = handle_arg<Client>(info, 0);
  std::string key = text_arg(info, 1);
  return CallWork::start(
      info.Env(),
      [c, key = std::move(key)](CallWork &w) {
        return agenthost_cache_client_del(c, key.c_str(), &w.flag);
      },
      [](Napi::Env env, CallWork &w) -> Napi::Value { return Napi::Boolean::New(env, w.flag); });
}

}  // namespace

void init_cache(Napi::Env env, Napi::Object exports) {
  exports.Set("cacheOpen", Napi::Function::New(env, cache_open));
  exports.Set("cacheClose", Napi::Function::New(env, cache_close));
  exports.Set("cachePing", Napi::Function::New(env, cache_ping));
  exports.Set("cacheGet", Napi::Function::New(env, cache_get));
  exports.Set("cacheSet", Napi::Function::New(env, cache_set));
  exports.Set("cacheDel", Napi::Function::New(env, cache_del));
}

}  // namespace agenthost_node
