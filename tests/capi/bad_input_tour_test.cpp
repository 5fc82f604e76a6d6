// The bad input tour: every C ABI function fed NULL for each pointer, empty strings, invalid
// UTF-8, 1 MiB strings, 10,000-level JSON and out-of-range numbers. Each call must return a
// non-OK status whose last error names the argument or field, must not crash, and must write
// nothing (checked by reading back). Uses only agenthost.h. Compiled twice: against memory:// and
// (with AGENTHOST_BAD_INPUT_ON_REDIS) against the shared redis-server fixture.
#include <agenthost.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>

#include "support/test_env.hpp"

namespace {

std::string url() {
#ifdef AGENTHOST_BAD_INPUT_ON_REDIS
  return agenthost::test::shared_redis_url();
#else
  return "memory://";
#endif
}

const std::string kInvalidUtf8 = "\xff\xfe\xc3\x28 \xed\xa0\x80";  // bad bytes, a surrogate
const std::string kHugeText(1 << 20, 'a');                         // 1 MiB

// `levels` nested arrays: [[[...]]].
std::string nested_arrays(int levels) {
  return std::string(static_cast<std::size_t>(levels), '[') +
         std::string(static_cast<std::size_t>(levels), ']');
}

// `levels` nested objects: {"a":{"a":...{}...}}.
std::string nested_objects(int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += "{\"a\":";
  out += "{}";
  out += std::string(static_cast<std::size_t>(levels), '}');
  return out;
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF), written here
// rather than borrowed from the library so the tour relies on agenthost.h alone.
bool is_utf8(const std::string &s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80                 ? 1
                    : b >= 0xC2 && b <= 0xDF ? 2
                    : b >= 0xE0 && b <= 0xEF ? 3
                    : b >= 0xF0 && b <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? b : b & (0x3F >> (n - 1));
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp > 0x10FFFF) {
      return false;
    }
    i += n;
  }
  return true;
}

// The call returned `want` (never OK) and the thread's last error contains every needle.
void expect_fail(agenthost_status got, agenthost_status want,
                 std::initializer_list<const char *> needles) {
  const std::string message = agenthost_last_error();
  INFO("status " << agenthost_status_name(got) << ", last error: " << message.substr(0, 300));
  CHECK(got == want);
  CHECK(got != AGENTHOST_OK);
  for (const char *needle : needles) {
    INFO("expected the message to mention: " << needle);
    CHECK(message.find(needle) != std::string::npos);
  }
  // Messages stay readable: a 1 MiB argument is never echoed back whole.
  CHECK(message.size() < 4096);
  // The ABI's strings are UTF-8, even when the message quotes the caller's invalid bytes.
  CHECK(is_utf8(message));
}

// A cache client and a session store under a unique prefix.
struct Tour {
  agenthost_cache_client *cache = nullptr;
  agenthost_session_store *store = nullptr;
  std::string prefix = agenthost::test::unique_prefix("bad-input");

  Tour() {
    REQUIRE(agenthost_cache_client_open(url().c_str(), nullptr, &cache) == AGENTHOST_OK);
    const std::string options = "{\"key_prefix\":\"" + prefix + "session:\",\"index_prefix\":\"" +
                                prefix + "sessions:\",\"ttl_s\":600}";
    REQUIRE(agenthost_session_store_open(cache, options.c_str(), &store) == AGENTHOST_OK);
  }
  ~Tour() {
    agenthost_session_store_close(store);
    agenthost_cache_client_close(cache);
  }

  // Sessions visible in this store's admin listing.
  std::uint64_t sessions() {
    agenthost_session_page *page = nullptr;
    REQUIRE(agenthost_session_store_list(store, nullptr, &page) == AGENTHOST_OK);
    const std::uint64_t n = agenthost_session_page_total(page);
    agenthost_session_page_free(page);
    return n;
  }

  // A valid session; returns its id.
  std::string create(const std::string &id) {
    char *json = nullptr;
    const std::string request = "{\"model\":\"m\",\"id\":\"" + id + "\",\"owner_api_key\":\"k\"}";
    REQUIRE(agenthost_session_store_create(store, request.c_str(), &json) == AGENTHOST_OK);
    agenthost_free(json);
    return id;
  }

  std::string session_json(const std::string &id) {
    char *json = nullptr;
    REQUIRE(agenthost_session_store_get(store, id.c_str(), nullptr, &json) == AGENTHOST_OK);
    std::string out(json);
    agenthost_free(json);
    return out;
  }

  bool key_absent(const std::string &key) {
    char *value = nullptr;
    std::size_t len = 0;
    const auto st = agenthost_cache_client_get(cache, key.c_str(), &value, &len);
    agenthost_free(value);
    return st == AGENTHOST_NOT_FOUND;
  }
};

}  // namespace

// ---- process-wide functions ----------------------------------------------------------------

