// extern "C" wrappers of agenthost::CacheClient. Every entry point checks its pointers, then runs
// inside capi::guard, so no exception crosses the boundary.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <memory>

#include "cache_handle.hpp"
#include "guard.hpp"

namespace {

using agenthost::capi::guard;
using agenthost::capi::has_field;
using agenthost::capi::null_argument;

// The C option struct's known fields, in order. A caller built against an older (shorter) or
// newer (longer) header passes its own struct_size; fields beyond it keep their defaults.
constexpr std::size_t kKnownSize = sizeof(agenthost_cache_options);
constexpr std::size_t kMinimumSize =
    offsetof(agenthost_cache_options, max_connections) + sizeof(std::uint32_t);

// The struct as 0.1 declared it (the fields before the TLS ones).
constexpr std::size_t kFirstVersionSize =
    offsetof(agenthost_cache_options, pool_wait_timeout_ms) + sizeof(std::uint32_t);

// The defaults, in the fields that fit in `size` bytes; struct_size = the bytes filled.
void fill_defaults(agenthost_cache_options *opts, std::size_t size) {
  using O = agenthost_cache_options;
  const agenthost::CacheOptions defaults;
  const auto u32 = [&](std::size_t offset, std::uint32_t O::*field, std::uint32_t value) {
    if (has_field<std::uint32_t>(size, offset)) opts->*field = value;
  };
  const auto text = [&](std::size_t offset, const char *O::*field) {
    if (has_field<const char *>(size, offset)) opts->*field = nullptr;
  };
  const auto ms = [](std::chrono::milliseconds v) { return static_cast<std::uint32_t>(v.count()); };
  u32(offsetof(O, struct_size), &O::struct_size,
      static_cast<std::uint32_t>(size >= kKnownSize ? kKnownSize : size));
  u32(offsetof(O, max_connections), &O::max_connections, defaults.max_connections);
  u32(offsetof(O, connect_timeout_ms), &O::connect_timeout_ms, ms(defaults.connect_timeout));
  u32(offsetof(O, socket_timeout_ms), &O::socket_timeout_ms, ms(defaults.socket_timeout));
  u32(offsetof(O, pool_wait_timeout_ms), &O::pool_wait_timeout_ms, ms(defaults.pool_wait_timeout));
  text(offsetof(O, tls_ca_file), &O::tls_ca_file);
  text(offsetof(O, tls_ca_dir), &O::tls_ca_dir);
  text(offsetof(O, tls_cert_file), &O::tls_cert_file);
  text(offsetof(O, tls_key_file), &O::tls_key_file);
  text(offsetof(O, tls_server_name), &O::tls_server_name);
  u32(offsetof(O, tls_insecure_skip_verify), &O::tls_insecure_skip_verify, 0);
}

// A field beyond the caller's struct_size is never read: a shorter struct ends before it.
void read_tls(const agenthost_cache_options *opts, std::size_t size, agenthost::TlsOptions *tls) {
  using O = agenthost_cache_options;
  const auto copy = [&](std::size_t offset, const char *const O::*field, std::string *into) {
    if (has_field<const char *>(size, offset) && opts->*field != nullptr) *into = opts->*field;
  };
  copy(offsetof(O, tls_ca_file), &O::tls_ca_file, &tls->ca_file);
  copy(offsetof(O, tls_ca_dir), &O::tls_ca_dir, &tls->ca_dir);
  copy(offsetof(O, tls_cert_file), &O::tls_cert_file, &tls->cert_file);
  copy(offsetof(O, tls_key_file), &O::tls_key_file, &tls->key_file);
  copy(offsetof(O, tls_server_name), &O::tls_server_name, &tls->server_name);
  if (has_field<std::uint32_t>(size, offsetof(O, tls_insecure_skip_verify))) {
    const std::uint32_t skip = opts->tls_insecure_skip_verify;
    if (skip > 1) {
      throw agenthost::Error(agenthost::Errc::invalid_argument,
                             "opts->tls_insecure_skip_verify must be 0 or 1");
    }
    tls->insecure_skip_verify = skip == 1;
  }
}

agenthost::CacheOptions to_options(const char *url, const agenthost_cache_options *opts) {
  agenthost::CacheOptions options;
  options.url = url;
  if (opts == nullptr) return options;
  const std::size_t size = agenthost::capi::option_struct_size(
      "agenthost_cache_options", opts->struct_size, kKnownSize, kMinimumSize);
  using ms = std::chrono::milliseconds;
  using O = agenthost_cache_options;
  if (has_field<std::uint32_t>(size, offsetof(O, max_connections))) {
    options.max_connections = opts->max_connections;
  }
  if (has_field<std::uint32_t>(size, offsetof(O, connect_timeout_ms))) {
    options.connect_timeout = ms(opts->connect_timeout_ms);
  }
  if (has_field<std::uint32_t>(size, offsetof(O, socket_timeout_ms))) {
    options.socket_timeout = ms(opts->socket_timeout_ms);
  }
  if (has_field<std::uint32_t>(size, offsetof(O, pool_wait_timeout_ms))) {
    options.pool_wait_timeout = ms(opts->pool_wait_timeout_ms);
  }
  read_tls(opts, size, &options.tls);
  return options;
}

void open_into(agenthost::CacheOptions options, agenthost_cache_client **out) {
  auto handle = std::unique_ptr<agenthost_cache_client>(
      new agenthost_cache_client{agenthost::CacheClient(std::move(options))});
  *out = handle.release();
}

}  // namespace

