// The SessionStore C ABI with the durable tier: a database URL in the options JSON, the same
// functions otherwise, metadata filters in the query JSON.
#include <agenthost.h>

#include <catch2/catch.hpp>
#include <string>

#include "db/pg_url.hpp"
#include "support/test_env.hpp"

namespace {

std::string take(char *s) {
  REQUIRE(s != nullptr);
  std::string out(s);
  agenthost_free(s);
  return out;
}

std::string options(const std::string &prefix, const std::string &database_url) {
  return "{\"key_prefix\":\"" + prefix + "session:\",\"index_prefix\":\"" + prefix +
         "sessions:\",\"database_url\":\"" + database_url +
         "\",\"db_pool_size\":3,\"db_table\":\"" + agenthost::test::unique_table("capi") +
         "\",\"db_statement_timeout_ms\":5000}";
}

}  // namespace

TEST_CASE("capi durable: open with database_url / create / get / list with filters / delete") {
  const std::string pg = agenthost::test::shared_pg_url();
  REQUIRE_FALSE(pg.empty());
  agenthost_cache_client *cache = nullptr;
  REQUIRE(agenthost_cache_client_open(agenthost::test::shared_redis_url().c_str(), nullptr,
                                      &cache) == AGENTHOST_OK);
  const std::string prefix = agenthost::test::unique_prefix("capi-durable");
  agenthost_session_store *store = nullptr;
  REQUIRE(agenthost_session_store_open(cache, options(prefix, pg).c_str(), &store) == AGENTHOST_OK);

  char *out = nullptr;
  REQUIRE(
      agenthost_session_store_create(
          store,
          R"({"model":"m","id":"capi-d1","owner_api_key":"sk-capi-d","metadata":{"mode":"plan","tags":["x","y"],"title":"Hello World"}})",
          &out) == AGENTHOST_OK);
  const std::string created = take(out);
  CHECK(created.find("\"id\":\"capi-d1\"") != std::string::npos);
  REQUIRE(agenthost_session_store_create(
              store, R"({"model":"m","id":"capi-d2","owner_api_key":"sk-capi-d"})", &out) ==
          AGENTHOST_OK);
  take(out);

  agenthost_session_page *page = nullptr;
  REQUIRE(agenthost_session_store_list(
              store, R"({"owner_api_key":"sk-capi-d","mode":"plan","tags":["y"],"title":"WORLD"})",
              &page) == AGENTHOST_OK);
  CHECK(agenthost_session_page_total(page) == 1);
  REQUIRE(agenthost_session_page_count(page) == 1);
  CHECK(std::string(agenthost_session_page_item(page, 0, nullptr)).find("capi-d1") !=
        std::string::npos);
  agenthost_session_page_free(page);
  REQUIRE(agenthost_session_store_list(store, R"({"owner_api_key":"sk-capi-d","tags":"y"})",
                                       &page) == AGENTHOST_INVALID_ARGUMENT);

  // Redis loses everything: the database still has both sessions.
  std::uint64_t indexed = 0;
  REQUIRE(agenthost_session_store_reindex(store, &indexed) == AGENTHOST_OK);
  CHECK(indexed == 2);
  REQUIRE(agenthost_session_store_delete(store, "capi-d2", nullptr) == AGENTHOST_OK);
  REQUIRE(agenthost_session_store_get(store, "capi-d1", "sk-capi-d", &out) == AGENTHOST_OK);
  CHECK(take(out).find("Hello World") != std::string::npos);
  CHECK(agenthost_session_store_get(store, "capi-d2", nullptr, &out) == AGENTHOST_NOT_FOUND);
  agenthost_session_store_close(store);

  // A bad URL names the problem without the password.
  store = nullptr;
  CHECK(agenthost_session_store_open(cache, options(prefix, "mysql://u:hunter2-pw@h/db").c_str(),
                                     &store) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(std::string(agenthost_last_error()).find("hunter2-pw") == std::string::npos);
  CHECK(std::string(agenthost_last_error()).find("postgresql://") != std::string::npos);

  // Without the durable tier, metadata filters are UNSUPPORTED.
  const std::string plain = "{\"key_prefix\":\"" + prefix + "p:session:\",\"index_prefix\":\"" +
                            prefix + "p:sessions:\"}";
  REQUIRE(agenthost_session_store_open(cache, plain.c_str(), &store) == AGENTHOST_OK);
  CHECK(agenthost_session_store_list(store, R"({"mode":"plan"})", &page) == AGENTHOST_UNSUPPORTED);
  CHECK(std::string(agenthost_last_error()).find("durable") != std::string::npos);
  agenthost_session_store_close(store);
  agenthost_cache_client_close(cache);
}

TEST_CASE("capi durable: a key given twice in a request is INVALID_ARGUMENT, nothing happens") {
  const std::string pg = agenthost::test::shared_pg_url();
  REQUIRE_FALSE(pg.empty());
  agenthost_cache_client *cache = nullptr;
  REQUIRE(agenthost_cache_client_open(agenthost::test::shared_redis_url().c_str(), nullptr,
                                      &cache) == AGENTHOST_OK);
  const std::string prefix = agenthost::test::unique_prefix("capi-durable-dup");
  agenthost_session_store *store = nullptr;
  REQUIRE(agenthost_session_store_open(cache, options(prefix, pg).c_str(), &store) == AGENTHOST_OK);
  char *out = nullptr;
  REQUIRE(agenthost_session_store_create(store,
                                         R"({"model":"m","id":"dup-a","owner_api_key":"sk-dup-a"})",
                                         &out) == AGENTHOST_OK);
  take(out);
  REQUIRE(agenthost_session_store_create(store,
                                         R"({"model":"m","id":"dup-b","owner_api_key":"sk-dup-b"})",
                                         &out) == AGENTHOST_OK);
  take(out);
  auto total = [&](const char *query) {
    agenthost_session_page *page = nullptr;
    REQUIRE(agenthost_session_store_list(store, query, &page) == AGENTHOST_OK);
    const std::uint64_t n = agenthost_session_page_total(page);
    agenthost_session_page_free(page);
    return n;
  };
  REQUIRE(total(nullptr) == 2);

  // The all-owners view through a second owner_api_key, with and without a metadata filter
  // (which sends the listing to PostgreSQL).
  for (const char *query : {R"({"owner_api_key":"sk-dup-b","owner_api_key":null})",
                            R"({"owner_api_key":"sk-dup-b","mode":"plan","owner_api_key":null})",
                            R"({"owner_api_key":"sk-dup-b","owner_api_key":"sk-dup-a"})"}) {
    INFO(query);
    agenthost_session_page *page = reinterpret_cast<agenthost_session_page *>(1);
    CHECK(agenthost_session_store_list(store, query, &page) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(page == nullptr);
    const std::string error = agenthost_last_error();
    CHECK_THAT(error, Catch::EndsWith(R"(: list query: the key "owner_api_key" appears twice)"));
  }
  CHECK(total(R"({"owner_api_key":"sk-dup-b"})") == 1);

  for (const char *request :
       {R"({"model":"m","id":"dup-c","owner_api_key":"sk-dup-b","owner_api_key":"sk-dup-a"})",
        R"({"model":"m","id":"dup-c","metadata":{"tags":["x"],"tags":["y"]}})"}) {
    INFO(request);
    CHECK(agenthost_session_store_create(store, request, &out) == AGENTHOST_INVALID_ARGUMENT);
    CHECK(out == nullptr);
    CHECK(std::string(agenthost_last_error()).find("sk-dup") == std::string::npos);
  }
  CHECK(agenthost_session_store_get(store, "dup-c", nullptr, &out) == AGENTHOST_NOT_FOUND);
  CHECK(agenthost_session_store_update(store, "dup-a", "sk-dup-a",
                                       R"({"metadata":{"title":"a","title":"b"}})",
                                       &out) == AGENTHOST_INVALID_ARGUMENT);
  CHECK_THAT(std::string(agenthost_last_error()),
             Catch::EndsWith(R"(: update request: the key "metadata.title" appears twice)"));
  REQUIRE(agenthost_session_store_get(store, "dup-a", "sk-dup-a", &out) == AGENTHOST_OK);
  CHECK(take(out).find("\"metadata\":null") != std::string::npos);

  agenthost_session_store *other = reinterpret_cast<agenthost_session_store *>(1);
  const std::string twice = "{\"database_url\":\"" + pg + "\",\"database_url\":null}";
  CHECK(agenthost_session_store_open(cache, twice.c_str(), &other) == AGENTHOST_INVALID_ARGUMENT);
  CHECK(other == nullptr);
  CHECK_THAT(std::string(agenthost_last_error()),
             Catch::EndsWith(R"(: session store options: the key "database_url" appears twice)"));
  agenthost_session_store_close(store);
  agenthost_cache_client_close(cache);
}