TEST_CASE("bad input: status names, frees and option inits tolerate anything", "[bad_input]") {
  CHECK(std::string(agenthost_status_name(static_cast<agenthost_status>(42))) == "unknown");
  CHECK(std::string(agenthost_status_name(static_cast<agenthost_status>(-1))) == "unknown");
  CHECK(std::string(agenthost_status_name(static_cast<agenthost_status>(INT_MAX))) == "unknown");
  agenthost_free(nullptr);
  agenthost_cache_options_init(nullptr);
  agenthost_hook_options_init(nullptr);
  agenthost_cache_client_close(nullptr);
  agenthost_session_store_close(nullptr);
  agenthost_session_page_free(nullptr);
  agenthost_hook_policy_free(nullptr);
  agenthost_verdict_free(nullptr);
  CHECK(agenthost_version() != nullptr);
}

// ---- CacheClient -----------------------------------------------------------------------------

TEST_CASE("bad input: cache_client_open with NULL, empty, invalid and huge URLs", "[bad_input]") {
  const char *fn = "agenthost_cache_client_open";
  agenthost_cache_client *c = reinterpret_cast<agenthost_cache_client *>(1);
  expect_fail(agenthost_cache_client_open(nullptr, nullptr, &c), AGENTHOST_INVALID_ARGUMENT,
              {fn, "url is NULL"});
  CHECK(c == nullptr);
  expect_fail(agenthost_cache_client_open("memory://", nullptr, nullptr),
              AGENTHOST_INVALID_ARGUMENT, {fn, "out is NULL"});
  expect_fail(agenthost_cache_client_open("", nullptr, &c), AGENTHOST_INVALID_ARGUMENT,
              {fn, "URL"});
  CHECK(c == nullptr);
  expect_fail(agenthost_cache_client_open(("redis://" + kInvalidUtf8 + "/0").c_str(), nullptr, &c),
              AGENTHOST_INVALID_ARGUMENT, {fn, "URL"});
  CHECK(c == nullptr);
  expect_fail(
      agenthost_cache_client_open(("redis://" + kHugeText + ":6379/0").c_str(), nullptr, &c),
      AGENTHOST_INVALID_ARGUMENT, {fn, "URL", "host"});
  CHECK(c == nullptr);
  expect_fail(agenthost_cache_client_open(kHugeText.c_str(), nullptr, &c),
              AGENTHOST_INVALID_ARGUMENT, {fn, "URL"});
  expect_fail(agenthost_cache_client_open("redis://127.0.0.1:99999/0", nullptr, &c),
              AGENTHOST_INVALID_ARGUMENT, {fn, "port"});
  expect_fail(agenthost_cache_client_open("redis://127.0.0.1:6379/99999999999", nullptr, &c),
              AGENTHOST_INVALID_ARGUMENT, {fn, "db"});
  CHECK(c == nullptr);
  // The '@' and host left out: the password reads as the port (or runs on into the db), and
  // appears in no message.
  for (const char *url : {"redis://default:hunter2", "rediss://user:hunter2/0",
                          "redis://user:123/hunter2", "redis+cluster://user:hunter2"}) {
    INFO(url);
    expect_fail(agenthost_cache_client_open(url, nullptr, &c), AGENTHOST_INVALID_ARGUMENT,
                {fn, "URL"});
    CHECK(std::string(agenthost_last_error()).find("hunter2") == std::string::npos);
    CHECK(c == nullptr);
  }
}

TEST_CASE("bad input: cache_client_open with out-of-range option numbers", "[bad_input]") {
  const char *fn = "agenthost_cache_client_open";
  agenthost_cache_client *c = nullptr;
  agenthost_cache_options o;

  struct Case {
    const char *field;
    void (*set)(agenthost_cache_options &);
  };
  const Case cases[] = {
      {"max_connections", [](agenthost_cache_options &x) { x.max_connections = 0; }},
      {"max_connections", [](agenthost_cache_options &x) { x.max_connections = UINT32_MAX; }},
      {"connect_timeout", [](agenthost_cache_options &x) { x.connect_timeout_ms = 0; }},
      {"connect_timeout", [](agenthost_cache_options &x) { x.connect_timeout_ms = UINT32_MAX; }},
      {"socket_timeout", [](agenthost_cache_options &x) { x.socket_timeout_ms = 0; }},
      {"socket_timeout", [](agenthost_cache_options &x) { x.socket_timeout_ms = UINT32_MAX; }},
      {"pool_wait_timeout",
       [](agenthost_cache_options &x) { x.pool_wait_timeout_ms = UINT32_MAX; }},
      {"struct_size", [](agenthost_cache_options &x) { x.struct_size = 0; }},
      {"struct_size", [](agenthost_cache_options &x) { x.struct_size = 3; }},
  };
  for (const auto &k : cases) {
    agenthost_cache_options_init(&o);
    k.set(o);
    INFO("field " << k.field);
    expect_fail(agenthost_cache_client_open("memory://", &o, &c), AGENTHOST_INVALID_ARGUMENT,
                {fn, k.field});
    CHECK(c == nullptr);
  }
  // A struct from a newer header (larger struct_size) is read up to the fields this library
  // knows: accepted, not an error.
  agenthost_cache_options_init(&o);
  o.struct_size = UINT32_MAX;
  REQUIRE(agenthost_cache_client_open("memory://", &o, &c) == AGENTHOST_OK);
  agenthost_cache_client_close(c);
}

