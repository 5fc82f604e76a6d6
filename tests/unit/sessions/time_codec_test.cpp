// The stored format: timestamps, the record codec and the JSON string escaper.
#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_string.hpp"
#include "common/time.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "support/errc_of.hpp"

using namespace agenthost;
using namespace agenthost::detail;
using agenthost::test::code_of;

namespace {
// 2026-01-09T17:00:00.123456Z in microseconds since the epoch.
constexpr MicrosSinceEpoch kT = 1767978000123456;
}  // namespace

TEST_CASE("iso8601: formats UTC with microseconds and +00:00") {
  CHECK(format_iso8601_utc(kT) == "2026-01-09T17:00:00.123456+00:00");
  CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00.000000+00:00");
  CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59.999999+00:00");
  CHECK(format_iso8601_utc(951782400000000) == "2000-02-29T00:00:00.000000+00:00");
  // The ends of Python's datetime range, and beyond them (written, never truncated or wrapped).
  CHECK(format_iso8601_utc(-62135596800000000) == "0001-01-01T00:00:00.000000+00:00");
  CHECK(format_iso8601_utc(253402300799999999) == "9999-12-31T23:59:59.999999+00:00");
  CHECK(format_iso8601_utc(253402300800000000) == "10000-01-01T00:00:00.000000+00:00");
  CHECK(format_iso8601_utc(-62135596800000001) == "0000-12-31T23:59:59.999999+00:00");
  CHECK(format_iso8601_utc(-62167219200000001) == "-001-12-31T23:59:59.999999+00:00");
  std::string appended = "t=";
  agenthost::detail::append_iso8601_utc(appended, kT);
  CHECK(appended == "t=2026-01-09T17:00:00.123456+00:00");
}

TEST_CASE("iso8601: parses every variant the Python service wrote") {
  CHECK(parse_iso8601("2026-01-09T17:00:00.123456+00:00") == kT);
  CHECK(parse_iso8601("2026-01-09T17:00:00.123456") == kT);  // naive utcnow() = UTC
  CHECK(parse_iso8601("2026-01-09T17:00:00.123456Z") == kT);
  CHECK(parse_iso8601("2026-01-09 17:00:00.123456") == kT);
  CHECK(parse_iso8601("2026-01-09T17:00:00+00:00") == kT - 123456);  // isoformat at .000000
  CHECK(parse_iso8601("2026-01-09T17:00:00.1234569+00:00") == kT);   // truncated to us
  CHECK(parse_iso8601("2026-01-09T17:00:00.5Z") == kT - 123456 + 500000);
  // Other offsets are converted to UTC, not dropped.
  CHECK(parse_iso8601("2026-01-09T19:00:00.123456+02:00") == kT);
  CHECK(parse_iso8601("2026-01-09T12:30:00.123456-04:30") == kT);
  CHECK(parse_iso8601("2026-01-09T19:00:00.123456+0200") == kT);
  CHECK(parse_iso8601("2026-01-09T19:00:00.123456+02") == kT);
}

