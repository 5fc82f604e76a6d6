// extern "C" wrappers of agenthost::SessionStore. Every entry point runs inside capi::guard, so
// no exception crosses the boundary; sessions go out as JSON without the owner hash.
#include <agenthost/session_store.hpp>
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cache_handle.hpp"
#include "common/json_string.hpp"
#include "common/time.hpp"
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
  std::once_flag views_once;
  std::string times;                 // each session's created_at and updated_at, NUL-terminated
  std::vector<std::size_t> time_at;  // where session i's created_at starts in `times`
  std::vector<const char *> corrupt_ids;
};

namespace {

using agenthost::capi::copy_out;
using agenthost::capi::guard;
using agenthost::capi::null_argument;

std::optional<std::string> optional_key(const char *owner_api_key) {
  if (owner_api_key == nullptr) return std::nullopt;
  return std::string(owner_api_key);
}

agenthost::Error too_small(std::uint32_t struct_size, std::size_t needed) {
  return agenthost::Error(agenthost::Errc::invalid_argument,
                          "struct_size " + std::to_string(struct_size) + " is smaller than the " +
                              std::to_string(needed) + " bytes of this struct");
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

void build_views(agenthost_session_page &p) {
  p.times.clear();  // a failed earlier attempt may have left some
  p.time_at.clear();
  p.corrupt_ids.clear();
  p.times.reserve(p.page.sessions.size() * 66);
  for (const auto &session : p.page.sessions) {
    p.time_at.push_back(p.times.size());
    agenthost::detail::append_iso8601_utc(p.times, session.created_at.time_since_epoch().count());
    p.times += '\0';
    agenthost::detail::append_iso8601_utc(p.times, session.updated_at.time_since_epoch().count());
    p.times += '\0';
  }
  for (const auto &id : p.page.corrupt_ids) p.corrupt_ids.push_back(id.c_str());
}

// The sizes of the result structs as 0.2 declared them: the smallest a host may pass, for good
// (a later release appends fields, so sizeof grows, and hosts built against 0.2 keep working).
constexpr std::size_t kViewSize02 = offsetof(agenthost_session_view, metadata_json_len) +
                                    sizeof(agenthost_session_view::metadata_json_len);
constexpr std::size_t kMetaSize02 = offsetof(agenthost_session_page_meta, corrupt_ids) +
                                    sizeof(agenthost_session_page_meta::corrupt_ids);
static_assert(kViewSize02 <= sizeof(agenthost_session_view), "0.2 view fields moved");
static_assert(kMetaSize02 <= sizeof(agenthost_session_page_meta), "0.2 meta fields moved");

// Copies the fields of `full` that fit in the caller's struct_size and records how many bytes
// that was; false when struct_size is smaller than `minimum`, the struct of its first release.
template <typename Struct>
bool fill_sized(Struct *out, const Struct &full, std::size_t minimum) {
  const std::size_t size = std::min<std::size_t>(out->struct_size, sizeof(Struct));
  if (size < minimum) return false;
  std::memcpy(out, &full, size);
  out->struct_size = static_cast<std::uint32_t>(size);
  return true;
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

agenthost_status agenthost_session_page_view(const agenthost_session_page *p, size_t i,
                                             agenthost_session_view *out) {
  constexpr const char *fn = "agenthost_session_page_view";
  if (p == nullptr) return null_argument(fn, "p");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] {
    if (i >= p->page.sessions.size()) {
      throw agenthost::Error(agenthost::Errc::invalid_argument,
                             "session " + std::to_string(i) + " is beyond the page's " +
                                 std::to_string(p->page.sessions.size()));
    }
    auto &page = const_cast<agenthost_session_page &>(*p);  // a cache filled once, as for items
    std::call_once(page.views_once, build_views, page);
    const agenthost::Session &s = p->page.sessions[i];
    agenthost_session_view v{};
    v.id = s.id.c_str();
    v.id_len = s.id.size();
    v.model = s.model.c_str();
    v.model_len = s.model.size();
    v.status = agenthost::session_status_name(s.status);
    v.created_at = page.times.c_str() + page.time_at[i];
    v.updated_at = v.created_at + std::strlen(v.created_at) + 1;
    v.created_at_us = s.created_at.time_since_epoch().count();
    v.updated_at_us = s.updated_at.time_since_epoch().count();
    v.total_turns = s.total_turns;
    v.has_total_cost_usd = s.total_cost_usd ? 1 : 0;
    v.total_cost_usd = s.total_cost_usd.value_or(0.0);
    if (s.parent_session_id) {
      v.parent_session_id = s.parent_session_id->c_str();
      v.parent_session_id_len = s.parent_session_id->size();
    }
    if (s.metadata_json) {
      v.metadata_json = s.metadata_json->c_str();
      v.metadata_json_len = s.metadata_json->size();
    }
    if (!fill_sized(out, v, kViewSize02)) throw too_small(out->struct_size, kViewSize02);
  });
}

agenthost_status agenthost_session_page_describe(const agenthost_session_page *p,
                                                 agenthost_session_page_meta *out) {
  constexpr const char *fn = "agenthost_session_page_describe";
  if (p == nullptr) return null_argument(fn, "p");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] {
    auto &page = const_cast<agenthost_session_page &>(*p);
    std::call_once(page.views_once, build_views, page);
    agenthost_session_page_meta m{};
    m.count = p->page.sessions.size();
    m.total = p->page.total;
    m.page = p->page.page;
    m.page_size = p->page.page_size;
    m.next_cursor = p->page.next_cursor ? p->page.next_cursor->c_str() : nullptr;
    m.skipped_corrupt = p->page.skipped_corrupt;
    m.corrupt_id_count = page.corrupt_ids.size();
    m.corrupt_ids = page.corrupt_ids.empty() ? nullptr : page.corrupt_ids.data();
    if (!fill_sized(out, m, kMetaSize02)) throw too_small(out->struct_size, kMetaSize02);
  });
}

void agenthost_session_page_free(agenthost_session_page *p) { delete p; }

}  // extern "C"