TEST_CASE("bad input: cache_client_open_env with out-of-range variables", "[bad_input]") {
  const char *fn = "agenthost_cache_client_open_env";
  expect_fail(agenthost_cache_client_open_env(nullptr), AGENTHOST_INVALID_ARGUMENT,
              {fn, "out is NULL"});
  agenthost_cache_client *c = nullptr;
  struct Case {
    const char *name;
    std::string value;
  };
  const Case cases[] = {{"REDIS_MAX_CONNECTIONS", "500"},
                        {"REDIS_MAX_CONNECTIONS", "-1"},
                        {"REDIS_MAX_CONNECTIONS", "99999999999999999999999"},
                        {"REDIS_SOCKET_TIMEOUT", "0"},
                        {"REDIS_SOCKET_TIMEOUT", "1e9"},
                        {"REDIS_SOCKET_CONNECT_TIMEOUT", kInvalidUtf8},
                        {"REDIS_POOL_WAIT_TIMEOUT", "31"},
                        {"REDIS_RETRY_MAX_ATTEMPTS", "0"},
                        {"REDIS_RETRY_BACKOFF_BASE_MS", kHugeText},
                        {"REDIS_URL", kInvalidUtf8},
                        {"REDIS_URL", kHugeText}};
  for (const auto &k : cases) {
    INFO(k.name << "=" << k.value.substr(0, 40));
    ::setenv("REDIS_URL", "memory://", 1);
    ::setenv(k.name, k.value.c_str(), 1);
    expect_fail(agenthost_cache_client_open_env(&c), AGENTHOST_INVALID_ARGUMENT,
                {fn, std::string(k.name) == "REDIS_URL" ? "URL" : k.name});
    CHECK(c == nullptr);
    ::unsetenv(k.name);
  }
  ::unsetenv("REDIS_URL");
}

TEST_CASE("bad input: cache get/set/del/ping with NULL and bad keys write nothing", "[bad_input]") {
  Tour t;
  const std::string key = t.prefix + "k";
  char *value = reinterpret_cast<char *>(1);
  std::size_t len = 9;
  int removed = 7;

  expect_fail(agenthost_cache_client_ping(nullptr), AGENTHOST_INVALID_ARGUMENT,
              {"agenthost_cache_client_ping", "c is NULL"});

  const char *set = "agenthost_cache_client_set";
  expect_fail(agenthost_cache_client_set(nullptr, key.c_str(), "v", 1, 0),
              AGENTHOST_INVALID_ARGUMENT, {set, "c is NULL"});
  expect_fail(agenthost_cache_client_set(t.cache, nullptr, "v", 1, 0), AGENTHOST_INVALID_ARGUMENT,
              {set, "key is NULL"});
  expect_fail(agenthost_cache_client_set(t.cache, key.c_str(), nullptr, 1, 0),
              AGENTHOST_INVALID_ARGUMENT, {set, "value is NULL"});
  expect_fail(agenthost_cache_client_set(t.cache, "", "v", 1, 0), AGENTHOST_INVALID_ARGUMENT,
              {set, "key"});
  CHECK(t.key_absent(key));

  const char *get = "agenthost_cache_client_get";
  expect_fail(agenthost_cache_client_get(nullptr, key.c_str(), &value, &len),
              AGENTHOST_INVALID_ARGUMENT, {get, "c is NULL"});
  CHECK(value == nullptr);
  CHECK(len == 0);
  expect_fail(agenthost_cache_client_get(t.cache, nullptr, &value, &len),
              AGENTHOST_INVALID_ARGUMENT, {get, "key is NULL"});
  expect_fail(agenthost_cache_client_get(t.cache, key.c_str(), nullptr, &len),
              AGENTHOST_INVALID_ARGUMENT, {get, "value is NULL"});
  expect_fail(agenthost_cache_client_get(t.cache, key.c_str(), &value, nullptr),
              AGENTHOST_INVALID_ARGUMENT, {get, "len is NULL"});
  expect_fail(agenthost_cache_client_get(t.cache, "", &value, &len), AGENTHOST_INVALID_ARGUMENT,
              {get, "key"});
  CHECK(value == nullptr);

  const char *del = "agenthost_cache_client_del";
  expect_fail(agenthost_cache_client_del(nullptr, key.c_str(), &removed),
              AGENTHOST_INVALID_ARGUMENT, {del, "c is NULL"});
  CHECK(removed == 0);
  expect_fail(agenthost_cache_client_del(t.cache, nullptr, &removed), AGENTHOST_INVALID_ARGUMENT,
              {del, "key is NULL"});
  expect_fail(agenthost_cache_client_del(t.cache, "", &removed), AGENTHOST_INVALID_ARGUMENT,
              {del, "key"});
}

