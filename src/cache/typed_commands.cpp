#include "cache/typed_commands.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace agenthost::detail {

namespace {

const char *type_name(Reply::Type type) {
  switch (type) {
    case Reply::Type::nil:
      return "nil";
    case Reply::Type::integer:
      return "integer";
    case Reply::Type::string:
      return "string";
    case Reply::Type::status:
      return "status";
    case Reply::Type::error:
      return "error";
    case Reply::Type::array:
      return "array";
  }
  return "unknown";
}

[[noreturn]] void unexpected(const Reply &reply, std::string_view command) {
  throw Error(Errc::protocol,
              fmt::format("{} returned an unexpected {} reply", command, type_name(reply.type)));
}

}  // namespace

CacheBackend &live(const std::unique_ptr<CacheBackend> &backend) {
  if (!backend) throw Error(Errc::invalid_argument, "CacheClient was moved from");
  return *backend;
}

void check_key(std::string_view key) {
  if (key.empty()) throw Error(Errc::invalid_argument, "key is empty");
}

void check_value(std::string_view value) {
  if (value.size() > kMaxValueBytes) {
    throw Error(Errc::invalid_argument,
                fmt::format("value of {} bytes exceeds Redis' limit of 512 MiB", value.size()));
  }
}

void check_ttl(std::chrono::milliseconds ttl, const char *what) {
  if (ttl.count() < 0) {
    throw Error(Errc::invalid_argument, fmt::format("{} of {} ms is negative", what, ttl.count()));
  }
}

void throw_if_error(const Reply &reply, std::string_view command) {
  if (reply.is_error())
    throw Error(Errc::protocol, fmt::format("{} failed: {}", command, reply.str));
}

Reply run_one(CacheBackend &backend, Command command, bool idempotent) {
  std::string name = command.front();
  std::vector<Command> commands;
  commands.push_back(std::move(command));
  std::vector<Reply> replies = backend.run(commands, false, idempotent);
  if (replies.size() != 1) {
    throw Error(Errc::protocol, fmt::format("{} returned {} replies", name, replies.size()));
  }
  throw_if_error(replies.front(), name);
  return std::move(replies.front());
}

std::int64_t expect_integer(const Reply &reply, std::string_view command) {
  throw_if_error(reply, command);
  if (reply.type != Reply::Type::integer) unexpected(reply, command);
  return reply.integer;
}

void expect_status(const Reply &reply, std::string_view command, std::string_view status) {
  throw_if_error(reply, command);
  if (reply.type != Reply::Type::status || reply.str != status) unexpected(reply, command);
}

std::optional<std::string> expect_string_or_nil(Reply &reply, std::string_view command) {
  throw_if_error(reply, command);
  if (reply.is_nil()) return std::nullopt;
  if (reply.type != Reply::Type::string) unexpected(reply, command);
  return std::move(reply.str);
}

std::string expect_string(Reply &reply, std::string_view command) {
  throw_if_error(reply, command);
  if (reply.type != Reply::Type::string) unexpected(reply, command);
  return std::move(reply.str);
}

std::vector<Reply> &expect_array(Reply &reply, std::string_view command) {
  throw_if_error(reply, command);
  if (reply.type != Reply::Type::array) unexpected(reply, command);
  return reply.elements;
}

std::string format_score(double score) {
  if (std::isnan(score)) throw Error(Errc::invalid_argument, "score is NaN");
  if (std::isinf(score)) return score > 0 ? "+inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, score);
  (void)ec;  // 64 bytes always hold the shortest form of a double
  return std::string(buf, end);
}

double parse_score(std::string_view text, std::string_view command) {
  if (text == "inf" || text == "+inf") return HUGE_VAL;
  if (text == "-inf") return -HUGE_VAL;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(Errc::protocol, fmt::format("{} returned a score that is not a number: '{}'",
                                            command, text.substr(0, 64)));
  }
  return value;
}

}  // namespace agenthost::detail