TEST_CASE("iso8601: rejects malformed and out-of-range times") {
  for (const char *bad :
       {"", "2026-01-09", "2026-01-09T17:00", "2026-13-09T17:00:00", "2026-02-30T17:00:00",
        "2025-02-29T00:00:00", "2026-01-09T24:00:00", "2026-01-09T17:60:00", "2026-01-09T17:00:00.",
        "2026-01-09T17:00:00+", "2026-01-09T17:00:00+25:00", "2026-01-09T17:00:00 junk",
        "2026-01-09T17:00:00.1234567890", "x026-01-09T17:00:00", "2026-01-09T17:00:00ZZ"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
  CHECK(parse_iso8601("2024-02-29T00:00:00").has_value());
}

// The stored shape (32 characters, +00:00): every formatted time reads back; a bad field in it
// is rejected.
TEST_CASE("iso8601: the stored shape reads back every formatted time, and rejects bad fields") {
  for (MicrosSinceEpoch t :
       {kT, MicrosSinceEpoch{0}, MicrosSinceEpoch{-1}, MicrosSinceEpoch{951782400000000},
        MicrosSinceEpoch{253402300799999999}}) {
    INFO(t);
    CHECK(parse_iso8601(format_iso8601_utc(t)) == t);
  }
  for (const char *bad : {"2026-13-09T17:00:00.123456+00:00", "2026-02-30T17:00:00.123456+00:00",
                          "2026-01-09T24:00:00.123456+00:00", "2026-01-09T17:00:60.123456+00:00",
                          "2026-01-09T17:00:00.12345x+00:00", "2026-0a-09T17:00:00.123456+00:00",
                          "2026-01-09T17:00:00.123456+00:0x", "2026/01/09T17:00:00.123456+00:00"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
  CHECK(parse_iso8601("2026-01-09t17:00:00.123456+00:00") == kT);
}

TEST_CASE("json escaper: quotes / backslashes / control characters / UTF-8 passes through") {
  std::string out;
  append_json_string(out, "a\"b\\c\n\t\x01\x1f\x7f caf\xc3\xa9 \xf0\x9f\x98\x80", "x");
  CHECK(out == "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f caf\xc3\xa9 \xf0\x9f\x98\x80\"");
}

TEST_CASE("json escaper: invalid UTF-8 is invalid_argument naming the field") {
  for (const std::string &bad :
       {std::string("\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("\xf5\x80\x80\x80"), std::string("\xe0\x80\xaf"), std::string("ok\xff")}) {
    std::string out;
    try {
      append_json_string(out, bad, "model");
      FAIL("accepted invalid UTF-8");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK(std::string(e.what()).find("model") != std::string::npos);
    }
    CHECK_FALSE(is_valid_utf8(bad));
  }
  CHECK(is_valid_utf8("caf\xc3\xa9"));
}

TEST_CASE("utf8: long ASCII runs are checked eight bytes a step, a bad byte anywhere is found") {
  const std::string ascii(40, 'a');
  CHECK(is_valid_utf8(ascii));
  for (std::size_t at = 0; at < ascii.size(); ++at) {
    INFO(at);
    std::string bad = ascii;
    bad[at] = '\xff';
    CHECK_FALSE(is_valid_utf8(bad));
    std::string cut = ascii.substr(0, at) + "\xc3";  // a sequence cut by the end
    CHECK_FALSE(is_valid_utf8(cut));
    std::string good = ascii.substr(0, at) + "caf\xc3\xa9" + ascii.substr(at);
    CHECK(is_valid_utf8(good));
  }
}

TEST_CASE("codec: a record round-trips with exactly the stored field names") {
  Session s;
  s.id = "abc";
  s.model = "claude \"x\"";
  s.status = SessionStatus::completed;
  s.created_at = SessionTime(std::chrono::microseconds(kT));
  s.updated_at = SessionTime(std::chrono::microseconds(kT + 1));
  s.total_turns = 42;
  s.total_cost_usd = 0.25;
  s.parent_session_id = "parent";
  s.owner = owner_key_hash("sk-1");
  s.metadata_json = R"({"a":[1,2],"b":"c"})";
  const std::string json = encode_record(s);
  CHECK(json ==
        "{\"id\":\"abc\",\"model\":\"claude \\\"x\\\"\",\"status\":\"completed\","
        "\"created_at\":\"2026-01-09T17:00:00.123456+00:00\","
        "\"updated_at\":\"2026-01-09T17:00:00.123457+00:00\",\"total_turns\":42,"
        "\"total_cost_usd\":0.25,\"parent_session_id\":\"parent\",\"owner_api_key_hash\":\"" +
            *s.owner + "\",\"session_metadata\":{\"a\":[1,2],\"b\":\"c\"}}");
  const Session back = decode_record("abc", json);
  CHECK(back.model == s.model);
  CHECK(back.status == s.status);
  CHECK(back.created_at == s.created_at);
  CHECK(back.updated_at == s.updated_at);
  CHECK(back.total_turns == 42);
  CHECK(back.total_cost_usd == 0.25);
  CHECK(back.parent_session_id == s.parent_session_id);
  CHECK(back.owner == s.owner);
  CHECK(back.metadata_json == s.metadata_json);
  const std::string api = encode_api(s);
  CHECK(api.find("owner") == std::string::npos);
  CHECK(api.find("\"metadata\":{\"a\":[1,2],\"b\":\"c\"}") != std::string::npos);
}

TEST_CASE("codec: reads the Python service's older record (plaintext owner key / naive time)") {
  const Session s = decode_record(
      "py-old-1",
      R"({"id": "py-old-1", "model": "claude-3-5-sonnet-20241022", "status": "active", "created_at": "2026-01-09T17:00:00.123456", "updated_at": "2026-01-09T17:00:00.123456", "total_turns": 3, "total_cost_usd": 0.0123, "parent_session_id": null, "owner_api_key": "sk-ant-test-owner-1"})");
  CHECK(s.model == "claude-3-5-sonnet-20241022");
  CHECK(s.status == SessionStatus::active);
  CHECK(s.created_at.time_since_epoch().count() == kT);
  CHECK(s.total_turns == 3);
  CHECK(s.total_cost_usd == 0.0123);
  CHECK_FALSE(s.parent_session_id);
  CHECK(s.owner == "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146");
  CHECK(encode_record(s).find("sk-ant-test-owner-1") == std::string::npos);
}

TEST_CASE("codec: reads the later shape / numbers as strings / unknown status and fields") {
  const Session s = decode_record(
      "py-new-1",
      R"({"id": "py-new-1", "model": "claude-sonnet-4", "status": "completed", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:05.123456+00:00", "total_turns": "7", "total_cost_usd": null, "parent_session_id": "py-old-1", "owner_api_key_hash": "B5562D6EB29AA965D2933F73CA0CA12EBE1B8F163F893F5BA8AFF713CCEF2146", "session_metadata": {"project": "caf\u00e9", "tags": ["a", "b"], "n": 1}})");
  CHECK(s.status == SessionStatus::completed);
  CHECK(s.total_turns == 7);
  CHECK_FALSE(s.total_cost_usd);
  CHECK(s.parent_session_id == "py-old-1");
  CHECK(s.owner == "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146");
  CHECK(s.metadata_json == "{\"project\":\"caf\xc3\xa9\",\"tags\":[\"a\",\"b\"],\"n\":1}");
  const Session z = decode_record(
      "py-z",
      R"({"id": "py-z", "model": "m", "status": "weird", "created_at": "2026-01-09T17:00:01Z", "updated_at": "2026-01-09T19:00:02+02:00", "total_turns": 0, "total_cost_usd": "1.5", "parent_session_id": null, "owner_api_key_hash": null, "session_metadata": null, "extra_field": [1, 2]})");
  CHECK(z.status == SessionStatus::active);
  CHECK(z.total_cost_usd == 1.5);
  CHECK_FALSE(z.owner);
  CHECK(z.updated_at.time_since_epoch().count() == kT - 123456 + 2000000);
  const Session ints = decode_record(
      "i",
      R"({"model": "m", "created_at": "2026-01-09T17:00:00", "total_turns": 5.0, "total_cost_usd": 0, "status": null})");
  CHECK(ints.total_turns == 5);
  CHECK(ints.total_cost_usd == 0.0);
  CHECK(ints.status == SessionStatus::active);
  CHECK(ints.updated_at == ints.created_at);
}

TEST_CASE("codec: undecodable records are corrupt / never a crash") {
  const std::string valid_time = R"("created_at": "2026-01-09T17:00:00")";
  for (const std::string &bad :
       {std::string(""), std::string("not json"), std::string("[1,2]"), std::string("null"),
        std::string("{\"model\": \"m\"}"), "{\"model\": 5, " + valid_time + "}",
        std::string("{\"model\": \"m\", \"created_at\": \"yesterday\"}"),
        "{\"model\": \"m\", " + valid_time + ", \"total_turns\": \"x\"}",
        "{\"model\": \"m\", " + valid_time + ", \"total_turns\": -1}",
        "{\"model\": \"m\", " + valid_time + ", \"total_turns\": 1.5}",
        "{\"model\": \"m\", " + valid_time + ", \"total_cost_usd\": \"abc\"}",
        "{\"model\": \"m\", " + valid_time + ", \"owner_api_key_hash\": \"nothex\"}",
        "{\"model\": \"m\", " + valid_time + ", \"session_metadata\": [1]}",
        std::string("{\"model\": \"\xff\"}"), std::string("{\"model\": \"m\"")}) {
    INFO(bad);
    CHECK(code_of([&] { decode_record("x", bad); }) == Errc::corrupt);
  }
}

TEST_CASE("codec: metadata must be an object within the size cap") {
  CHECK(normalize_metadata(" { \"a\" : [ 1 , 2 ] } ") == "{\"a\":[1,2]}");
  CHECK(code_of([] { normalize_metadata("[1]"); }) == Errc::invalid_argument);
  CHECK(code_of([] { normalize_metadata("{"); }) == Errc::invalid_argument);
  CHECK(code_of([] { normalize_metadata("{\"a\":\"\xff\"}"); }) == Errc::invalid_argument);
  const std::string big = "{\"a\":\"" + std::string(1 << 20, 'x') + "\"}";
  CHECK(code_of([&] { normalize_metadata(big); }) == Errc::invalid_argument);
  const std::string fits = "{\"a\":\"" + std::string(kMaxMetadataBytes - 8, 'x') + "\"}";
  CHECK(normalize_metadata(fits).size() == kMaxMetadataBytes);  // exactly at the cap
  const std::string over = "{\"a\":\"" + std::string(kMaxMetadataBytes - 7, 'x') + "\"}";
  CHECK(code_of([&] { normalize_metadata(over); }) == Errc::invalid_argument);
  // SessionStore::create / update take metadata_json from C++ callers: a key given twice is
  // refused there too, naming it.
  std::string message;
  CHECK(code_of([] { normalize_metadata(R"({"a":1,"b":{"c":1,"c":2}})"); }, &message) ==
        Errc::invalid_argument);
  CHECK(message == R"(metadata: the key "b.c" appears twice)");
}

TEST_CASE("codec: doubles are written like Python floats") {
  CHECK(format_json_double(0.0) == "0.0");
  CHECK(format_json_double(5) == "5.0");
  CHECK(format_json_double(0.1) == "0.1");
  CHECK(format_json_double(1e300) == "1e+300");
}

TEST_CASE("codec: mutated records decode or are corrupt - never another outcome") {
  const std::string base =
      R"({"id": "py-new-1", "model": "claude-sonnet-4", "status": "completed", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:05.123456+00:00", "total_turns": "7", "total_cost_usd": null, "parent_session_id": "py-old-1", "owner_api_key_hash": "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146", "session_metadata": {"project": "caf\u00e9", "tags": ["a", "b"], "n": 1.5e3}})";
  std::uint32_t state = 12345;  // a fixed LCG: the same mutations on every run
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  const char alphabet[] = "{}[]\",:0123456789.eE+-tfnul \\\x01\xc3\xa9\xff";
  int decoded = 0, corrupt_count = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    for (int edits = 1 + static_cast<int>(next() % 4); edits > 0; --edits) {
      const std::size_t at = next() % s.size();
      switch (next() % 3) {
        case 0:
          s[at] = alphabet[next() % (sizeof alphabet - 1)];
          break;
        case 1:
          s.erase(at, 1 + next() % 8);
          break;
        default:
          s.insert(at, 1, alphabet[next() % (sizeof alphabet - 1)]);
          break;
      }
    }
    const Errc code = code_of([&] {
      const Session d = decode_record("x", s);
      // Whatever decodes must encode again into a record that decodes the same.
      const Session again = decode_record("x", encode_record(d));
      CHECK(again.total_turns == d.total_turns);
      CHECK(again.metadata_json == d.metadata_json);
      CHECK(again.created_at == d.created_at);
    });
    if (code == Errc::ok)
      ++decoded;
    else if (code == Errc::corrupt)
      ++corrupt_count;
    else
      FAIL("unexpected error code " << errc_name(code) << " for " << s);
  }
  CHECK(decoded > 0);
  CHECK(corrupt_count > 0);
}

namespace {

// decode_record (the fast On-Demand reader with its DOM fallback) against the DOM reader alone:
// the same session, or the same error with the same message.
void check_readers_agree(const std::string &record) {
  INFO(record);
  std::string fast_error, dom_error;
  Session fast, dom;
  try {
    fast = decode_record("x", record);
  } catch (const Error &e) {
    fast_error = std::string(errc_name(e.code())) + ": " + e.what();
  }
  try {
    dom = decode_record_with_dom("x", record);
  } catch (const Error &e) {
    dom_error = std::string(errc_name(e.code())) + ": " + e.what();
  }
  REQUIRE(fast_error == dom_error);
  if (!fast_error.empty()) return;
  CHECK(encode_record(fast) == encode_record(dom));
  CHECK(fast.owner == dom.owner);
}

std::string nested_metadata(int depth) {
  return std::string(static_cast<std::size_t>(depth - 1), '[') + "1" +
         std::string(static_cast<std::size_t>(depth - 1), ']');
}

}  // namespace

TEST_CASE("codec: the fast reader and the DOM reader agree on every record") {
  const std::string head =
      R"({"id":"a","model":"m","status":"active","created_at":"2026-01-09T17:00:00.123456+00:00",)"
      R"("updated_at":"2026-01-09T17:00:00.123456+00:00","total_turns":3,"total_cost_usd":0.5,)"
      R"("parent_session_id":null,"owner_api_key_hash":")" +
      owner_key_hash("k") + R"(","session_metadata":)";
  const std::vector<std::string> metadata = {
      R"({"project":"bench","tags":["alpha","beta"]})",
      R"({})",
      R"({"a":{}})",
      R"({"a":[]})",
      R"(null)",
      R"({"a": 1})",
      R"({"a":1} )",
      R"({"a":"caf\u00e9"})",
      R"({"a":"\/"})",
      R"({"a":"\"\\\n\r\t\b\f"})",
      R"({"a":"\u001f"})",
      "{\"a\":\"\x7f\"}",
      "{\"a\":\"caf\xc3\xa9\"}",
      R"({"a":1.5})",
      R"({"a":1e2})",
      R"({"a":-0})",
      R"({"a":0})",
      R"({"a":-12})",
      R"({"a":123456789012345678})",
      R"({"a":1234567890123456789})",
      R"({"a":18446744073709551615})",
      R"({"a":18446744073709551616})",
      R"({"a":true,"b":false,"c":null})",
      R"({"a":1,"a":2})",
      R"({"a":01})",
      R"({"a":tru})",
      R"({"a":[1,]})",
      R"({"a":[1}])",
      R"({"a" 1})",
      R"({"a":1,})",
      R"([1])",
      R"("x")",
      R"(5)",
      "{\"a\":" + nested_metadata(31) + "}",
      "{\"a\":" + nested_metadata(40) + "}",
      "{\"a\":" + nested_metadata(1021) + "}",
      "{\"a\":" + nested_metadata(1022) + "}",
      "{\"a\":" + nested_metadata(1023) + "}",
      "{\"a\":" + nested_metadata(1024) + "}",
      "{\"a\":" + nested_metadata(1025) + "}",
  };
  for (const auto &m : metadata) {
    check_readers_agree(head + m + "}");
    check_readers_agree(head + m + "} ");
    check_readers_agree(head + m + "}}");
    check_readers_agree(head + m + ",\"session_metadata\":{\"b\":2}}");
    check_readers_agree(head + m + ",\"metadata\":{\"b\":2}}");
    check_readers_agree(head + "{\"b\":2},\"metadata\":" + m + "}");
    check_readers_agree("{\"metadata\":" + m + "," + head.substr(1) + "null}");
  }
  for (const std::string field : {R"("total_turns":"7")",
                                  R"("total_turns":5.0)",
                                  R"("total_turns":-1)",
                                  R"("total_turns":9223372036854775808)",
                                  R"("total_turns":1e400)",
                                  R"("total_turns":true)",
                                  R"("total_cost_usd":NaN)",
                                  R"("total_cost_usd":"1.5")",
                                  R"("total_cost_usd":"")",
                                  R"("total_cost_usd":18446744073709551615)",
                                  R"("total_cost_usd":100000000000000000000)",
                                  R"("total_cost_usd":[1])",
                                  R"("status":5)",
                                  R"("status":null)",
                                  R"("status":nul)",
                                  R"("model":5)",
                                  R"("mo\u0064el":"n")",
                                  R"("id":{"a":1})",
                                  R"("id":5)",
                                  R"("extra":[1,2])",
                                  R"("owner_api_key":"sk-1")",
                                  R"("owner_api_key_hash":null,"owner_api_key":"sk-1")",
                                  R"("updated_at":null)",
                                  R"("updated_at":"2026-01-09T19:00:02+02:00")",
                                  R"("created_at":"yesterday")",
                                  R"("parent_session_id":"")",
                                  R"("":1)",
                                  R"("model" "m")",
                                  R"("model":"m" "status":"x")",
                                  R"(,"model":"m")"}) {
    check_readers_agree(head + "{}," + field + "}");
    check_readers_agree("{" + field + "," + head.substr(1) + "{}}");
  }
  for (const std::string &bad : {std::string(""), std::string("{"), std::string("[]"),
                                 std::string("{\"model\":\"\xff\"}"), std::string(" {} ")}) {
    check_readers_agree(bad);
  }
}

