// Redis Cluster pieces that need no server: the URL, key slots, command splitting and merging,
// redirect parsing.
#include <agenthost/cache_client.hpp>
#include <catch2/catch.hpp>

#include "cache/cluster/cluster_commands.hpp"
#include "cache/cluster/cluster_slot.hpp"
#include "cache/redis/redis_url.hpp"
#include "support/errc_of.hpp"

using namespace agenthost;
using namespace agenthost::detail;

namespace {

std::string parse_error(const std::string &url) {
  try {
    parse_cluster_url(url);
  } catch (const Error &e) {
    CHECK(e.code() == Errc::invalid_argument);
    return e.what();
  }
  return "(accepted)";
}

Reply integer(std::int64_t v) {
  Reply r;
  r.type = Reply::Type::integer;
  r.integer = v;
  return r;
}

Reply text(std::string s, Reply::Type type = Reply::Type::string) {
  Reply r;
  r.type = type;
  r.str = std::move(s);
  return r;
}

}  // namespace

TEST_CASE("cluster URL: seeds, credentials, IPv6, default port") {
  auto seeds = parse_cluster_url("redis+cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002");
  REQUIRE(seeds.size() == 3);
  CHECK(seeds[0].host == "10.0.0.1");
  CHECK(seeds[0].port == 7000);
  CHECK(seeds[1].port == 7001);
  CHECK(seeds[2].host == "::1");
  CHECK(parse_cluster_url("redis+cluster://h").front().port == 6379);
  auto secured = parse_cluster_url("REDIS+CLUSTER://alice:s3cret@h1:1,h2:2/0");
  REQUIRE(secured.size() == 2);
  CHECK(secured[1].user == "alice");
  CHECK(secured[1].password == "s3cret");
  CHECK(is_cluster_url("redis+cluster://h:1"));
  CHECK_FALSE(is_cluster_url("redis://h:1"));
  CHECK(parse_redis_url("redis+cluster://h1:1,h2:2").host == "h1");
  CacheOptions o;
  o.url = "redis+cluster://127.0.0.1:1";
  CHECK_NOTHROW(o.validate());
}

TEST_CASE("cluster URL: malformed ones are invalid_argument naming the part") {
  CHECK_THAT(parse_error("redis+cluster://"), Catch::Contains("no seed node"));
  CHECK_THAT(parse_error("redis+cluster://h:1,,h:2"), Catch::Contains("seed node 2 is empty"));
  CHECK_THAT(parse_error("redis+cluster://h:1,"), Catch::Contains("seed node 2 is empty"));
  CHECK_THAT(parse_error("redis+cluster://h:1,h:99999"), Catch::Contains("port"));
  CHECK_THAT(parse_error("redis+cluster://h:1/3"), Catch::Contains("only database 0"));
  CHECK_THAT(parse_error("redis+cluster://h:1?db=0"), Catch::Contains("takes no parameters"));
  CHECK_THAT(parse_error("redis+cluster://:pw@h:1?x=1"), !Catch::Contains("pw"));
  CHECK_THAT(parse_error("redis+cluster://h:1,:2"), Catch::Contains("missing host"));
  CacheOptions o;
  o.url = "redis+cluster://h:1,,h:2";
  CHECK(test::code_of([&] { o.validate(); }) == Errc::invalid_argument);
}

TEST_CASE("cluster slots: CRC16 of the key or its hash tag, as Redis computes them") {
  // Values from CLUSTER KEYSLOT on redis-server 7.
  CHECK(cluster_key_slot("foo") == 12182);
  CHECK(cluster_key_slot("bar") == 5061);
  CHECK(cluster_key_slot("123456789") == 12739);  // CRC16/XMODEM check value 0x31C3
  CHECK(cluster_key_slot("{user1000}.following") == cluster_key_slot("user1000"));
  CHECK(cluster_key_slot("foo{}{bar}") == cluster_key_slot("foo{}{bar}"));
  CHECK(cluster_key_slot("foo{}{bar}") != cluster_key_slot("bar"));  // empty tag: whole key
  CHECK(cluster_key_slot("foo{{bar}}zap") == cluster_key_slot("{bar"));
  CHECK(cluster_key_slot("") == 0);
}