TEST_CASE("bad input: cache keys and values are bytes - odd ones round-trip exactly",
          "[bad_input]") {
  // Keys and values are binary-safe in Redis and memory://, so invalid UTF-8 and 1 MiB are
  // legitimate here: the tour checks they are stored and read back unchanged, not rejected.
  Tour t;
  for (const std::string &suffix : {kInvalidUtf8, kHugeText}) {
    const std::string key = t.prefix + suffix;
    REQUIRE(agenthost_cache_client_set(t.cache, key.c_str(), suffix.data(), suffix.size(), 60) ==
            AGENTHOST_OK);
    char *value = nullptr;
    std::size_t len = 0;
    REQUIRE(agenthost_cache_client_get(t.cache, key.c_str(), &value, &len) == AGENTHOST_OK);
    CHECK(std::string(value, len) == suffix);
    agenthost_free(value);
    int removed = 0;
    CHECK(agenthost_cache_client_del(t.cache, key.c_str(), &removed) == AGENTHOST_OK);
    CHECK(removed == 1);
  }
  // The largest ttl_s a caller can pass.
  const std::string key = t.prefix + "ttl";
  const auto st = agenthost_cache_client_set(t.cache, key.c_str(), "v", 1, UINT32_MAX);
  if (st != AGENTHOST_OK) {
    expect_fail(st, AGENTHOST_INVALID_ARGUMENT, {"ttl"});
    CHECK(t.key_absent(key));
  }
}

// ---- SessionStore ----------------------------------------------------------------------------

TEST_CASE("bad input: session_store_open with NULL and bad options JSON", "[bad_input]") {
  Tour t;
  const char *fn = "agenthost_session_store_open";
  agenthost_session_store *s = reinterpret_cast<agenthost_session_store *>(1);
  expect_fail(agenthost_session_store_open(nullptr, "{}", &s), AGENTHOST_INVALID_ARGUMENT,
              {fn, "c is NULL"});
  CHECK(s == nullptr);
  expect_fail(agenthost_session_store_open(t.cache, "{}", nullptr), AGENTHOST_INVALID_ARGUMENT,
              {fn, "out is NULL"});
  struct Case {
    std::string json;
    const char *needle;
  };
  const Case cases[] = {
      {"", "session store options"},
      {kInvalidUtf8, "session store options"},
      {"{\"key_prefix\":\"" + kInvalidUtf8 + "\"}", "session store options"},
      {nested_arrays(10000), "session store options"},
      {"{\"key_prefix\":" + nested_objects(10000) + "}", "session store options"},
      {"{\"key_prefix\":\"\"}", "key_prefix"},
      {"{\"index_prefix\":\"\"}", "index_prefix"},
      {"{\"ttl_s\":0}", "ttl_s"},
      {"{\"ttl_s\":-1}", "ttl_s"},
      // Beyond 64 bits simdjson stops at the number itself, before any field is known.
      {"{\"ttl_s\":18446744073709551616}", "number"},
      {"{\"ttl_s\":1e300}", "ttl_s"},
  };
  for (const auto &k : cases) {
    INFO("options " << k.json.substr(0, 60));
    expect_fail(agenthost_session_store_open(t.cache, k.json.c_str(), &s),
                AGENTHOST_INVALID_ARGUMENT, {fn, k.needle});
    CHECK(s == nullptr);
  }
}

TEST_CASE("bad input: a 1 MiB key prefix is bytes like any other: the store works with it",
          "[bad_input]") {
  // Redis keys are binary-safe up to 512 MB, so a long prefix is legal, if unwise.
  Tour t;
  agenthost_session_store *s = nullptr;
  const std::string options = "{\"key_prefix\":\"" + t.prefix + kHugeText +
                              "\",\"index_prefix\":\"" + t.prefix + "idx:\",\"ttl_s\":600}";
  REQUIRE(agenthost_session_store_open(t.cache, options.c_str(), &s) == AGENTHOST_OK);
  char *json = nullptr;
  REQUIRE(agenthost_session_store_create(s, "{\"model\":\"m\",\"id\":\"p1\"}", &json) ==
          AGENTHOST_OK);
  agenthost_free(json);
  json = nullptr;
  REQUIRE(agenthost_session_store_get(s, "p1", nullptr, &json) == AGENTHOST_OK);
  agenthost_free(json);
  CHECK(agenthost_session_store_delete(s, "p1", nullptr) == AGENTHOST_OK);
  agenthost_session_store_close(s);
}

