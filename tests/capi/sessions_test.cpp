// The SessionStore C ABI. Compiled three times from this one source: against memory://, (with
// AGENTHOST_SESSIONS_ON_REDIS) against the shared redis-server fixture and (with
// AGENTHOST_SESSIONS_ON_CLUSTER) against the shared Redis Cluster.
#include <agenthost.h>

#include "support/test_env.hpp"
#if defined(AGENTHOST_SESSIONS_ON_REDIS) || defined(AGENTHOST_SESSIONS_ON_CLUSTER)
#define AGENTHOST_CAPI_SESSIONS_ON_SERVER 1
#include <agenthost/cache_client.hpp>
#endif
#ifdef AGENTHOST_SESSIONS_ON_CLUSTER
#include "support/redis_cluster.hpp"
#endif

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <set>
#include <string>

namespace {

std::string url() {
#if defined(AGENTHOST_SESSIONS_ON_REDIS)
  return agenthost::test::shared_redis_url();
#elif defined(AGENTHOST_SESSIONS_ON_CLUSTER)
  return agenthost::test::shared_cluster_url();
#else
  return "memory://";
#endif
}

constexpr const char *kOwner = "sk-capi-owner";

// A cache client and a store under a unique prefix, closed at the end of the test.
struct Handles {
  agenthost_cache_client *cache = nullptr;
  agenthost_session_store *store = nullptr;
  std::string prefix = agenthost::test::unique_prefix("capi-sessions");

  Handles() {
    REQUIRE(agenthost_cache_client_open(url().c_str(), nullptr, &cache) == AGENTHOST_OK);
    const std::string options = "{\"key_prefix\":\"" + prefix + "session:\",\"index_prefix\":\"" +
                                prefix + "sessions:\",\"ttl_s\":600}";
    REQUIRE(agenthost_session_store_open(cache, options.c_str(), &store) == AGENTHOST_OK);
  }
  ~Handles() {
    agenthost_session_store_close(store);
    agenthost_cache_client_close(cache);
  }
};

// Takes ownership of a library-allocated string.
std::string take(char *s) {
  REQUIRE(s != nullptr);
  std::string out(s);
  agenthost_free(s);
  return out;
}

// The string value of "field" in a flat JSON text produced by the library (ids and cursors
// contain no escapes), or "null".
std::string field(const std::string &json, const std::string &name) {
  const std::string key = "\"" + name + "\":";
  const auto at = json.find(key);
  REQUIRE(at != std::string::npos);
  const auto start = at + key.size();
  if (json.compare(start, 4, "null") == 0) return "null";
  if (json[start] != '"') return json.substr(start, json.find_first_of(",}", start) - start);
  return json.substr(start + 1, json.find('"', start + 1) - start - 1);
}

std::string create(Handles &h, const std::string &request) {
  char *out = nullptr;
  REQUIRE(agenthost_session_store_create(h.store, request.c_str(), &out) == AGENTHOST_OK);
  return take(out);
}

std::uint64_t total(Handles &h, const char *query = nullptr) {
  agenthost_session_page *page = nullptr;
  REQUIRE(agenthost_session_store_list(h.store, query, &page) == AGENTHOST_OK);
  const std::uint64_t n = agenthost_session_page_total(page);
  agenthost_session_page_free(page);
  return n;
}

}  // namespace