TEST_CASE("codec: the fast reader and the DOM reader agree on mutated records") {
  const std::vector<std::string> bases = {
      R"({"id":"a","model":"claude","status":"completed","created_at":"2026-01-09T17:00:00.123456+00:00","updated_at":"2026-01-09T17:00:00.123456+00:00","total_turns":7,"total_cost_usd":0.25,"parent_session_id":"p","owner_api_key_hash":"b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146","session_metadata":{"project":"bench","tags":["alpha","beta"],"n":12,"o":{"k":null}}})",
      R"({"id": "py-new-1", "model": "claude-sonnet-4", "status": "completed", "created_at": "2026-01-09T17:00:00.123456+00:00", "updated_at": "2026-01-09T17:00:05.123456+00:00", "total_turns": "7", "total_cost_usd": null, "parent_session_id": "py-old-1", "owner_api_key_hash": "b5562d6eb29aa965d2933f73ca0ca12ebe1b8f163f893f5ba8aff713ccef2146", "session_metadata": {"project": "caf\u00e9", "tags": ["a", "b"], "n": 1.5e3}})"};
  std::uint32_t state = 777;  // a fixed LCG: the same mutations on every run
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  const char alphabet[] = "{}[]\",:0123456789.eE+-tfnul \\/u\x01\x7f\xc3\xa9\xff";
  for (const auto &base : bases) {
    for (int i = 0; i < 4000; ++i) {
      std::string s = base;
      for (int edits = 1 + static_cast<int>(next() % 3); edits > 0; --edits) {
        const std::size_t at = next() % s.size();
        switch (next() % 3) {
          case 0:
            s[at] = alphabet[next() % (sizeof alphabet - 1)];
            break;
          case 1:
            s.erase(at, 1 + next() % 4);
            break;
          default:
            s.insert(at, 1, alphabet[next() % (sizeof alphabet - 1)]);
            break;
        }
      }
      check_readers_agree(s);
    }
  }
}

