// CacheClient: sets and sorted sets.
#include <fmt/format.h>

#include <cmath>

#include "cache/backend.hpp"
#include "cache/typed_commands.hpp"

namespace agenthost {

using detail::check_key;
using detail::live;
using detail::run_one;

namespace {

Command key_and_members(const char *name, std::string_view key,
                        const std::vector<std::string> &members) {
  Command command{name, std::string(key)};
  command.insert(command.end(), members.begin(), members.end());
  return command;
}

void check_score(double score, std::string_view what) {
  if (std::isnan(score)) throw Error(Errc::invalid_argument, fmt::format("{} is NaN", what));
}

// ZRANGE in Redis 7 syntax. Ranks page with start/stop only; LIMIT exists only BYSCORE.
Command zrange_command(std::string_view key, const ZRangeQuery &q) {
  Command command{"ZRANGE", std::string(key)};
  if (q.by == ZRangeQuery::By::rank) {
    if (q.offset != 0 || q.count >= 0) {
      throw Error(Errc::invalid_argument,
                  "zrange offset/count apply to score ranges only; page ranks with start/stop");
    }
    command.push_back(std::to_string(q.start));
    command.push_back(std::to_string(q.stop));
    if (q.reverse) command.emplace_back("REV");
  } else {
    check_score(q.min, "zrange min");
    check_score(q.max, "zrange max");
    if (q.offset < 0) {
      throw Error(Errc::invalid_argument, fmt::format("zrange offset {} is negative", q.offset));
    }
    // With REV, Redis expects the range as max then min.
    command.push_back(detail::format_score(q.reverse ? q.max : q.min));
    command.push_back(detail::format_score(q.reverse ? q.min : q.max));
    command.emplace_back("BYSCORE");
    if (q.reverse) command.emplace_back("REV");
    if (q.offset != 0 || q.count >= 0) {
      command.emplace_back("LIMIT");
      command.push_back(std::to_string(q.offset));
      command.push_back(std::to_string(q.count < 0 ? -1 : q.count));
    }
  }
  command.emplace_back("WITHSCORES");
  return command;
}

}  // namespace

std::uint64_t CacheClient::sadd(std::string_view key, const std::vector<std::string> &members) {
  check_key(key);
  auto &backend = live(backend_);
  if (members.empty()) return 0;
  Reply reply = run_one(backend, key_and_members("SADD", key, members), false);
  return static_cast<std::uint64_t>(detail::expect_integer(reply, "SADD"));
}

std::uint64_t CacheClient::srem(std::string_view key, const std::vector<std::string> &members) {
  check_key(key);
  auto &backend = live(backend_);
  if (members.empty()) return 0;
  Reply reply = run_one(backend, key_and_members("SREM", key, members), false);
  return static_cast<std::uint64_t>(detail::expect_integer(reply, "SREM"));
}

std::vector<std::string> CacheClient::smembers(std::string_view key) {
  check_key(key);
  Reply reply = run_one(live(backend_), {"SMEMBERS", std::string(key)}, true);
  std::vector<std::string> members;
  for (Reply &element : detail::expect_array(reply, "SMEMBERS")) {
    members.push_back(detail::expect_string(element, "SMEMBERS"));
  }
  return members;
}

std::uint64_t CacheClient::zadd(std::string_view key, const std::vector<ScoredMember> &members) {
  check_key(key);
  auto &backend = live(backend_);
  if (members.empty()) return 0;
  Command command{"ZADD", std::string(key)};
  for (const auto &m : members) {
    check_score(m.score, fmt::format("score of member '{}'", m.member.substr(0, 64)));
    command.push_back(detail::format_score(m.score));
    command.push_back(m.member);
  }
  Reply reply = run_one(backend, std::move(command), false);
  return static_cast<std::uint64_t>(detail::expect_integer(reply, "ZADD"));
}

std::uint64_t CacheClient::zrem(std::string_view key, const std::vector<std::string> &members) {
  check_key(key);
  auto &backend = live(backend_);
  if (members.empty()) return 0;
  Reply reply = run_one(backend, key_and_members("ZREM", key, members), false);
  return static_cast<std::uint64_t>(detail::expect_integer(reply, "ZREM"));
}

std::uint64_t CacheClient::zcard(std::string_view key) {
  check_key(key);
  Reply reply = run_one(live(backend_), {"ZCARD", std::string(key)}, true);
  return static_cast<std::uint64_t>(detail::expect_integer(reply, "ZCARD"));
}

std::vector<ScoredMember> CacheClient::zrange(std::string_view key, const ZRangeQuery &query) {
  check_key(key);
  auto &backend = live(backend_);
  Reply reply = run_one(backend, zrange_command(key, query), true);
  auto &elements = detail::expect_array(reply, "ZRANGE");
  if (elements.size() % 2 != 0) {
    throw Error(Errc::protocol, "ZRANGE WITHSCORES returned an odd number of elements");
  }
  std::vector<ScoredMember> result;
  result.reserve(elements.size() / 2);
  for (std::size_t i = 0; i < elements.size(); i += 2) {
    ScoredMember m;
    m.member = detail::expect_string(elements[i], "ZRANGE");
    m.score = detail::parse_score(detail::expect_string(elements[i + 1], "ZRANGE"), "ZRANGE");
    result.push_back(std::move(m));
  }
  return result;
}

}  // namespace agenthost
