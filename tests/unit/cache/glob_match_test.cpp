// Redis' glob semantics for SCAN MATCH on memory://.
#include "cache/memory/glob_match.hpp"

#include <catch2/catch.hpp>
#include <string>

using agenthost::detail::glob_match;

TEST_CASE("glob: literals, ? and *") {
  CHECK(glob_match("abc", "abc"));
  CHECK_FALSE(glob_match("abc", "abcd"));
  CHECK_FALSE(glob_match("abc", "ab"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "ac"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*", "anything"));
  CHECK(glob_match("a*", "a"));
  CHECK(glob_match("a*c", "abbbc"));
  CHECK(glob_match("a*c", "ac"));
  CHECK_FALSE(glob_match("a*c", "abcd"));
  CHECK(glob_match("*c*", "abcd"));
  CHECK(glob_match("a**b", "axxb"));
  CHECK(glob_match("session:*", "session:123"));
  CHECK_FALSE(glob_match("session:*", "sessions:by_owner:x"));
  CHECK_FALSE(glob_match("", "a"));
  CHECK(glob_match("", ""));
}

TEST_CASE("glob: classes, negation, ranges") {
  CHECK(glob_match("h[ae]llo", "hello"));
  CHECK(glob_match("h[ae]llo", "hallo"));
  CHECK_FALSE(glob_match("h[ae]llo", "hillo"));
  CHECK(glob_match("h[^e]llo", "hallo"));
  CHECK_FALSE(glob_match("h[^e]llo", "hello"));
  CHECK(glob_match("h[a-c]llo", "hbllo"));
  CHECK(glob_match("h[c-a]llo", "hbllo"));  // reversed range, as Redis accepts
  CHECK_FALSE(glob_match("h[a-c]llo", "hdllo"));
  CHECK(glob_match("[\\]]", "]"));
  CHECK(glob_match("[a\\-z]", "-"));
  CHECK_FALSE(glob_match("[a\\-z]", "b"));
  CHECK(glob_match("x[*]", "x*"));
  CHECK_FALSE(glob_match("x[*]", "xy"));
}

TEST_CASE("glob: backslash escapes the next byte") {
  CHECK(glob_match("a\\*", "a*"));
  CHECK_FALSE(glob_match("a\\*", "ab"));
  CHECK(glob_match("a\\?", "a?"));
  CHECK_FALSE(glob_match("a\\?", "ab"));
  CHECK(glob_match("a\\[b", "a[b"));
  CHECK(glob_match("a\\", "a\\"));  // a trailing backslash is literal
}

TEST_CASE("glob: an unterminated class ends at the end of the pattern") {
  CHECK(glob_match("a[bc", "ab"));
  CHECK(glob_match("a[bc", "ac"));
  CHECK_FALSE(glob_match("a[bc", "ad"));
}

TEST_CASE("glob: bytes, including NUL and high bytes") {
  std::string key("k\0\xff", 3);
  CHECK(glob_match(std::string("k?\xff", 3), key));
  CHECK(glob_match("k*", key));
  CHECK(glob_match(std::string("k[\x01-\xff]\xff", 7), std::string("k\x80\xff", 3)));
  CHECK_FALSE(glob_match("k", key));
}

TEST_CASE("glob: many stars on a long miss do not blow up") {
  // Redis' recursive matcher is exponential here; this one must answer at once.
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  std::string text(20000, 'a');
  CHECK_FALSE(glob_match(pattern, text));
  CHECK(glob_match(pattern, text + "b"));
}