TEST_CASE("codec: a record's times read exactly as parse_iso8601 reads them") {
  for (const std::string t :
       {"2026-01-09T17:00:00.123456+00:00", "2026-01-09T23:59:59.999999+00:00",
        "2026-01-09T00:00:00.000000+00:00", "2026-01-10T00:00:00.000001+00:00",
        "2024-02-29T12:00:00.000000+00:00", "2023-02-29T12:00:00.000000+00:00",
        "2026-13-01T12:00:00.000000+00:00", "2026-01-09T24:00:00.000000+00:00",
        "2026-01-09T17:60:00.000000+00:00", "2026-01-09T17:00:60.000000+00:00",
        "2026-01-09T17:00:00.12345a+00:00", "2026-01-09T17:00:00.123456+01:00",
        "2026-01-09t17:00:00.123456+00:00", "2026-01-09 17:00:00.123456+00:00",
        "2026-01-09T17:00:00.123456-00:00", "2026-01-09T17:00:00.1234567+00:00",
        "0001-01-01T00:00:00.000000+00:00", "0000-12-31T23:59:59.999999+00:00",
        "9999-12-31T23:59:59.999999+00:00", "1969-12-31T23:59:59.999999+00:00",
        "2026/01/09T17:00:00.123456+00:00", "2026-01-09T17:00:00.123456+00:00"}) {
    INFO(t);
    const std::string record = R"({"model":"m","created_at":")" + t + R"("})";
    const auto expected = parse_iso8601(t);
    if (expected) {
      CHECK(decode_record("x", record).created_at.time_since_epoch().count() == *expected);
    } else {
      CHECK(code_of([&] { decode_record("x", record); }) == Errc::corrupt);
    }
  }
}

// Found by fuzzing: an offset can move a time out of years 1..9999 once converted to UTC; such a
// record would decode but could never be written back, so it is corrupt at decode.
TEST_CASE("codec: a time outside years 1..9999 once in UTC is corrupt, one just inside decodes") {
  for (const std::string t : {"0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
                              "0001-01-01T00:00:00.000001+00:01", "9999-12-31T23:59:59Z"}) {
    INFO(t);
    const std::string record = R"({"model":"m","created_at":")" + t + R"("})";
    if (t == "9999-12-31T23:59:59Z") {
      const Session s = decode_record("x", record);
      CHECK(decode_record("x", encode_record(s)).created_at == s.created_at);
    } else {
      CHECK(code_of([&] { decode_record("x", record); }) == Errc::corrupt);
    }
  }
  const Session early =
      decode_record("x", R"({"model":"m","created_at":"0001-01-01T00:30:00-01:00"})");
  CHECK(format_iso8601_utc(early.created_at.time_since_epoch().count()) ==
        "0001-01-01T01:30:00.000000+00:00");
  CHECK(decode_record("x", encode_record(early)).created_at == early.created_at);
}
