// Cursors, owner hashes, ids, key names and the strict parsing of C ABI requests.
#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "common/hex.hpp"
#include "sessions/cursor.hpp"
#include "sessions/key_schema.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_id.hpp"
#include "sessions/session_requests.hpp"
#include "support/errc_of.hpp"

using namespace agenthost;
using namespace agenthost::detail;
using agenthost::test::code_of;

TEST_CASE("cursor: round-trips (score / id) and is URL-safe") {
  for (const CursorPosition &p : {CursorPosition{1767978000123, "abc"}, CursorPosition{0, "a|b:c"},
                                  CursorPosition{-5, "x"}}) {
    const std::string c = encode_cursor(p);
    CHECK(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    const CursorPosition back = decode_cursor(c);
    CHECK(back.score == p.score);
    CHECK(back.id == p.id);
  }
}

TEST_CASE("cursor: tampered cursors are invalid_argument") {
  const std::string good = encode_cursor({1767978000123, "abc"});
  std::string flipped = good;
  flipped[2] = flipped[2] == 'A' ? 'B' : 'A';
  for (const std::string &bad :
       {std::string(""), std::string("!!!!"), std::string("a"), good + "=", good.substr(1), flipped,
        encode_cursor({1, ""}), std::string(2000, 'A'),
        std::string("YzF8MTIzYXw") /* "c1|123a|" */}) {
    INFO(bad);
    CHECK(code_of([&] { decode_cursor(bad); }) == Errc::invalid_argument);
  }
}

TEST_CASE("owner key: SHA-256 hex / constant-time equality") {
  CHECK(owner_key_hash("sk-ant-test-owner-1") ==
        "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146");
  CHECK(owner_key_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(owner_hashes_equal(owner_key_hash("a"), owner_key_hash("a")));
  CHECK_FALSE(owner_hashes_equal(owner_key_hash("a"), owner_key_hash("b")));
  CHECK_FALSE(owner_hashes_equal("ab", "abc"));
  // 64-digit hashes are compared word by word: a difference in any byte is seen.
  const std::string h = owner_key_hash("a");
  for (std::size_t i = 0; i < h.size(); ++i) {
    std::string other = h;
    other[i] = other[i] == '0' ? '1' : '0';
    CHECK_FALSE(owner_hashes_equal(h, other));
  }
  CHECK(is_owner_hash(owner_key_hash("a")));
  CHECK_FALSE(is_owner_hash("xyz"));
}

TEST_CASE("hex: two lower-case digits a byte, high nibble first") {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff, 0x5c};
  CHECK(hex_lower(bytes, sizeof bytes) == "000fa0ff5c");
  CHECK(hex_lower(bytes, 0).empty());
}

TEST_CASE("session ids: random UUIDv4s / validated caller ids") {
  std::set<std::string> seen;
  const std::string lower_hex = "0123456789abcdef";
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_session_id();
    REQUIRE(id.size() == 36);
    for (std::size_t c = 0; c < id.size(); ++c) {
      const bool dash = c == 8 || c == 13 || c == 18 || c == 23;  // 8-4-4-4-12
      CHECK((dash ? id[c] == '-' : lower_hex.find(id[c]) != std::string::npos));
    }
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
  CHECK(code_of([] { validate_session_id(""); }) == Errc::invalid_argument);
  CHECK(code_of([] { validate_session_id("a b"); }) == Errc::invalid_argument);
  CHECK(code_of([] { validate_session_id("a\nb"); }) == Errc::invalid_argument);
  CHECK(code_of([] { validate_session_id(std::string(257, 'a')); }) == Errc::invalid_argument);
  CHECK(code_of([] { validate_session_id("caf\xc3\xa9"); }) == Errc::invalid_argument);
  CHECK(code_of([] { validate_session_id("0f8fad5b-d9cb-469f-a165-70867728950e"); }) == Errc::ok);
}

TEST_CASE("key schema: record keys / index names / glob-escaped scan pattern") {
  const KeySchema k("t[1]:session:", "t[1]:sessions:");
  CHECK(k.record("abc") == "t[1]:session:abc");
  CHECK(k.id_of("t[1]:session:abc") == std::optional<std::string>("abc"));
  CHECK_FALSE(k.id_of("t[1]:session:").has_value());
  CHECK_FALSE(k.id_of("other:abc").has_value());
  CHECK(k.record_pattern() == "t\\[1\\]:session:*");
  CHECK(k.index(std::nullopt, std::nullopt) == "t[1]:sessions:all");
  CHECK(k.index(std::string("h"), SessionStatus::error) == "t[1]:sessions:by_owner:h:status:error");
  CHECK(k.indexes_of(std::string("h"), SessionStatus::active).size() == 4);
  CHECK(k.all_indexes_for(std::nullopt).size() == 4);
}

TEST_CASE("requests: create / patch and list queries parse strictly") {
  const CreateRequest c = parse_create_request(
      R"({"model":"m","id":"x","parent_session_id":null,"owner_api_key":"k","metadata":{"a": 1}})");
  CHECK(c.model == "m");
  CHECK(c.id == std::optional<std::string>("x"));
  CHECK_FALSE(c.parent_session_id);
  CHECK(c.metadata_json == std::optional<std::string>("{\"a\":1}"));
  const SessionPatch p = parse_session_patch(
      R"({"status":"completed","increment_turns":true,"total_cost_usd":1,"metadata":{}})");
  CHECK(p.status == SessionStatus::completed);
  CHECK(p.increment_turns);
  CHECK(p.total_cost_usd == 1.0);
  const ListQuery q = parse_list_query(R"({"page":3,"page_size":100,"status":"error"})");
  CHECK(q.page == 3);
  CHECK(q.page_size == 100);
  CHECK(q.status == SessionStatus::error);
  CHECK(parse_list_query("{}").page_size == 20);
}

TEST_CASE("requests: bad input is invalid_argument") {
  for (const char *bad :
       {"", "{", "[]", "{\"id\":\"x\"}", "{\"model\":5}", "{\"model\":\"m\",\"x\":1}",
        "{\"model\":\"m\",\"metadata\":[1]}", "{\"model\":\"m\",\"metadata\":\"{}\"}"}) {
    INFO(bad);
    CHECK(code_of([&] { parse_create_request(bad); }) == Errc::invalid_argument);
  }
  for (const char *bad :
       {"{\"total_turns\":\"x\"}", "{\"total_turns\":-1}", "{\"total_turns\":1.5}",
        "{\"status\":\"paused\"}", "{\"status\":1}", "{\"increment_turns\":1}",
        "{\"total_cost_usd\":\"1\"}", "{\"total_cost_usd\":-1}", "{\"bogus\":1}"}) {
    INFO(bad);
    CHECK(code_of([&] { parse_session_patch(bad); }) == Errc::invalid_argument);
  }
  for (const char *bad : {"{\"page_size\":0}", "{\"page_size\":101}", "{\"page\":0}",
                          "{\"page\":\"1\"}", "{\"status\":\"nope\"}", "{\"cursor\":5}"}) {
    INFO(bad);
    CHECK(code_of([&] { parse_list_query(bad); }) == Errc::invalid_argument);
  }
  CHECK(code_of([] { parse_store_options("{\"ttl_s\":59}"); }) == Errc::invalid_argument);
  CHECK(code_of([] { parse_store_options("{\"ttl_s\":86401}"); }) == Errc::invalid_argument);
  CHECK(parse_store_options("{\"ttl_s\":60,\"key_prefix\":\"p:\"}").key_prefix == "p:");
  const auto circuit = parse_store_options(
      "{\"ttl_s\":60,\"db_cache_circuit_threshold\":7,\"db_cache_circuit_cooldown_ms\":250}");
  CHECK(circuit.db_cache_circuit_threshold == 7);
  CHECK(circuit.db_cache_circuit_cooldown == std::chrono::milliseconds(250));
  for (const char *bad : {"{\"ttl_s\":60,\"db_cache_circuit_threshold\":0}",
                          "{\"ttl_s\":60,\"db_cache_circuit_threshold\":1001}",
                          "{\"ttl_s\":60,\"db_cache_circuit_cooldown_ms\":0}",
                          "{\"ttl_s\":60,\"db_cache_circuit_cooldown_ms\":600001}"}) {
    INFO(bad);
    CHECK(code_of([&] { parse_store_options(bad); }) == Errc::invalid_argument);
  }
}

TEST_CASE("requests: a key given twice, at any depth, is invalid_argument naming it") {
  // Each parser reads one of the two values; another reader may take the other one (a list query
  // whose second owner_api_key is null would list every owner's sessions).
  struct Case {
    std::function<void(const char *)> parse;
    const char *json;
    const char *key;
  };
  const Case cases[] = {
      {[](const char *j) { parse_list_query(j); },
       R"({"owner_api_key":"sk-owner-b","owner_api_key":null})", "owner_api_key"},
      {[](const char *j) { parse_list_query(j); },
       R"({"owner_api_key":null,"owner_api_key":"sk-owner-b"})", "owner_api_key"},
      {[](const char *j) { parse_list_query(j); }, R"({"page_size":5,"page_size":100})",
       "page_size"},
      {[](const char *j) { parse_list_query(j); }, R"({"tags":["a"],"mode":"x","tags":null})",
       "tags"},
      {[](const char *j) { parse_create_request(j); },
       R"({"model":"m","owner_api_key":"sk-owner-a","owner_api_key":"sk-owner-b"})",
       "owner_api_key"},
      {[](const char *j) { parse_create_request(j); }, R"({"model":"m","id":"a","\u0069d":"b"})",
       "id"},
      {[](const char *j) { parse_create_request(j); },
       R"({"model":"m","metadata":{"project":"a","project":"b"}})", "metadata.project"},
      {[](const char *j) { parse_create_request(j); },
       R"({"model":"m","metadata":{"l":[{"x":1,"x":2}]}})", "metadata.l[0].x"},
      {[](const char *j) { parse_session_patch(j); }, R"({"status":"error","status":"active"})",
       "status"},
      {[](const char *j) { parse_session_patch(j); }, R"({"metadata":{"a":{"b":1,"b":1}}})",
       "metadata.a.b"},
      {[](const char *j) { parse_store_options(j); },
       R"({"key_prefix":"a:","index_prefix":"i:","key_prefix":"b:"})", "key_prefix"},
      {[](const char *j) { parse_store_options(j); },
       R"({"database_url":"postgresql://u:pw-secret@h/db","database_url":null})", "database_url"},
  };
  for (const auto &c : cases) {
    INFO(c.json);
    std::string message;
    CHECK(code_of([&] { c.parse(c.json); }, &message) == Errc::invalid_argument);
    CHECK_THAT(message, Catch::Contains(std::string("the key \"") + c.key + "\" appears twice"));
    for (const char *secret : {"sk-owner-a", "sk-owner-b", "pw-secret"}) {
      CHECK(message.find(secret) == std::string::npos);
    }
  }
  // The same key in two different objects is no duplicate.
  CHECK(parse_create_request(R"({"model":"m","metadata":{"model":"x","a":{"model":"y"}}})")
            .metadata_json == std::optional<std::string>(R"({"model":"x","a":{"model":"y"}})"));
}