TEST_CASE("cluster split: MGET across slots is split per slot and merged in caller order") {
  // "foo" and "bar" are in different slots; "{foo}x" shares foo's.
  std::vector<Command> commands{{"MGET", "foo", "bar", "{foo}x"}, {"GET", "bar"}};
  ClusterSplit split = split_by_slot(commands);
  REQUIRE(split.parts.size() == 3);
  Reply a;  // the values of foo's slot
  a.type = Reply::Type::array;
  a.elements = {text("F"), text("X")};
  Reply b;  // bar's
  b.type = Reply::Type::array;
  b.elements = {Reply{}};
  std::vector<Reply> part_replies;
  for (const auto &part : split.parts) {
    if (part.command == Command{"MGET", "foo", "{foo}x"}) {
      CHECK(part.positions == std::vector<std::size_t>{0, 2});
      part_replies.push_back(a);
    } else if (part.command == Command{"MGET", "bar"}) {
      CHECK(part.positions == std::vector<std::size_t>{1});
      part_replies.push_back(b);
    } else {
      CHECK(part.command == Command{"GET", "bar"});
      part_replies.push_back(text("B"));
    }
  }
  auto merged = merge_parts(split, part_replies);
  REQUIRE(merged.size() == 2);
  REQUIRE(merged[0].elements.size() == 3);
  CHECK(merged[0].elements[0].str == "F");
  CHECK(merged[0].elements[1].is_nil());
  CHECK(merged[0].elements[2].str == "X");
  CHECK(merged[1].str == "B");
}

TEST_CASE("cluster split: DEL counts are summed, an error reply of a part wins") {
  ClusterSplit split = split_by_slot({{"DEL", "foo", "bar"}, {"EXISTS", "foo", "bar"}});
  REQUIRE(split.parts.size() == 4);
  auto merged =
      merge_parts(split, {integer(1), integer(1), integer(0), text("ERR x", Reply::Type::error)});
  CHECK(merged[0].integer == 2);
  CHECK(merged[1].is_error());
}

TEST_CASE("cluster: keys of commands and one-slot checks") {
  CHECK(command_keys({"PING"}).empty());
  CHECK(command_keys({"SCAN", "0"}).empty());
  CHECK(command_keys({"ZADD", "z", "1", "m"}) == std::vector<std::string_view>{"z"});
  CHECK(command_keys({"EVAL", "return 1", "2", "a", "b", "x"}) ==
        std::vector<std::string_view>{"a", "b"});
  CHECK(command_keys({"MSET", "a", "1", "b", "2"}) == std::vector<std::string_view>{"a", "b"});
  CHECK(single_slot_of({{"SET", "{t}a", "1"}, {"GET", "{t}b"}}, "x") == cluster_key_slot("t"));
  CHECK_FALSE(single_slot_of({{"PING"}}, "x").has_value());
  try {
    single_slot_of({{"SET", "foo", "1"}, {"GET", "bar"}}, "a transaction");
    FAIL("cross-slot keys were accepted");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(),
               Catch::Contains("'foo' is in slot 12182") && Catch::Contains("'bar' in slot 5061"));
  }
}

TEST_CASE("cluster: MOVED, ASK and TRYAGAIN replies are understood, others are not redirects") {
  auto moved = parse_redirect(text("MOVED 3999 127.0.0.1:6381", Reply::Type::error));
  REQUIRE(moved);
  CHECK(moved->kind == Redirect::Kind::moved);
  CHECK(moved->slot == 3999);
  CHECK(moved->host == "127.0.0.1");
  CHECK(moved->port == 6381);
  auto ask = parse_redirect(text("ASK 1 :7000", Reply::Type::error));
  REQUIRE(ask);
  CHECK(ask->kind == Redirect::Kind::ask);
  CHECK(ask->host.empty());
  auto v6 = parse_redirect(text("MOVED 2 [::1]:7000", Reply::Type::error));
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(parse_redirect(
            text("TRYAGAIN Multiple keys request during rehashing of slot", Reply::Type::error))
            ->kind == Redirect::Kind::tryagain);
  CHECK_FALSE(parse_redirect(text("ERR wrong", Reply::Type::error)));
  CHECK_FALSE(parse_redirect(text("MOVED 3999 127.0.0.1:6381")));  // not an error reply
}
