// The duplicated-key walk every JSON entry point of the library runs on what it parsed.
#include "common/json_duplicates.hpp"

#include <simdjson.h>

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace {

std::optional<std::string> dup(const std::string &json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE(parser.parse(json).get(root) == simdjson::SUCCESS);
  return agenthost::detail::duplicate_key_path(root);
}

// An object of `n` distinct keys k0..k<n-1>, then `extra` (without its comma) when not empty.
std::string wide_object(int n, const std::string &extra) {
  std::string json = "{";
  for (int i = 0; i < n; ++i) json += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  json += extra.empty() ? "\"last\":0}" : extra + "}";
  return json;
}

}  // namespace

TEST_CASE("json duplicates: documents whose objects have distinct keys pass", "[json]") {
  for (const char *json :
       {"1", "\"s\"", "null", "{}", "[]", "[1,2,2]", R"({"a":1,"b":{"c":[1,{"d":2}]}})",
        R"({"a":{"x":1},"b":{"x":2}})",                    // the same key in sibling objects
        R"({"a":{"a":{"a":1}}})",                          // and at every depth
        R"({"h":[{"u":1,"v":2},{"u":3,"v":4}]})",          // objects of an array
        R"({"a":1,"A":2,"a ":3,"\u00e9":4,"e\u0301":5})",  // keys compare byte for byte
        R"({"x":"{\"k\":1,\"k\":2}"})"}) {                 // a string holding JSON is a string
    INFO(json);
    CHECK_FALSE(dup(json).has_value());
  }
  CHECK_FALSE(dup(wide_object(40, "")).has_value());
}

TEST_CASE("json duplicates: the path of the duplicated key, at any depth", "[json]") {
  CHECK(dup(R"({"owner_api_key":"B","owner_api_key":null})") == "owner_api_key");
  CHECK(dup(R"({"a":1,"b":2,"a":3})") == "a");
  CHECK(dup(R"({"metadata":{"x":1,"x":2}})") == "metadata.x");
  CHECK(dup(R"({"h":[{"u":1},{"u":1,"u":2}]})") == "h[1].u");
  CHECK(dup(R"([{"a":1,"a":2}])") == "[0].a");
  CHECK(dup(R"({"a":[[{"k":1,"k":1}]]})") == "a[0][0].k");
  CHECK(dup(R"({"a":{"b":[0,{"c":{"d":1,"d":{}}}]}})") == "a.b[1].c.d");
  // Escapes are read before keys compare: "\u0061" is "a".
  CHECK(dup(R"({"a":1,"\u0061":2})") == "a");
  CHECK(dup(R"({"tool_name":"Read","tool\u005fname":"Bash"})") == "tool_name");
  // The first object in document order that has one; the root before its children.
  CHECK(dup(R"({"a":{"x":1,"x":2},"b":{"y":1,"y":2}})") == "a.x");
  CHECK(dup(R"({"a":{"x":1,"x":2},"a":1})") == "a");
  CHECK(dup(R"([[1,{"p":1,"p":2}],{"q":1,"q":2}])") == "[0][1].p");
}

TEST_CASE("json duplicates: wide objects, past the pairwise scan", "[json]") {
  CHECK(dup(wide_object(40, R"("k39":1)")) == "k39");
  CHECK(dup(wide_object(40, R"("k3":1)")) == "k3");
  CHECK(dup(wide_object(15, R"("k0":1)")) == "k0");
  CHECK(dup(wide_object(16, R"("k0":1)")) == "k0");
  CHECK(dup(wide_object(17, R"("k16":1)")) == "k16");
  CHECK(dup(R"({"m":)" + wide_object(1000, R"("k999":{})") + "}") == "m.k999");
}

TEST_CASE("json duplicates: keys are shown cut and without control characters", "[json]") {
  const std::string long_key(100, 'k');
  CHECK(dup("{\"" + long_key + "\":1,\"" + long_key + "\":2}") == std::string(64, 'k') + "...");
  // A cut never splits a UTF-8 sequence: 63 bytes, then a 2-byte é, cut before the é.
  const std::string accented = std::string(63, 'a') + "\xc3\xa9" + "z";
  CHECK(dup("{\"" + accented + "\":1,\"" + accented + "\":2}") == std::string(63, 'a') + "...");
  CHECK(dup(R"({"a\nb":1,"a\nb":2})") == "a?b");
  CHECK(dup(R"({"":1,"":2})") == "(empty)");
  CHECK(dup(R"({"":{"k":1,"k":2}})") == "(empty).k");
}

TEST_CASE("json duplicates: deep documents are walked without recursion", "[json]") {
  // 999 levels (simdjson's default limit is 1024): 499 times {"a":[ around the innermost object.
  const int pairs = 499;
  std::string open, close, path;
  for (int i = 0; i < pairs; ++i) {
    open += R"({"a":[)";
    close += "]}";
    path += "a[0].";
  }
  CHECK_FALSE(dup(open + R"({"a":1})" + close).has_value());
  CHECK(dup(open + R"({"a":1,"a":2})" + close) == path + "a");
}

TEST_CASE("json duplicates: require_unique_keys names the key, never its value", "[json]") {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE(parser.parse(std::string(R"({"owner_api_key":"sk-secret-1","owner_api_key":null})"))
              .get(root) == simdjson::SUCCESS);
  try {
    agenthost::detail::require_unique_keys(root, "list query");
    FAIL("no exception");
  } catch (const agenthost::Error &e) {
    CHECK(e.code() == agenthost::Errc::invalid_argument);
    CHECK(std::string(e.what()) == R"(list query: the key "owner_api_key" appears twice)");
    CHECK(std::string(e.what()).find("sk-secret-1") == std::string::npos);
  }
  REQUIRE(parser.parse(std::string(R"({"a":{"b":1}})")).get(root) == simdjson::SUCCESS);
  CHECK_NOTHROW(agenthost::detail::require_unique_keys(root, "x"));
}
