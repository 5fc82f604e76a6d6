// SessionStore: open/close on the JS thread (no connection is made there), every call on libuv's
// thread pool. A listing page becomes JS objects either from the page's views (no JSON but one
// JSON.parse of all the metadata objects together) or from the page JSON, built on the pool
// thread and parsed on the JS thread; lib/sessions.js picks the faster (docs/node.md).
#include <cstring>
#include <memory>
#include <vector>

#include "addon.hpp"

namespace agenthost_node {
namespace {

using Store = agenthost_session_store;

Napi::Value store_open(const Napi::CallbackInfo &info) {
  auto *cache = handle_arg<agenthost_cache_client>(info, 0);
  const std::optional<std::string> options = optional_text_arg(info, 1);
  Store *out = nullptr;
  const agenthost_status st =
      agenthost_session_store_open(cache, options ? options->c_str() : nullptr, &out);
  if (st != AGENTHOST_OK) throw_status(info.Env(), st);
  return Napi::External<Store>::New(info.Env(), out);
}

Napi::Value store_close(const Napi::CallbackInfo &info) {
  agenthost_session_store_close(handle_arg<Store>(info, 0));
  return info.Env().Undefined();
}

// The session JSON the call returned, as a string for JSON.parse.
Napi::Value owned_text(Napi::Env env, CallWork &w) {
  return Napi::String::New(env, w.owned == nullptr ? "null" : w.owned);
}

const char *c_str(const std::optional<std::string> &s) { return s ? s->c_str() : nullptr; }

Napi::Value store_create(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  std::string request = text_arg(info, 1);
  return CallWork::start(
      info.Env(),
      [s, request = std::move(request)](CallWork &w) {
        return agenthost_session_store_create(s, request.c_str(), &w.owned);
      },
      owned_text);
}

Napi::Value store_get(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  std::string id = text_arg(info, 1);
  std::optional<std::string> owner = optional_text_arg(info, 2);
  return CallWork::start(
      info.Env(),
      [s, id = std::move(id), owner = std::move(owner)](CallWork &w) {
        return agenthost_session_store_get(s, id.c_str(), c_str(owner), &w.owned);
      },
      owned_text);
}

Napi::Value store_update(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  std::string id = text_arg(info, 1);
  std::optional<std::string> owner = optional_text_arg(info, 2);
  std::string patch = text_arg(info, 3);
  return CallWork::start(
      info.Env(),
      [s, id = std::move(id), owner = std::move(owner), patch = std::move(patch)](CallWork &w) {
        return agenthost_session_store_update(s, id.c_str(), c_str(owner), patch.c_str(), &w.owned);
      },
      owned_text);
}

Napi::Value store_delete(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  std::string id = text_arg(info, 1);
  std::optional<std::string> owner = optional_text_arg(info, 2);
  return CallWork::start(
      info.Env(),
      [s, id = std::move(id), owner = std::move(owner)](CallWork &) {
        return agenthost_session_store_delete(s, id.c_str(), c_str(owner));
      },
      [](Napi::Env env, CallWork &) -> Napi::Value { return env.Undefined(); });
}

Napi::Value store_reindex(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  return CallWork::start(
      info.Env(), [s](CallWork &w) { return agenthost_session_store_reindex(s, &w.count); },
      [](Napi::Env env, CallWork &w) -> Napi::Value {
        return Napi::Number::New(env, static_cast<double>(w.count));
      });
}

// ---- pages as objects from the views ------------------------------------------------------

// The keys, created once per page and set by value (napi_set_property), in the JSON's order.
struct Keys {
  explicit Keys(Napi::Env env) {
    static const char *const names[] = {
        "id",         "model",       "status",          "created_at",
        "updated_at", "total_turns", "total_cost_usd",  "parent_session_id",
        "metadata",   "sessions",    "total",           "page",
        "page_size",  "next_cursor", "skipped_corrupt", "corrupt_ids"};
    for (size_t i = 0; i < kCount; ++i) k[i] = Napi::String::New(env, names[i]);
  }
  static constexpr size_t kCount = 16;
  Napi::String k[kCount];
};
enum Key {
  kId,
  kModel,
  kStatus,
  kCreated,
  kUpdated,
  kTurns,
  kCost,
  kParent,
  kMetadata,
  kSessions,
  kTotal,
  kPage,
  kPageSize,
  kNext,
  kSkipped,
  kCorrupt
};

Napi::Value text_or_null(Napi::Env env, const char *s, size_t len) {
  if (s == nullptr) return env.Null();
  return Napi::String::New(env, s, len);
}

[[noreturn]] void page_failed(Napi::Env env, agenthost_status st) { throw_status(env, st); }

// "[m0,m1,...]" of the page's metadata texts (null where absent), parsed with one JSON.parse.
Napi::Array page_metadata(Napi::Env env, const agenthost_session_page *page, size_t count) {
  std::string texts = "[";
  for (size_t i = 0; i < count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    const agenthost_status st = agenthost_session_page_view(page, i, &v);
    if (st != AGENTHOST_OK) page_failed(env, st);
    if (i > 0) texts += ',';
    if (v.metadata_json == nullptr) {
      texts += "null";
    } else {
      texts.append(v.metadata_json, v.metadata_json_len);
    }
  }
  texts += ']';
  Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
  Napi::Function parse = json.Get("parse").As<Napi::Function>();
  return parse.Call(json, {Napi::String::New(env, texts)}).As<Napi::Array>();
}

Napi::Object session_object(Napi::Env env, const Keys &keys, const agenthost_session_view &v,
                            Napi::Value metadata) {
  Napi::Object o = Napi::Object::New(env);
  o.Set(keys.k[kId], Napi::String::New(env, v.id, v.id_len));
  o.Set(keys.k[kModel], Napi::String::New(env, v.model, v.model_len));
  o.Set(keys.k[kStatus], Napi::String::New(env, v.status));
  o.Set(keys.k[kCreated], Napi::String::New(env, v.created_at));
  o.Set(keys.k[kUpdated], Napi::String::New(env, v.updated_at));
  o.Set(keys.k[kTurns], Napi::Number::New(env, static_cast<double>(v.total_turns)));
  o.Set(keys.k[kCost],
        v.has_total_cost_usd ? Napi::Number::New(env, v.total_cost_usd) : env.Null());
  o.Set(keys.k[kParent], text_or_null(env, v.parent_session_id, v.parent_session_id_len));
  o.Set(keys.k[kMetadata], metadata);
  return o;
}

Napi::Value page_object(Napi::Env env, const agenthost_session_page *page) {
  agenthost_session_page_meta m;
  m.struct_size = sizeof m;
  agenthost_status st = agenthost_session_page_describe(page, &m);
  if (st != AGENTHOST_OK) page_failed(env, st);
  const Keys keys(env);
  Napi::Array metadata = page_metadata(env, page, m.count);
  Napi::Array sessions = Napi::Array::New(env, m.count);
  for (size_t i = 0; i < m.count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    st = agenthost_session_page_view(page, i, &v);
    if (st != AGENTHOST_OK) page_failed(env, st);
    sessions.Set(static_cast<uint32_t>(i),
                 session_object(env, keys, v, metadata.Get(static_cast<uint32_t>(i))));
  }
  Napi::Array corrupt = Napi::Array::New(env, m.corrupt_id_count);
  for (size_t i = 0; i < m.corrupt_id_count; ++i) {
    corrupt.Set(static_cast<uint32_t>(i), Napi::String::New(env, m.corrupt_ids[i]));
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set(keys.k[kSessions], sessions);
  o.Set(keys.k[kTotal], Napi::Number::New(env, static_cast<double>(m.total)));
  o.Set(keys.k[kPage], Napi::Number::New(env, m.page));
  o.Set(keys.k[kPageSize], Napi::Number::New(env, m.page_size));
  o.Set(keys.k[kNext],
        m.next_cursor == nullptr ? env.Null() : Napi::String::New(env, m.next_cursor));
  o.Set(keys.k[kSkipped], Napi::Number::New(env, static_cast<double>(m.skipped_corrupt)));
  o.Set(keys.k[kCorrupt], corrupt);
  return o;
}

// ---- pages as one string plus offsets, read from the views off the JS thread ----------------
//
// The pool thread reads the page's views into one UTF-8 text (each session's id, model, status,
// created_at, updated_at and parent id, then the corrupt ids, the next cursor, and last "[m0,...]"
// of the metadata objects), the UTF-16 offsets where each of these texts ends, and the numbers.
// The JS thread then makes one string, and lib/sessions.js slices it into the page's objects
// with one JSON.parse of the metadata array: no per-field Node-API call.
struct PageBlob {
  std::string text;
  std::vector<uint32_t> ends;  // UTF-16 offsets
  std::vector<double> numbers;
  uint32_t units = 0;  // UTF-16 length of text so far

  void add(const char *s, size_t len) {
    text.append(s, len);
    for (size_t i = 0; i < len; ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if ((b & 0xC0) != 0x80) ++units;  // a code point starts
      if (b >= 0xF0) ++units;           // outside the BMP: a surrogate pair
    }
  }
  void field(const char *s, size_t len) {
    if (s != nullptr) add(s, len);
    ends.push_back(units);
  }
};

agenthost_status fill_blob(const agenthost_session_page *page, PageBlob &b) {
  agenthost_session_page_meta m;
  m.struct_size = sizeof m;
  agenthost_status st = agenthost_session_page_describe(page, &m);
  if (st != AGENTHOST_OK) return st;
  b.numbers = {static_cast<double>(m.count),
               static_cast<double>(m.total),
               static_cast<double>(m.page),
               static_cast<double>(m.page_size),
               static_cast<double>(m.skipped_corrupt),
               static_cast<double>(m.corrupt_id_count),
               m.next_cursor == nullptr ? 0.0 : 1.0};
  b.text.reserve(m.count * 200);
  std::string metadata = "[";
  for (size_t i = 0; i < m.count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    st = agenthost_session_page_view(page, i, &v);
    if (st != AGENTHOST_OK) return st;
    b.field(v.id, v.id_len);
    b.field(v.model, v.model_len);
    b.field(v.status, std::strlen(v.status));
    b.field(v.created_at, std::strlen(v.created_at));
    b.field(v.updated_at, std::strlen(v.updated_at));
    b.field(v.parent_session_id, v.parent_session_id_len);
    b.numbers.push_back(static_cast<double>(v.total_turns));
    b.numbers.push_back(v.has_total_cost_usd ? v.total_cost_usd : 0.0);
    b.numbers.push_back((v.has_total_cost_usd ? 1.0 : 0.0) + (v.parent_session_id ? 2.0 : 0.0));
    if (i > 0) metadata += ',';
    if (v.metadata_json == nullptr) {
      metadata += "null";
    } else {
      metadata.append(v.metadata_json, v.metadata_json_len);
    }
  }
  metadata += ']';
  for (size_t i = 0; i < m.corrupt_id_count; ++i) {
    b.field(m.corrupt_ids[i], std::strlen(m.corrupt_ids[i]));
  }
  b.field(m.next_cursor, m.next_cursor == nullptr ? 0 : std::strlen(m.next_cursor));
  b.add(metadata.data(), metadata.size());
  return AGENTHOST_OK;
}

template <typename T, typename Array>
Array typed_copy(Napi::Env env, const std::vector<T> &values) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(buffer.Data(), values.data(), values.size() * sizeof(T));
  return Array::New(env, values.size(), buffer, 0);
}

Napi::Value blob_value(Napi::Env env, const PageBlob &b) {
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::String::New(env, b.text));
  out.Set(1u, typed_copy<uint32_t, Napi::Uint32Array>(env, b.ends));
  out.Set(2u, typed_copy<double, Napi::Float64Array>(env, b.numbers));
  return out;
}

// list(store, query_json|null, mode): the page as an object built from the views (mode 1), as
// [text, ends, numbers] (mode 2, PageBlob), or as the page's JSON text (mode 0; built on the pool
// thread) for JSON.parse.
Napi::Value store_list(const Napi::CallbackInfo &info) {
  Store *s = handle_arg<Store>(info, 0);
  std::optional<std::string> query = optional_text_arg(info, 1);
  const int mode = info[2].As<Napi::Number>().Int32Value();
  const bool views = mode == 1;
  auto blob = std::make_shared<PageBlob>();
  return CallWork::start(
      info.Env(),
      [s, query = std::move(query), views, mode, blob](CallWork &w) {
        agenthost_status st = agenthost_session_store_list(s, c_str(query), &w.page);
        if (st != AGENTHOST_OK || views) return st;
        if (mode == 2) return fill_blob(w.page, *blob);
        // Built here, off the JS thread; the page keeps it for `done` below.
        return agenthost_session_page_json(w.page, &w.length) == nullptr ? AGENTHOST_INTERNAL : st;
      },
      [views, mode, blob](Napi::Env env, CallWork &w) -> Napi::Value {
        if (views) return page_object(env, w.page);
        if (mode == 2) return blob_value(env, *blob);
        return Napi::String::New(env, agenthost_session_page_json(w.page, nullptr), w.length);
      });
}

}  // namespace

void init_sessions(Napi::Env env, Napi::Object exports) {
  exports.Set("storeOpen", Napi::Function::New(env, store_open));
  exports.Set("storeClose", Napi::Function::New(env, store_close));
  exports.Set("storeCreate", Napi::Function::New(env, store_create));
  exports.Set("storeGet", Napi::Function::New(env, store_get));
  exports.Set("storeUpdate", Napi::Function::New(env, store_update));
  exports.Set("storeDelete", Napi::Function::New(env, store_delete));
  exports.Set("storeReindex", Napi::Function::New(env, store_reindex));
  exports.Set("storeList", Napi::Function::New(env, store_list));
}

}  // namespace agenthost_node
