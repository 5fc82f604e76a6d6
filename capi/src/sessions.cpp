// extern "C" wrappers of agenthost::SessionStore. Every entry point runs inside capi::guard, so
// no exception crosses the boundary; sessions go out as JSON without the owner hash.
#include <agenthost/session_store.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cache_handle.hpp"
#include "common/json_string.hpp"
#include "guard.hpp"
#include "session_handle.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_requests.hpp"

// The page as SessionStore::list returned it; its JSON texts are built on first request only
// (a host that reads the whole page never pays for the items, and one that reads items never
// pays for the page), once, whichever thread asks first.
struct agenthost_session_page {
  agenthost::SessionPage page;
  std::once_flag items_once;
  std::vector<std::string> items;  // one JSON text per session
  std::once_flag json_once;
  std::string json;  // the whole page
};

namespace {

using agenthost::capi::copy_out;
using agenthost::capi::guard;
using agenthost::capi::null_argument;

std::optional<std::string> optional_key(const char *owner_api_key) {
  if (owner_api_key == nullptr) return std::nullopt;
  return std::string(owner_api_key);
}

[[noreturn]] void not_found(const char *id) {
  throw agenthost::Error(agenthost::Errc::not_found,
                         agenthost::SessionStore::not_found_message(id));
}

void build_items(agenthost_session_page &p) {
  p.items.clear();  // a failed earlier attempt may have left some
  p.items.reserve(p.page.sessions.size());
  for (const auto &session : p.page.sessions)
    p.items.push_back(agenthost::detail::encode_api(session));
}

void build_json(agenthost_session_page &p) {
  const agenthost::SessionPage &page = p.page;
  std::string &out = p.json;
  out.reserve(page.sessions.size() * 320 + 160);
  out = "{\"sessions\":[";
  for (std::size_t i = 0; i < page.sessions.size(); ++i) {
    if (i > 0) out += ',';
    agenthost::detail::append_api(out, page.sessions[i]);
  }
  out += "],\"total\":" + std::to_string(page.total);
  out += ",\"page\":" + std::to_string(page.page);
  out += ",\"page_size\":" + std::to_string(page.page_size);
  // Cursors are base64url and ids printable ASCII (validated): no escaping needed, but the one
  // escaping helper is used anyway so this stays correct if either ever changes.
  out += ",\"next_cursor\":";
  if (page.next_cursor)
    agenthost::detail::append_json_string(out, *page.next_cursor, "cursor");
  else
    out += "null";
  out += ",\"skipped_corrupt\":" + std::to_string(page.skipped_corrupt);
  out += ",\"corrupt_ids\":[";
  for (std::size_t i = 0; i < page.corrupt_ids.size(); ++i) {
    if (i > 0) out += ',';
    agenthost::detail::append_json_string(out, page.corrupt_ids[i], "id");
  }
  out += "]}";
}

// Runs build(p) once; false when it failed (out of memory), so the accessor returns NULL and a
// later call tries again.
template <typename Build>
bool build_once(std::once_flag &once, agenthost_session_page &p, Build build) noexcept {
  try {
    std::call_once(once, build, p);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

extern "C" {

agenthost_status agenthost_session_store_open(agenthost_cache_client *c, const char *options_json,
                                              agenthost_session_store **out) {
  constexpr const char *fn = "agenthost_session_store_open";
  if (out != nullptr) *out = nullptr;
  if (c == nullptr) return null_argument(fn, "c");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] {
    auto options = options_json == nullptr ? agenthost::SessionStoreOptions::from_env()
                                           : agenthost::detail::parse_store_options(options_json);
    auto handle = std::make_unique<agenthost_session_store>();
    handle->store = std::make_unique<agenthost::SessionStore>(agenthost::capi::cache_client_of(c),
                                                              std::move(options));
    *out = handle.release();
  });
}

void agenthost_session_store_close(agenthost_session_store *s) { delete s; }

agenthost_status agenthost_session_store_create(agenthost_session_store *s,
                                                const char *request_json, char **session_json) {
  constexpr const char *fn = "agenthost_session_store_create";
  if (session_json != nullptr) *session_json = nullptr;
  if (s == nullptr) return null_argument(fn, "s");
  if (request_json == nullptr) return null_argument(fn, "request_json");
  if (session_json == nullptr) return null_argument(fn, "session_json");
  return guard(fn, [&] {
    const auto session = s->store->create(agenthost::detail::parse_create_request(request_json));
    *session_json = copy_out(agenthost::detail::encode_api(session));
  });
}

agenthost_status agenthost_session_store_get(agenthost_session_store *s, const char *id,
                                             const char *owner_api_key, char **session_json) {
  constexpr const char *fn = "agenthost_session_store_get";
  if (session_json != nullptr) *session_json = nullptr;
  if (s == nullptr) return null_argument(fn, "s");
  if (id == nullptr) return null_argument(fn, "id");
  if (session_json == nullptr) return null_argument(fn, "session_json");
  return guard(fn, [&] {
    const auto session = s->store->get(id, optional_key(owner_api_key));
    if (!session) not_found(id);
    *session_json = copy_out(agenthost::detail::encode_api(*session));
  });
}

agenthost_status agenthost_session_store_update(agenthost_session_store *s, const char *id,
                                                const char *owner_api_key, const char *patch_json,
                                                char **session_json) {
  constexpr const char *fn = "agenthost_session_store_update";
  if (session_json != nullptr) *session_json = nullptr;
  if (s == nullptr) return null_argument(fn, "s");
  if (id == nullptr) return null_argument(fn, "id");
  if (patch_json == nullptr) return null_argument(fn, "patch_json");
  if (session_json == nullptr) return null_argument(fn, "session_json");
  return guard(fn, [&] {
    const auto patch = agenthost::detail::parse_session_patch(patch_json);
    const auto session = s->store->update(id, patch, optional_key(owner_api_key));
    *session_json = copy_out(agenthost::detail::encode_api(session));
  });
}

agenthost_status agenthost_session_store_delete(agenthost_session_store *s, const char *id,
                                                const char *owner_api_key) {
  constexpr const char *fn = "agenthost_session_store_delete";
  if (s == nullptr) return null_argument(fn, "s");
  if (id == nullptr) return null_argument(fn, "id");
  return guard(fn, [&] {
    if (!s->store->remove(id, optional_key(owner_api_key))) not_found(id);
  });
}

agenthost_status agenthost_session_store_reindex(agenthost_session_store *s, uint64_t *indexed) {
  constexpr const char *fn = "agenthost_session_store_reindex";
  if (indexed != nullptr) *indexed = 0;
  if (s == nullptr) return null_argument(fn, "s");
  if (indexed == nullptr) return null_argument(fn, "indexed");
  return guard(fn, [&] { *indexed = s->store->reindex(); });
}

agenthost_status agenthost_session_store_list(agenthost_session_store *s, const char *query_json,
                                              agenthost_session_page **out) {
  constexpr const char *fn = "agenthost_session_store_list";
  if (out != nullptr) *out = nullptr;
  if (s == nullptr) return null_argument(fn, "s");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] {
    const auto query = query_json == nullptr ? agenthost::ListQuery{}
                                             : agenthost::detail::parse_list_query(query_json);
    auto page = std::make_unique<agenthost_session_page>();
    page->page = s->store->list(query);
    *out = page.release();
  });
}

size_t agenthost_session_page_count(const agenthost_session_page *p) {
  return p == nullptr ? 0 : p->page.sessions.size();
}

uint64_t agenthost_session_page_total(const agenthost_session_page *p) {
  return p == nullptr ? 0 : p->page.total;
}

const char *agenthost_session_page_item(const agenthost_session_page *p, size_t i, size_t *len) {
  if (len != nullptr) *len = 0;
  if (p == nullptr || i >= p->page.sessions.size()) return nullptr;
  // The page is immutable to the host; the texts are a cache filled once, under call_once.
  auto &page = const_cast<agenthost_session_page &>(*p);
  if (!build_once(page.items_once, page, build_items)) return nullptr;
  if (len != nullptr) *len = page.items[i].size();
  return page.items[i].c_str();
}

const char *agenthost_session_page_json(const agenthost_session_page *p, size_t *len) {
  if (len != nullptr) *len = 0;
  if (p == nullptr) return nullptr;
  auto &page = const_cast<agenthost_session_page &>(*p);
  if (!build_once(page.json_once, page, build_json)) return nullptr;
  if (len != nullptr) *len = page.json.size();
  return page.json.c_str();
}

void agenthost_session_page_free(agenthost_session_page *p) { delete p; }

}  // extern "C"