TEST_CASE("bad input: session create rejects each bad request and writes nothing", "[bad_input]") {
  Tour t;
  const char *fn = "agenthost_session_store_create";
  char *json = reinterpret_cast<char *>(1);
  expect_fail(agenthost_session_store_create(nullptr, "{\"model\":\"m\"}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "s is NULL"});
  CHECK(json == nullptr);
  expect_fail(agenthost_session_store_create(t.store, nullptr, &json), AGENTHOST_INVALID_ARGUMENT,
              {fn, "request_json is NULL"});
  expect_fail(agenthost_session_store_create(t.store, "{\"model\":\"m\"}", nullptr),
              AGENTHOST_INVALID_ARGUMENT, {fn, "session_json is NULL"});

  struct Case {
    std::string json;
    const char *needle;
  };
  const Case cases[] = {
      {"", "create request"},
      {"{}", "model"},
      {"{\"model\":\"\"}", "model"},
      {"{\"model\":\"" + kInvalidUtf8 + "\"}", "create request"},
      {"{\"model\":\"\\ud800\"}", "create request"},  // an escaped lone surrogate
      {"{\"model\":\"m\",\"id\":\"\"}", "id"},
      {"{\"model\":\"m\",\"id\":\"" + kHugeText + "\"}", "id"},
      {"{\"model\":\"m\",\"id\":\"a b\"}", "id"},
      {"{\"model\":\"m\",\"parent_session_id\":\"" + kHugeText + "\"}", "parent_session_id"},
      {"{\"model\":\"m\",\"owner_api_key\":\"\"}", "owner API key"},
      {"{\"model\":\"m\",\"metadata\":[]}", "metadata"},
      {"{\"model\":\"m\",\"metadata\":" + nested_objects(10000) + "}", "create request"},
      {"{\"model\":\"m\",\"metadata\":{\"a\":\"" + kHugeText + "\"}}", "metadata"},
      {nested_arrays(10000), "create request"},
      {"{\"model\":1e999}", "create request"},
      {"{\"model\":\"m\",\"owner_api_key\":\"k1\",\"owner_api_key\":\"k2\"}",
       "the key \"owner_api_key\" appears twice"},
  };
  for (const auto &k : cases) {
    INFO("request " << k.json.substr(0, 60));
    expect_fail(agenthost_session_store_create(t.store, k.json.c_str(), &json),
                AGENTHOST_INVALID_ARGUMENT, {fn, k.needle});
    CHECK(json == nullptr);
  }
  CHECK(t.sessions() == 0);
}

TEST_CASE("bad input: a 1 MiB model is either stored exactly or rejected naming model",
          "[bad_input]") {
  Tour t;
  char *json = nullptr;
  const std::string request = "{\"model\":\"" + kHugeText + "\",\"id\":\"big-model\"}";
  const auto st = agenthost_session_store_create(t.store, request.c_str(), &json);
  if (st == AGENTHOST_OK) {
    agenthost_free(json);
    CHECK(t.session_json("big-model").find(kHugeText) != std::string::npos);
  } else {
    expect_fail(st, AGENTHOST_INVALID_ARGUMENT, {"model"});
    CHECK(t.sessions() == 0);
  }
}

TEST_CASE("bad input: session get/delete with NULL, empty, invalid and huge ids", "[bad_input]") {
  Tour t;
  t.create("keep");
  char *json = reinterpret_cast<char *>(1);
  const char *get = "agenthost_session_store_get";
  expect_fail(agenthost_session_store_get(nullptr, "keep", nullptr, &json),
              AGENTHOST_INVALID_ARGUMENT, {get, "s is NULL"});
  CHECK(json == nullptr);
  expect_fail(agenthost_session_store_get(t.store, nullptr, nullptr, &json),
              AGENTHOST_INVALID_ARGUMENT, {get, "id is NULL"});
  expect_fail(agenthost_session_store_get(t.store, "keep", nullptr, nullptr),
              AGENTHOST_INVALID_ARGUMENT, {get, "session_json is NULL"});
  expect_fail(agenthost_session_store_get(t.store, "keep", "", &json), AGENTHOST_INVALID_ARGUMENT,
              {get, "owner API key"});

  const char *del = "agenthost_session_store_delete";
  expect_fail(agenthost_session_store_delete(nullptr, "keep", nullptr), AGENTHOST_INVALID_ARGUMENT,
              {del, "s is NULL"});
  expect_fail(agenthost_session_store_delete(t.store, nullptr, nullptr), AGENTHOST_INVALID_ARGUMENT,
              {del, "id is NULL"});
  expect_fail(agenthost_session_store_delete(t.store, "keep", ""), AGENTHOST_INVALID_ARGUMENT,
              {del, "owner API key"});

  for (const std::string &id : {std::string(), kInvalidUtf8, kHugeText, std::string("a\nb")}) {
    INFO("id " << id.substr(0, 20));
    expect_fail(agenthost_session_store_get(t.store, id.c_str(), nullptr, &json),
                AGENTHOST_INVALID_ARGUMENT, {get, "session id"});
    CHECK(json == nullptr);
    expect_fail(agenthost_session_store_delete(t.store, id.c_str(), nullptr),
                AGENTHOST_INVALID_ARGUMENT, {del, "session id"});
  }
  // Invalid UTF-8 or 1 MiB owner keys are only bytes to hash: the session reads as absent.
  for (const std::string &key : {kInvalidUtf8, kHugeText}) {
    CHECK(agenthost_session_store_get(t.store, "keep", key.c_str(), &json) == AGENTHOST_NOT_FOUND);
    CHECK(agenthost_session_store_delete(t.store, "keep", key.c_str()) == AGENTHOST_NOT_FOUND);
  }
  CHECK(t.sessions() == 1);
  CHECK(t.session_json("keep").find("\"id\":\"keep\"") != std::string::npos);
}

TEST_CASE("bad input: session update rejects each bad patch and changes nothing", "[bad_input]") {
  Tour t;
  t.create("keep");
  const std::string before = t.session_json("keep");
  const char *fn = "agenthost_session_store_update";
  char *json = reinterpret_cast<char *>(1);
  expect_fail(agenthost_session_store_update(nullptr, "keep", nullptr, "{}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "s is NULL"});
  CHECK(json == nullptr);
  expect_fail(agenthost_session_store_update(t.store, nullptr, nullptr, "{}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "id is NULL"});
  expect_fail(agenthost_session_store_update(t.store, "keep", nullptr, nullptr, &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "patch_json is NULL"});
  expect_fail(agenthost_session_store_update(t.store, "keep", nullptr, "{}", nullptr),
              AGENTHOST_INVALID_ARGUMENT, {fn, "session_json is NULL"});
  expect_fail(agenthost_session_store_update(t.store, "", nullptr, "{}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "session id"});
  expect_fail(agenthost_session_store_update(t.store, kHugeText.c_str(), nullptr, "{}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "session id"});
  expect_fail(agenthost_session_store_update(t.store, "keep", "", "{}", &json),
              AGENTHOST_INVALID_ARGUMENT, {fn, "owner API key"});

  struct Case {
    std::string json;
    const char *needle;
  };
  const Case cases[] = {
      {"", "update request"},
      {kInvalidUtf8, "update request"},
      {"{\"metadata\":{\"a\":\"" + kInvalidUtf8 + "\"}}", "update request"},
      {nested_arrays(10000), "update request"},
      {"{\"metadata\":" + nested_objects(10000) + "}", "update request"},
      {"{\"metadata\":{\"a\":\"" + kHugeText + "\"}}", "metadata"},
      {"{\"status\":\"" + kHugeText + "\"}", "status"},
      {"{\"status\":\"\"}", "status"},
      {"{\"total_turns\":-1}", "total_turns"},
      {"{\"total_turns\":9223372036854775808}", "total_turns"},
      {"{\"total_turns\":1e300}", "total_turns"},
      {"{\"total_turns\":1.5}", "total_turns"},
      {"{\"total_turns\":1,\"increment_turns\":true}", "increment_turns"},
      {"{\"increment_turns\":1}", "increment_turns"},
      {"{\"total_cost_usd\":-0.01}", "total_cost_usd"},
      {"{\"total_cost_usd\":1e999}", "update request"},
      {"{\"total_cost_usd\":\"NaN\"}", "total_cost_usd"},
      {"{\"" + kHugeText + "\":1}", "unknown field"},
  };
  for (const auto &k : cases) {
    INFO("patch " << k.json.substr(0, 60));
    expect_fail(agenthost_session_store_update(t.store, "keep", nullptr, k.json.c_str(), &json),
                AGENTHOST_INVALID_ARGUMENT, {fn, k.needle});
    CHECK(json == nullptr);
  }
  CHECK(t.session_json("keep") == before);
}

TEST_CASE("bad input: session list rejects each bad query", "[bad_input]") {
  Tour t;
  t.create("keep");
  const char *fn = "agenthost_session_store_list";
  agenthost_session_page *page = reinterpret_cast<agenthost_session_page *>(1);
  expect_fail(agenthost_session_store_list(nullptr, nullptr, &page), AGENTHOST_INVALID_ARGUMENT,
              {fn, "s is NULL"});
  CHECK(page == nullptr);
  expect_fail(agenthost_session_store_list(t.store, nullptr, nullptr), AGENTHOST_INVALID_ARGUMENT,
              {fn, "out is NULL"});
  struct Case {
    std::string json;
    const char *needle;
  };
  const Case cases[] = {
      {"", "list query"},
      {kInvalidUtf8, "list query"},
      {nested_arrays(10000), "list query"},
      {"{\"owner_api_key\":" + nested_objects(10000) + "}", "list query"},
      {"{\"page\":0}", "page"},
      {"{\"page\":-1}", "page"},
      {"{\"page\":4294967296}", "page"},
      {"{\"page\":1e300}", "page"},
      {"{\"page_size\":0}", "page_size"},
      {"{\"page_size\":101}", "page_size"},
      {"{\"page_size\":18446744073709551615}", "page_size"},
      {"{\"status\":\"bogus\"}", "status"},
      {"{\"owner_api_key\":\"\"}", "owner API key"},
      {"{\"cursor\":\"\"}", "cursor"},
      {"{\"cursor\":\"" + kHugeText + "\"}", "cursor"},
      {"{\"cursor\":\"" + kInvalidUtf8 + "\"}", "list query"},
      {"{\"cursor\":\"not-a-cursor\"}", "cursor"},
      {"{\"cursor\":\"eyJ4IjoxfQ\",\"page\":2}", "cursor"},
      {"{\"owner_api_key\":\"k1\",\"owner_api_key\":null}",
       "the key \"owner_api_key\" appears twice"},
  };
  for (const auto &k : cases) {
    INFO("query " << k.json.substr(0, 60));
    expect_fail(agenthost_session_store_list(t.store, k.json.c_str(), &page),
                AGENTHOST_INVALID_ARGUMENT, {fn, k.needle});
    CHECK(page == nullptr);
  }
  // The largest page number is valid and simply empty (no overflow in the offset).
  REQUIRE(agenthost_session_store_list(t.store, "{\"page\":4294967295,\"page_size\":100}", &page) ==
          AGENTHOST_OK);
  CHECK(agenthost_session_page_count(page) == 0);
  CHECK(agenthost_session_page_total(page) == 1);
  std::size_t len = 7;
  CHECK(agenthost_session_page_item(page, 0, &len) == nullptr);
  CHECK(len == 0);
  CHECK(agenthost_session_page_item(page, SIZE_MAX, nullptr) == nullptr);
  agenthost_session_page_free(page);
}

TEST_CASE("bad input: reindex and page accessors with NULL", "[bad_input]") {
  Tour t;
  std::uint64_t indexed = 5;
  expect_fail(agenthost_session_store_reindex(nullptr, &indexed), AGENTHOST_INVALID_ARGUMENT,
              {"agenthost_session_store_reindex", "s is NULL"});
  CHECK(indexed == 0);
  expect_fail(agenthost_session_store_reindex(t.store, nullptr), AGENTHOST_INVALID_ARGUMENT,
              {"agenthost_session_store_reindex", "indexed is NULL"});
  CHECK(agenthost_session_page_count(nullptr) == 0);
  CHECK(agenthost_session_page_total(nullptr) == 0);
  std::size_t len = 3;
  CHECK(agenthost_session_page_item(nullptr, 0, &len) == nullptr);
  CHECK(len == 0);
  len = 3;
  CHECK(agenthost_session_page_json(nullptr, &len) == nullptr);
  CHECK(len == 0);
  CHECK(agenthost_session_page_json(nullptr, nullptr) == nullptr);
}

// ---- HookPolicy ------------------------------------------------------------------------------

TEST_CASE("bad input: hook_policy_create with NULL, bad JSON and bad options", "[bad_input]") {
  const char *fn = "agenthost_hook_policy_create";
  agenthost_hook_policy *p = reinterpret_cast<agenthost_hook_policy *>(1);
  expect_fail(agenthost_hook_policy_create(nullptr, nullptr, &p), AGENTHOST_INVALID_ARGUMENT,
              {fn, "config_json is NULL"});
  CHECK(p == nullptr);
  expect_fail(agenthost_hook_policy_create("{}", nullptr, nullptr), AGENTHOST_INVALID_ARGUMENT,
              {fn, "out is NULL"});
  const std::string hook = "{\"url\":\"http://127.0.0.1:9/h\"";
  struct Case {
    std::string json;
    const char *needle;
  };
  const Case cases[] = {
      {"", "config"},
      {kInvalidUtf8, "config"},
      {"{\"PreToolUse\":" + hook + ",\"matcher\":\"" + kInvalidUtf8 + "\"}}", "config"},
      {nested_arrays(10000), "config"},
      {"{\"PreToolUse\":" + nested_arrays(10000) + "}", "config"},
      {"{\"PreToolUse\":" + hook + ",\"headers\":" + nested_objects(10000) + "}}", "config"},
      {"{\"PreToolUse\":{\"url\":\"\"}}", "url"},
      {"{\"PreToolUse\":{\"url\":\"http://" + kHugeText + "/\"}}", "host"},
      {"{\"PreToolUse\":{\"url\":\"ftp://127.0.0.1/\"}}", "url"},
      {"{\"PreToolUse\":" + hook + ",\"timeout\":0}}", "timeout"},
      {"{\"PreToolUse\":" + hook + ",\"timeout\":301}}", "timeout"},
      {"{\"PreToolUse\":" + hook + ",\"timeout_ms\":-1}}", "timeout_ms"},
      {"{\"PreToolUse\":" + hook + ",\"timeout_ms\":1e300}}", "timeout_ms"},
      {"{\"PreToolUse\":" + hook + ",\"timeout_ms\":18446744073709551616}}", "number"},
      {"{\"PreToolUse\":" + hook + ",\"matcher\":\"(\"}}", "matcher"},
      {"{\"PreToolUse\":" + hook + ",\"on_failure\":\"maybe\"}}", "on_failure"},
      {"{\"PreToolUse\":" + hook + ",\"matcher\":\"" + kHugeText + "\"}}", "matcher"},
  };
  for (const auto &k : cases) {
    INFO("config " << k.json.substr(0, 80));
    expect_fail(agenthost_hook_policy_create(k.json.c_str(), nullptr, &p),
                AGENTHOST_INVALID_ARGUMENT, {fn, k.needle});
    CHECK(p == nullptr);
  }

  struct OptCase {
    const char *field;
    void (*set)(agenthost_hook_options &);
  };
  const OptCase options[] = {
      {"struct_size", [](agenthost_hook_options &o) { o.struct_size = 0; }},
      {"struct_size", [](agenthost_hook_options &o) { o.struct_size = 2; }},
      {"max_response_bytes", [](agenthost_hook_options &o) { o.max_response_bytes = 0; }},
      {"max_response_bytes", [](agenthost_hook_options &o) { o.max_response_bytes = UINT32_MAX; }},
      {"failure_threshold", [](agenthost_hook_options &o) { o.breaker_failure_threshold = 0; }},
      {"failure_threshold",
       [](agenthost_hook_options &o) { o.breaker_failure_threshold = UINT32_MAX; }},
      {"cooldown", [](agenthost_hook_options &o) { o.breaker_cooldown_ms = 0; }},
      {"cooldown", [](agenthost_hook_options &o) { o.breaker_cooldown_ms = UINT32_MAX; }},
  };
  for (const auto &k : options) {
    agenthost_hook_options o;
    agenthost_hook_options_init(&o);
    k.set(o);
    INFO("option " << k.field);
    expect_fail(agenthost_hook_policy_create("{}", &o, &p), AGENTHOST_INVALID_ARGUMENT,
                {fn, k.field});
    CHECK(p == nullptr);
  }
}

TEST_CASE("bad input: hook evaluate with bad input always hands back a DENY verdict",
          "[bad_input]") {
  const char *fn = "agenthost_hook_policy_evaluate";
  agenthost_hook_options o;
  agenthost_hook_options_init(&o);
  o.allow_private_networks = 1;
  agenthost_hook_policy *p = nullptr;
  // Port 9 (discard) on loopback: nothing should ever be reached by these inputs anyway.
  REQUIRE(agenthost_hook_policy_create(
              "{\"PreToolUse\":{\"url\":\"http://127.0.0.1:9/h\",\"timeout_ms\":200}}", &o, &p) ==
          AGENTHOST_OK);
  agenthost_verdict *v = nullptr;
  const char *input = "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\"}";

  expect_fail(agenthost_hook_policy_evaluate(nullptr, input, std::strlen(input), &v),
              AGENTHOST_INVALID_ARGUMENT, {fn, "p is NULL"});
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);
  v = nullptr;
  expect_fail(agenthost_hook_policy_evaluate(p, nullptr, 10, &v), AGENTHOST_INVALID_ARGUMENT,
              {fn, "input_json is NULL"});
  REQUIRE(v != nullptr);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);
  expect_fail(agenthost_hook_policy_evaluate(p, input, std::strlen(input), nullptr),
              AGENTHOST_INVALID_ARGUMENT, {fn, "out is NULL"});

  const std::string cases[] = {
      "",
      kInvalidUtf8,
      "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"" + kInvalidUtf8 + "\"}",
      nested_arrays(10000),
      "{\"hook_event_name\":\"PreToolUse\",\"tool_input\":" + nested_objects(10000) + "}",
      "{\"hook_event_name\":\"PreToolUse\",\"tool_input\":{\"x\":\"" + std::string(16u << 20, 'x') +
          "\"}}",
      "{\"tool_name\":\"Bash\"}",
      "{\"hook_event_name\":\"\"}",
      "{\"hook_event_name\":42}",
      "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Read\",\"tool_name\":\"Bash\"}",
  };
  for (const auto &input_json : cases) {
    INFO("input " << input_json.substr(0, 60) << " (" << input_json.size() << " bytes)");
    v = nullptr;
    expect_fail(agenthost_hook_policy_evaluate(p, input_json.data(), input_json.size(), &v),
                AGENTHOST_INVALID_ARGUMENT, {fn, "input"});
    REQUIRE(v != nullptr);
    CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
    CHECK(std::string(agenthost_verdict_json(v, nullptr)).find("\"decision\":\"deny\"") !=
          std::string::npos);
    agenthost_verdict_free(v);
  }
  // A 1 MiB tool name goes through the (linear-time) matcher and on to the hook, which is down:
  // a failed DENY, not a crash or a hang.
  const std::string huge_tool =
      "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"" + kHugeText + "\"}";
  v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, huge_tool.data(), huge_tool.size(), &v) ==
          AGENTHOST_OK);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  CHECK(std::string(agenthost_verdict_json(v, nullptr)).find("\"failed\":true") !=
        std::string::npos);
  agenthost_verdict_free(v);
  // Unknown events are accepted by design (the event list grows): a 1 MiB event name has no
  // hooks, so it is allowed as "no hook matched" - never confused with PreToolUse.
  const std::string huge_event = "{\"hook_event_name\":\"" + kHugeText + "\"}";
  v = nullptr;
  REQUIRE(agenthost_hook_policy_evaluate(p, huge_event.data(), huge_event.size(), &v) ==
          AGENTHOST_OK);
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_ALLOW);
  CHECK(std::string(agenthost_verdict_reason(v)) == "no hook matched");
  agenthost_verdict_free(v);

  // A length shorter than the text: only `len` bytes are read (here: an incomplete object).
  v = nullptr;
  expect_fail(agenthost_hook_policy_evaluate(p, input, 5, &v), AGENTHOST_INVALID_ARGUMENT,
              {fn, "input"});
  CHECK(agenthost_verdict_decision(v) == AGENTHOST_DENY);
  agenthost_verdict_free(v);
  agenthost_hook_policy_free(p);

  // Verdict accessors on NULL describe a deny.
  CHECK(agenthost_verdict_decision(nullptr) == AGENTHOST_DENY);
  CHECK(agenthost_verdict_reason(nullptr) != nullptr);
  std::size_t len = 0;
  CHECK(std::string(agenthost_verdict_json(nullptr, &len)).find("\"decision\":\"deny\"") !=
        std::string::npos);
  CHECK(len > 0);
}