extern "C" {

void agenthost_cache_options_init_sized(agenthost_cache_options *opts, size_t size) {
  if (opts == nullptr) return;
  fill_defaults(opts, std::min(size, kKnownSize));
}

// The exported function: its callers (bindings, hosts built against the 0.1 struct) pass no
// size; their structs end at kFirstVersionSize.
void(agenthost_cache_options_init)(agenthost_cache_options *opts) {
  if (opts == nullptr) return;
  fill_defaults(opts, kFirstVersionSize);
}

agenthost_status agenthost_cache_client_open(const char *url, const agenthost_cache_options *opts,
                                             agenthost_cache_client **out) {
  constexpr const char *fn = "agenthost_cache_client_open";
  if (out != nullptr) *out = nullptr;
  if (url == nullptr) return null_argument(fn, "url");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] { open_into(to_options(url, opts), out); });
}

agenthost_status agenthost_cache_client_open_env(agenthost_cache_client **out) {
  constexpr const char *fn = "agenthost_cache_client_open_env";
  if (out == nullptr) return null_argument(fn, "out");
  *out = nullptr;
  return guard(fn, [&] { open_into(agenthost::CacheOptions::from_env(), out); });
}

void agenthost_cache_client_close(agenthost_cache_client *c) { delete c; }

agenthost_status agenthost_cache_client_ping(agenthost_cache_client *c) {
  constexpr const char *fn = "agenthost_cache_client_ping";
  if (c == nullptr) return null_argument(fn, "c");
  return guard(fn, [&] { c->client.ping(); });
}

agenthost_status agenthost_cache_client_set(agenthost_cache_client *c, const char *key,
                                            const char *value, size_t len, uint32_t ttl_s) {
  constexpr const char *fn = "agenthost_cache_client_set";
  if (c == nullptr) return null_argument(fn, "c");
  if (key == nullptr) return null_argument(fn, "key");
  if (value == nullptr) return null_argument(fn, "value");
  return guard(
      fn, [&] { c->client.set(key, std::string_view(value, len), std::chrono::seconds(ttl_s)); });
}

agenthost_status agenthost_cache_client_get(agenthost_cache_client *c, const char *key,
                                            char **value, size_t *len) {
  constexpr const char *fn = "agenthost_cache_client_get";
  if (value != nullptr) *value = nullptr;
  if (len != nullptr) *len = 0;
  if (c == nullptr) return null_argument(fn, "c");
  if (key == nullptr) return null_argument(fn, "key");
  if (value == nullptr) return null_argument(fn, "value");
  if (len == nullptr) return null_argument(fn, "len");
  return guard(fn, [&] {
    auto found = c->client.get(key);
    if (!found) {
      throw agenthost::Error(agenthost::Errc::not_found, fmt::format("key '{}' not found", key));
    }
    *value = agenthost::capi::copy_out(*found);
    *len = found->size();
  });
}

agenthost_status agenthost_cache_client_del(agenthost_cache_client *c, const char *key,
                                            int *removed) {
  constexpr const char *fn = "agenthost_cache_client_del";
  if (removed != nullptr) *removed = 0;
  if (c == nullptr) return null_argument(fn, "c");
  if (key == nullptr) return null_argument(fn, "key");
  return guard(fn, [&] {
    bool existed = c->client.del(std::string_view(key)) > 0;
    if (removed != nullptr) *removed = existed ? 1 : 0;
  });
}

}  // extern "C"