TEST_CASE("capi sessions: NULL arguments are invalid_argument naming the argument") {
  Handles h;
  char *json = reinterpret_cast<char *>(1);
  agenthost_session_store *store = reinterpret_cast<agenthost_session_store *>(1);
  CHECK(agenthost_session_store_open(nullptr, nullptr, &store) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(store == nullptr);
  CHECK(std::string(agenthost_last_error()).find("c is NULL") != std::string::npos);
  CHECK(agenthost_session_store_open(h.cache, nullptr, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_create(nullptr, "{\"model\":\"m\"}", &json) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(json == nullptr);
  CHECK(agenthost_session_store_create(h.store, nullptr, &json) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("request_json is NULL") != std::string::npos);
  CHECK(agenthost_session_store_create(h.store, "{\"model\":\"m\"}", nullptr) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_get(h.store, nullptr, nullptr, &json) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("id is NULL") != std::string::npos);
  CHECK(agenthost_session_store_get(h.store, "x", nullptr, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_update(h.store, nullptr, nullptr, "{}", &json) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_update(h.store, "x", nullptr, nullptr, &json) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_update(h.store, "x", nullptr, "{}", nullptr) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_delete(h.store, nullptr, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_delete(nullptr, "x", nullptr) == AGENTHOST_INVALID_ARGUMENT);
  std::uint64_t indexed = 7;
  CHECK(agenthost_session_store_reindex(nullptr, &indexed) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(indexed == 0);
  CHECK(agenthost_session_store_reindex(h.store, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  agenthost_session_page *page = reinterpret_cast<agenthost_session_page *>(1);
  CHECK(agenthost_session_store_list(nullptr, nullptr, &page) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(page == nullptr);
  CHECK(agenthost_session_store_list(h.store, nullptr, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_page_count(nullptr) == 0);
  CHECK(agenthost_session_page_total(nullptr) == 0);
  std::size_t len = 5;
  CHECK(agenthost_session_page_item(nullptr, 0, &len) == nullptr);
  CHECK(len == 0);
  CHECK(agenthost_session_page_json(nullptr, nullptr) == nullptr);
  agenthost_session_page_free(nullptr);
  agenthost_session_store_close(nullptr);
}

TEST_CASE("capi sessions: open rejects bad options JSON") {
  Handles h;
  agenthost_session_store *s = nullptr;
  for (const char *bad : {"{", "[]", "{\"ttl_s\":59}", "{\"ttl_s\":86401}", "{\"ttl_s\":\"60\"}",
                          "{\"key_prefix\":\"\"}", "{\"unknown\":1}",
                          "{\"key_prefix\":\"s:\",\"index_prefix\":\"s:idx:\"}"}) {
    INFO(bad);
    CHECK(agenthost_session_store_open(h.cache, bad, &s) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(s == nullptr);
  }
}

TEST_CASE("capi sessions: create / get / update / delete round trip without the owner hash") {
  Handles h;
  const std::string created = create(
      h, std::string("{\"model\":\"claude-sonnet-4\",\"owner_api_key\":\"") + kOwner +
             "\",\"metadata\":{\"project\": \"caf\xc3\xa9\"},\"parent_session_id\":\"p-1\"}");
  const std::string id = field(created, "id");
  CHECK(id.size() == 36);
  CHECK(field(created, "model") == "claude-sonnet-4");
  CHECK(field(created, "status") == "active");
  CHECK(field(created, "total_turns") == "0");
  CHECK(field(created, "total_cost_usd") == "null");
  CHECK(field(created, "parent_session_id") == "p-1");
  CHECK(created.find("\"metadata\":{\"project\":\"caf\xc3\xa9\"}") != std::string::npos);
  CHECK(created.find("owner") == std::string::npos);
  CHECK(created.find(kOwner) == std::string::npos);

  char *json = nullptr;
  REQUIRE(agenthost_session_store_get(h.store, id.c_str(), kOwner, &json) == AGENTHOST_OK);
  CHECK(take(json) == created);

  REQUIRE(agenthost_session_store_update(h.store, id.c_str(), kOwner,
                                         "{\"increment_turns\":true,\"status\":\"completed\","
                                         "\"total_cost_usd\":0.25}",
                                         &json) == AGENTHOST_OK);
  const std::string updated = take(json);
  CHECK(field(updated, "total_turns") == "1");
  CHECK(field(updated, "status") == "completed");
  CHECK(field(updated, "total_cost_usd") == "0.25");
  CHECK(field(updated, "created_at") == field(created, "created_at"));

  CHECK(agenthost_session_store_delete(h.store, id.c_str(), kOwner) == AGENTHOST_OK);
  CHECK(agenthost_session_store_get(h.store, id.c_str(), nullptr, &json) == AGENTHOST_NOT_FOUND);
  CHECK(json == nullptr);
  CHECK(agenthost_session_store_delete(h.store, id.c_str(), nullptr) == AGENTHOST_NOT_FOUND);
}

TEST_CASE("capi sessions: a foreign session is NOT_FOUND with the message of an absent one") {
  Handles h;
  const std::string id = field(create(h, std::string("{\"model\":\"m\",\"id\":\"same-id\","
                                                     "\"owner_api_key\":\"") +
                                             kOwner + "\"}"),
                               "id");
  char *json = nullptr;
  CHECK(agenthost_session_store_get(h.store, id.c_str(), "sk-intruder", &json) ==
        AGENTHOST_NOT_FOUND);
  const std::string foreign = agenthost_last_error();
  CHECK(agenthost_session_store_delete(h.store, id.c_str(), nullptr) == AGENTHOST_OK);
  CHECK(agenthost_session_store_get(h.store, id.c_str(), "sk-intruder", &json) ==
        AGENTHOST_NOT_FOUND);
  CHECK(std::string(agenthost_last_error()) == foreign);
  CHECK(foreign.find("sk-intruder") == std::string::npos);
}

TEST_CASE("capi sessions: create with an id in use is CONFLICT") {
  Handles h;
  create(h, "{\"model\":\"m\",\"id\":\"dup\"}");
  char *json = nullptr;
  CHECK(agenthost_session_store_create(h.store, "{\"model\":\"m\",\"id\":\"dup\"}", &json) ==
        AGENTHOST_CONFLICT);
  CHECK(json == nullptr);
}

TEST_CASE("capi sessions: bad requests are INVALID_ARGUMENT and write nothing") {
  Handles h;
  char *json = nullptr;
  const std::string huge =
      "{\"model\":\"m\",\"metadata\":{\"blob\":\"" + std::string(1 << 20, 'x') + "\"}}";
  for (const std::string &bad :
       {std::string("not json"), std::string("{\"model\":\"m\""), std::string("{}"),
        std::string("{\"model\":5}"), std::string("{\"model\":\"m\",\"id\":\"\"}"),
        std::string("{\"model\":\"m\",\"metadata\":[1]}"), std::string("{\"model\":\"m\",\"x\":1}"),
        std::string("{\"model\":\"m\xff\"}"), huge}) {
    INFO(bad.substr(0, 80));
    CHECK(agenthost_session_store_create(h.store, bad.c_str(), &json) ==
          AGENTHOST_INVALID_ARGUMENT);
    CHECK(json == nullptr);
  }
  CHECK(total(h) == 0);

  const std::string id = field(create(h, "{\"model\":\"m\"}"), "id");
  for (const char *bad : {"{\"total_turns\":\"x\"}", "{\"status\":\"paused\"}", "{",
                          "{\"total_turns\":-1}", "{\"increment_turns\":true,\"total_turns\":3}"}) {
    INFO(bad);
    CHECK(agenthost_session_store_update(h.store, id.c_str(), nullptr, bad, &json) ==
          AGENTHOST_INVALID_ARGUMENT);
  }
  const std::string huge_patch = "{\"metadata\":{\"blob\":\"" + std::string(1 << 20, 'x') + "\"}}";
  CHECK(agenthost_session_store_update(h.store, id.c_str(), nullptr, huge_patch.c_str(), &json) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("metadata is too large") != std::string::npos);
  CHECK(agenthost_session_store_get(h.store, "", nullptr, &json) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_store_get(h.store, id.c_str(), "", &json) == AGENTHOST_INVALID_ARGUMENT);
  REQUIRE(agenthost_session_store_get(h.store, id.c_str(), nullptr, &json) == AGENTHOST_OK);
  const std::string after = take(json);
  CHECK(field(after, "total_turns") == "0");
  CHECK(field(after, "status") == "active");
  CHECK(field(after, "updated_at") == field(after, "created_at"));
}

TEST_CASE("capi sessions: list pages carry the documented JSON and cursors walk every page") {
  Handles h;
  std::set<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    ids.insert(field(
        create(h, std::string("{\"model\":\"m\",\"owner_api_key\":\"") + kOwner + "\"}"), "id"));
  }
  create(h, "{\"model\":\"other\"}");
  agenthost_session_page *page = nullptr;
  const std::string first_query =
      std::string("{\"owner_api_key\":\"") + kOwner + "\",\"page_size\":5}";
  REQUIRE(agenthost_session_store_list(h.store, first_query.c_str(), &page) == AGENTHOST_OK);
  CHECK(agenthost_session_page_count(page) == 5);
  CHECK(agenthost_session_page_total(page) == 12);
  std::size_t len = 0;
  const char *item = agenthost_session_page_item(page, 0, &len);
  REQUIRE(item != nullptr);
  CHECK(std::strlen(item) == len);
  CHECK(agenthost_session_page_item(page, 5, &len) == nullptr);
  const std::string json(agenthost_session_page_json(page, &len));
  CHECK(json.size() == len);
  CHECK(json.rfind("{\"sessions\":[{", 0) == 0);
  CHECK(json.find(std::string(item)) != std::string::npos);
  CHECK(json.find("],\"total\":12,\"page\":1,\"page_size\":5,\"next_cursor\":\"") !=
        std::string::npos);
  CHECK(json.find("\"skipped_corrupt\":0") != std::string::npos);
  CHECK(json.find("owner") == std::string::npos);
  std::string cursor = field(json, "next_cursor");
  std::set<std::string> seen;
  for (std::size_t k = 0; k < agenthost_session_page_count(page); ++k) {
    seen.insert(field(agenthost_session_page_item(page, k, nullptr), "id"));
  }
  agenthost_session_page_free(page);

  for (int i = 0; i < 10 && cursor != "null"; ++i) {
    const std::string q = std::string("{\"owner_api_key\":\"") + kOwner +
                          "\",\"page_size\":5,\"cursor\":\"" + cursor + "\"}";
    REQUIRE(agenthost_session_store_list(h.store, q.c_str(), &page) == AGENTHOST_OK);
    for (std::size_t k = 0; k < agenthost_session_page_count(page); ++k) {
      seen.insert(field(agenthost_session_page_item(page, k, nullptr), "id"));
    }
    cursor = field(agenthost_session_page_json(page, nullptr), "next_cursor");
    agenthost_session_page_free(page);
  }
  CHECK(cursor == "null");
  CHECK(seen == ids);

  CHECK(total(h) == 13);
  CHECK(total(h, "{\"status\":\"completed\"}") == 0);
  for (const char *bad : {"{\"page_size\":0}", "{\"page_size\":101}", "{\"cursor\":\"@@@\"}",
                          "{\"status\":\"nope\"}", "{\"page\":0}", "[", "{\"owner\":\"x\"}"}) {
    INFO(bad);
    CHECK(agenthost_session_store_list(h.store, bad, &page) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(page == nullptr);
  }
}

TEST_CASE("capi sessions: reindex indexes the Python service's records") {
  Handles h;
  const std::string record =
      R"({"id": "py-1", "model": "claude-3-5-sonnet-20241022", "status": "active", "created_at": "2026-01-09T17:00:00.123456", "updated_at": "2026-01-09T17:00:00.123456", "total_turns": 3, "total_cost_usd": 0.0123, "parent_session_id": null, "owner_api_key": "sk-capi-owner"})";
  const std::string key = h.prefix + "session:py-1";
  REQUIRE(agenthost_cache_client_set(h.cache, key.c_str(), record.data(), record.size(), 600) ==
          AGENTHOST_OK);
  CHECK(total(h) == 0);
  std::uint64_t indexed = 0;
  REQUIRE(agenthost_session_store_reindex(h.store, &indexed) == AGENTHOST_OK);
  CHECK(indexed == 1);
  const std::string q = std::string("{\"owner_api_key\":\"") + kOwner + "\"}";
  CHECK(total(h, q.c_str()) == 1);
  char *json = nullptr;
  REQUIRE(agenthost_session_store_get(h.store, "py-1", kOwner, &json) == AGENTHOST_OK);
  const std::string got = take(json);
  CHECK(field(got, "created_at") == "2026-01-09T17:00:00.123456+00:00");
  CHECK(field(got, "total_turns") == "3");
}

#ifdef AGENTHOST_CAPI_SESSIONS_ON_SERVER
// Another writer of the same Redis (here the C++ client) puts members that are no session id
// into the index: the C ABI listing still succeeds, counts them, and they leave the index.
TEST_CASE("capi sessions: index members that are no id do not fail a listing") {
  Handles h;
  char *json = nullptr;
  REQUIRE(agenthost_session_store_create(h.store, "{\"model\":\"m\"}", &json) == AGENTHOST_OK);
  const std::string id = field(take(json), "id");
  agenthost::CacheOptions o;
  o.url = url();
  agenthost::CacheClient raw(o);
  const std::string index = h.prefix + "sessions:all";
  const std::string record = raw.get(h.prefix + "session:" + id).value();
  const std::vector<std::string> bad = {std::string("bad-\xff", 5), std::string(),
                                        std::string(4096, 'x')};
  for (std::size_t i = 0; i < bad.size(); ++i) {
    raw.set(h.prefix + "session:" + bad[i], record, std::chrono::seconds(600));  // records too
    raw.zadd(index, {{bad[i], static_cast<double>(i + 1)}});
  }
  agenthost_session_page *page = nullptr;
  REQUIRE(agenthost_session_store_list(h.store, "{\"page_size\":2}", &page) == AGENTHOST_OK);
  CHECK(agenthost_session_page_count(page) == 1);
  std::size_t len = 0;
  const char *item = agenthost_session_page_item(page, 0, &len);
  REQUIRE(item != nullptr);
  CHECK(field(std::string(item, len), "id") == id);
  agenthost_session_page_free(page);
  CHECK(raw.zcard(index) == 1);
  CHECK(total(h) == 1);
}
#endif

namespace {

// A view with every byte set, so a field the library left alone is visible.
agenthost_session_view blank_view() {
  agenthost_session_view v;
  std::memset(&v, 0x5a, sizeof v);
  v.struct_size = sizeof v;
  return v;
}

}  // namespace

TEST_CASE("capi sessions: page views hold the item JSON's values field by field") {
  Handles h;
  const std::string owner = std::string(",\"owner_api_key\":\"") + kOwner + "\"";
  const std::string parent = field(create(h, "{\"model\":\"m\"" + owner + "}"), "id");
  create(h, "{\"model\":\"m\\u00e9od\\u00e8le\",\"parent_session_id\":\"" + parent +
                "\",\"metadata\":{\"title\":\"T \\\"q\\\"\",\"tags\":[1,2]}" + owner + "}");
  const std::string costly = field(create(h, "{\"model\":\"c\"" + owner + "}"), "id");
  char *json = nullptr;
  REQUIRE(agenthost_session_store_update(h.store, costly.c_str(), kOwner,
                                         "{\"total_cost_usd\":0.25,\"total_turns\":7}",
                                         &json) == AGENTHOST_OK);
  agenthost_free(json);
  const std::string corrupt = field(create(h, "{\"model\":\"x\"" + owner + "}"), "id");
  const std::string key = h.prefix + "session:" + corrupt;
  REQUIRE(agenthost_cache_client_set(h.cache, key.c_str(), "{not json", 9, 600) == AGENTHOST_OK);

  // Two pages of 3 (sessions created in one millisecond may list in any order, so the counts
  // are taken over both).
  int with_parent = 0, with_cost = 0, with_metadata = 0, seen = 0;
  std::uint64_t skipped = 0;
  std::string cursor;
  for (int n = 0; n < 2; ++n) {
    agenthost_session_page *page = nullptr;
    const std::string q = std::string("{\"owner_api_key\":\"") + kOwner + "\",\"page_size\":3" +
                          (cursor.empty() ? "" : ",\"cursor\":\"" + cursor + "\"") + "}";
    REQUIRE(agenthost_session_store_list(h.store, q.c_str(), &page) == AGENTHOST_OK);
    agenthost_session_page_meta meta;
    std::memset(&meta, 0x5a, sizeof meta);
    meta.struct_size = sizeof meta;
    REQUIRE(agenthost_session_page_describe(page, &meta) == AGENTHOST_OK);
    CHECK(meta.struct_size == sizeof meta);
    const std::string page_json(agenthost_session_page_json(page, nullptr));
    INFO(page_json);
    CHECK(meta.count == agenthost_session_page_count(page));
    CHECK(meta.total == 4);
    CHECK(std::to_string(meta.page) == field(page_json, "page"));
    CHECK(std::to_string(meta.page_size) == field(page_json, "page_size"));
    CHECK((meta.next_cursor == nullptr ? std::string("null") : std::string(meta.next_cursor)) ==
          field(page_json, "next_cursor"));
    CHECK((meta.next_cursor == nullptr) == (n == 1));
    if (meta.next_cursor != nullptr) cursor = meta.next_cursor;
    skipped += meta.skipped_corrupt;
    REQUIRE(meta.corrupt_id_count == meta.skipped_corrupt);
    if (meta.corrupt_id_count == 1) {
      CHECK(std::string(meta.corrupt_ids[0]) == corrupt);
      CHECK(page_json.find("\"corrupt_ids\":[\"" + corrupt + "\"]") != std::string::npos);
    }
    for (std::size_t i = 0; i < meta.count; ++i) {
      ++seen;
      agenthost_session_view v = blank_view();
      REQUIRE(agenthost_session_page_view(page, i, &v) == AGENTHOST_OK);
      CHECK(v.struct_size == sizeof v);
      const std::string item(agenthost_session_page_item(page, i, nullptr));
      INFO(item);
      CHECK(std::string(v.id, v.id_len) == field(item, "id"));
      CHECK(std::strlen(v.id) == v.id_len);
      CHECK(std::string(v.model, v.model_len) == field(item, "model"));
      CHECK(std::string(v.status) == field(item, "status"));
      CHECK(std::string(v.created_at) == field(item, "created_at"));
      CHECK(std::string(v.updated_at) == field(item, "updated_at"));
      CHECK(v.created_at_us > 0);
      CHECK(v.updated_at_us >= v.created_at_us);
      CHECK(std::to_string(v.total_turns) == field(item, "total_turns"));
      if (v.has_total_cost_usd) {
        ++with_cost;
        CHECK(v.total_cost_usd == std::stod(field(item, "total_cost_usd")));
      } else {
        CHECK(field(item, "total_cost_usd") == "null");
      }
      if (v.parent_session_id != nullptr) {
        ++with_parent;
        CHECK(std::string(v.parent_session_id, v.parent_session_id_len) ==
              field(item, "parent_session_id"));
      } else {
        CHECK(field(item, "parent_session_id") == "null");
      }
      const std::string metadata =
          v.metadata_json == nullptr ? "null" : std::string(v.metadata_json, v.metadata_json_len);
      if (v.metadata_json != nullptr) ++with_metadata;
      const std::string tail = "\"metadata\":" + metadata + "}";
      REQUIRE(item.size() > tail.size());
      CHECK(item.compare(item.size() - tail.size(), std::string::npos, tail) == 0);
    }
    agenthost_session_page_free(page);
  }
  CHECK(seen == 3);
  CHECK(skipped == 1);
  CHECK(with_parent == 1);
  CHECK(with_cost == 1);
  CHECK(with_metadata == 1);
}

TEST_CASE("capi sessions: page views refuse bad arguments and leave the struct alone") {
  Handles h;
  create(h, "{\"model\":\"m\"}");
  agenthost_session_page *page = nullptr;
  REQUIRE(agenthost_session_store_list(h.store, nullptr, &page) == AGENTHOST_OK);
  agenthost_session_view v = blank_view();
  CHECK(agenthost_session_page_view(nullptr, 0, &v) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("p is NULL") != std::string::npos);
  CHECK(agenthost_session_page_view(page, 0, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_page_view(page, 1, &v) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("session 1 is beyond the page's 1") !=
        std::string::npos);
  for (std::uint32_t size : {0u, 4u, static_cast<std::uint32_t>(sizeof v - 1)}) {
    INFO(size);
    v = blank_view();
    v.struct_size = size;
    CHECK(agenthost_session_page_view(page, 0, &v) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(std::string(agenthost_last_error()).find("struct_size") != std::string::npos);
    CHECK(v.struct_size == size);
    const agenthost_session_view untouched = blank_view();
    CHECK(std::memcmp(&v.id, &untouched.id, sizeof v - offsetof(agenthost_session_view, id)) == 0);
  }
  // A host built against a newer header passes a larger struct: the library fills what it knows
  // and says how much that was.
  struct Newer {
    agenthost_session_view v;
    std::uint64_t appended;
  } newer;
  std::memset(&newer, 0x5a, sizeof newer);
  newer.v.struct_size = sizeof newer;
  REQUIRE(agenthost_session_page_view(page, 0, &newer.v) == AGENTHOST_OK);
  CHECK(newer.v.struct_size == sizeof(agenthost_session_view));
  CHECK(std::string(newer.v.model) == "m");
  CHECK(newer.appended == 0x5a5a5a5a5a5a5a5aull);

  agenthost_session_page_meta meta{};
  CHECK(agenthost_session_page_describe(nullptr, &meta) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_page_describe(page, nullptr) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(agenthost_session_page_describe(page, &meta) == AGENTHOST_INVALID_ARGUMENT);  // size 0
  meta.struct_size = sizeof meta;
  REQUIRE(agenthost_session_page_describe(page, &meta) == AGENTHOST_OK);
  CHECK(meta.count == 1);
  CHECK(meta.next_cursor == nullptr);
  CHECK(meta.corrupt_id_count == 0);
  agenthost_session_page_free(page);
}

// A host that splices its caller's owner key into client-supplied JSON must not be bypassed by a
// second key after it: each request JSON refuses a key given twice, at any depth, naming the key
// but never its value, and nothing is written or listed.
TEST_CASE("capi sessions: a key given twice in a request is INVALID_ARGUMENT, nothing happens") {
  Handles h;
  constexpr const char *kOther = "sk-capi-other-owner";
  const std::string mine =
      field(create(h, std::string("{\"model\":\"m\",\"owner_api_key\":\"") + kOwner + "\"}"), "id");
  create(h, std::string("{\"model\":\"m\",\"owner_api_key\":\"") + kOther + "\"}");
  REQUIRE(total(h) == 2);
  const std::string owner = std::string("\"owner_api_key\":\"") + kOwner + "\"";

  agenthost_session_page *page = reinterpret_cast<agenthost_session_page *>(1);
  for (const std::string &query :
       {"{" + owner + ",\"owner_api_key\":null}",
        "{" + owner + ",\"owner_api_key\":\"" + kOther + "\"}",
        "{\"owner_api_key\":null," + owner + "}", "{" + owner + ",\"owner\\u005fapi_key\":null}",
        "{" + owner + ",\"page_size\":1,\"page_size\":100}"}) {
    INFO(query);
    CHECK(agenthost_session_store_list(h.store, query.c_str(), &page) ==
          AGENTHOST_INVALID_ARGUMENT);
    CHECK(page == nullptr);
    const std::string error = agenthost_last_error();
    CHECK_THAT(error,
               Catch::Contains("list query: the key \"") && Catch::Contains("\" appears twice"));
    CHECK(error.find(kOwner) == std::string::npos);
    CHECK(error.find(kOther) == std::string::npos);
  }
  CHECK(total(h, ("{" + owner + "}").c_str()) == 1);  // the query without its second key

  char *json = reinterpret_cast<char *>(1);
  for (const std::string &request :
       {"{\"model\":\"m\"," + owner + ",\"owner_api_key\":\"" + kOther + "\"}",
        "{\"model\":\"m\"," + owner + ",\"owner_api_key\":null}",
        std::string("{\"model\":\"m\",\"model\":\"n\"}"),
        std::string("{\"model\":\"m\",\"metadata\":{\"mode\":\"plan\",\"mode\":\"auto\"}}")}) {
    INFO(request);
    CHECK(agenthost_session_store_create(h.store, request.c_str(), &json) ==
          AGENTHOST_INVALID_ARGUMENT);
    CHECK(json == nullptr);
    CHECK_THAT(std::string(agenthost_last_error()), Catch::Contains("appears twice"));
    CHECK(std::string(agenthost_last_error()).find(kOther) == std::string::npos);
  }
  CHECK(total(h) == 2);

  for (const char *patch :
       {R"({"status":"completed","status":"error"})", R"({"metadata":{"a":{"b":1,"b":2}}})"}) {
    INFO(patch);
    CHECK(agenthost_session_store_update(h.store, mine.c_str(), kOwner, patch, &json) ==
          AGENTHOST_INVALID_ARGUMENT);
    CHECK(json == nullptr);
  }
  CHECK_THAT(std::string(agenthost_last_error()),
             Catch::Contains("update request: the key \"metadata.a.b\" appears twice"));
  REQUIRE(agenthost_session_store_get(h.store, mine.c_str(), kOwner, &json) == AGENTHOST_OK);
  const std::string after = take(json);
  CHECK(field(after, "status") == "active");
  CHECK(field(after, "updated_at") == field(after, "created_at"));

  agenthost_session_store *other = reinterpret_cast<agenthost_session_store *>(1);
  const std::string options = "{\"key_prefix\":\"" + h.prefix + "session:\",\"key_prefix\":\"" +
                              h.prefix + "other:\",\"ttl_s\":600}";
  CHECK(agenthost_session_store_open(h.cache, options.c_str(), &other) ==
        AGENTHOST_INVALID_ARGUMENT);
  CHECK(other == nullptr);
  CHECK_THAT(std::string(agenthost_last_error()),
             Catch::Contains("session store options: the key \"key_prefix\" appears twice"));
}
