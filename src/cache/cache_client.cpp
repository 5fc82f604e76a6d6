// CacheClient: construction, strings and keys, bulk reads, batches and transactions. Every
// operation builds Redis commands and runs them on the backend chosen by the URL scheme.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <random>
#include <thread>
#include <unordered_set>

#include "cache/backend.hpp"
#include "cache/redis/redis_url.hpp"
#include "cache/typed_commands.hpp"

namespace agenthost {

using detail::check_key;
using detail::check_ttl;
using detail::check_value;
using detail::live;
using detail::run_one;

namespace {

constexpr std::size_t kKeysPerCommand = 1000;  // keys per MGET/DEL: bounds each request and reply
constexpr const char *kScanCount = "1000";     // SCAN COUNT hint

bool has_memory_scheme(std::string_view url) {
  constexpr std::string_view scheme = "memory://";
  if (url.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  }
  return true;
}

std::unique_ptr<detail::CacheBackend> make_backend(const CacheOptions &options) {
  return has_memory_scheme(options.url) ? detail::make_memory_backend(options)
                                        : detail::make_redis_backend(options);
}

// One command per chunk of keys ({name, key...}), so no single request or reply is unbounded.
std::vector<Command> chunked(const char *name, std::vector<std::string> keys) {
  std::vector<Command> commands;
  for (std::size_t i = 0; i < keys.size(); i += kKeysPerCommand) {
    Command command{name};
    std::size_t end = std::min(keys.size(), i + kKeysPerCommand);
    auto first = keys.begin() + static_cast<std::ptrdiff_t>(i);
    auto last = keys.begin() + static_cast<std::ptrdiff_t>(end);
    command.reserve(end - i + 1);
    command.insert(command.end(), std::make_move_iterator(first), std::make_move_iterator(last));
    commands.push_back(std::move(command));
  }
  return commands;
}

void add_ttl(Command &command, std::chrono::milliseconds ttl) {
  if (ttl.count() > 0) {
    command.emplace_back("PX");
    command.push_back(std::to_string(ttl.count()));
  }
}

// Sleeps a random time below a bound that doubles per attempt, so colliding writers spread out.
void conflict_backoff(unsigned attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  unsigned cap_us = 100u << std::min(attempt, 6u);  // 100 us .. 6.4 ms
  std::uniform_int_distribution<unsigned> pick(0, cap_us);
  std::this_thread::sleep_for(std::chrono::microseconds(pick(rng)));
}

}  // namespace

CacheClient::CacheClient(CacheOptions options) : options_(std::move(options)) {
  options_.validate();
  backend_ = make_backend(options_);
}

CacheClient CacheClient::from_env() { return CacheClient(CacheOptions::from_env()); }

CacheClient::~CacheClient() = default;
CacheClient::CacheClient(CacheClient &&) noexcept = default;
CacheClient &CacheClient::operator=(CacheClient &&) noexcept = default;

const CacheOptions &CacheClient::options() const noexcept { return options_; }

bool CacheClient::is_memory() const noexcept { return has_memory_scheme(options_.url); }

bool CacheClient::is_cluster() const noexcept { return detail::is_cluster_url(options_.url); }

void CacheClient::ping() {
  for (Reply &reply : live(backend_).ping()) detail::expect_status(reply, "PING", "PONG");
}

std::optional<std::string> CacheClient::get(std::string_view key) {
  check_key(key);
  Reply reply = run_one(live(backend_), {"GET", std::string(key)}, true);
  return detail::expect_string_or_nil(reply, "GET");
}

void CacheClient::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  check_key(key);
  check_value(value);
  check_ttl(ttl, "ttl");
  Command command{"SET", std::string(key), std::string(value)};
  add_ttl(command, ttl);
  detail::expect_status(run_one(live(backend_), std::move(command), false), "SET", "OK");
}

bool CacheClient::set_if_absent(std::string_view key, std::string_view value,
                                std::chrono::milliseconds ttl) {
  check_key(key);
  check_value(value);
  check_ttl(ttl, "ttl");
  Command command{"SET", std::string(key), std::string(value), "NX"};
  add_ttl(command, ttl);
  Reply reply = run_one(live(backend_), std::move(command), false);
  if (reply.is_nil()) return false;
  detail::expect_status(reply, "SET", "OK");
  return true;
}

std::uint64_t CacheClient::del(std::string_view key) {
  check_key(key);
  return static_cast<std::uint64_t>(
      detail::expect_integer(run_one(live(backend_), {"DEL", std::string(key)}, false), "DEL"));
}

std::uint64_t CacheClient::del(const std::vector<std::string> &keys) {
  for (const auto &key : keys) check_key(key);
  auto &backend = live(backend_);
  if (keys.empty()) return 0;
  std::uint64_t removed = 0;
  for (const Reply &reply : backend.run(chunked("DEL", keys), false, false)) {
    removed += static_cast<std::uint64_t>(detail::expect_integer(reply, "DEL"));
  }
  return removed;
}

bool CacheClient::exists(std::string_view key) {
  check_key(key);
  Reply reply = run_one(live(backend_), {"EXISTS", std::string(key)}, true);
  return detail::expect_integer(reply, "EXISTS") > 0;
}

bool CacheClient::expire(std::string_view key, std::chrono::milliseconds ttl) {
  check_key(key);
  if (ttl.count() <= 0) {
    throw Error(
        Errc::invalid_argument,
        fmt::format("expire ttl of {} ms is not positive (use del to remove a key)", ttl.count()));
  }
  Reply reply =
      run_one(live(backend_), {"PEXPIRE", std::string(key), std::to_string(ttl.count())}, false);
  return detail::expect_integer(reply, "PEXPIRE") == 1;
}

std::optional<std::chrono::milliseconds> CacheClient::ttl(std::string_view key) {
  check_key(key);
  std::int64_t ms =
      detail::expect_integer(run_one(live(backend_), {"PTTL", std::string(key)}, true), "PTTL");
  if (ms == -2) return std::nullopt;
  if (ms < -2) throw Error(Errc::protocol, fmt::format("PTTL returned {}", ms));
  return std::chrono::milliseconds(ms);
}

std::int64_t CacheClient::incr(std::string_view key, std::int64_t by) {
  check_key(key);
  Reply reply = run_one(live(backend_), {"INCRBY", std::string(key), std::to_string(by)}, false);
  return detail::expect_integer(reply, "INCRBY");
}

std::vector<std::optional<std::string>> CacheClient::mget(const std::vector<std::string> &keys) {
  return mget(std::vector<std::string>(keys));
}

std::vector<std::optional<std::string>> CacheClient::mget(std::vector<std::string> &&keys) {
  for (const auto &key : keys) check_key(key);
  auto &backend = live(backend_);
  std::vector<std::optional<std::string>> values;
  if (keys.empty()) return values;
  const std::size_t count = keys.size();
  std::vector<Command> commands = chunked("MGET", std::move(keys));
  std::vector<Reply> replies = backend.run(commands, false, true);
  if (replies.size() != commands.size()) {
    throw Error(Errc::protocol, fmt::format("{} MGET commands returned {} replies", commands.size(),
                                            replies.size()));
  }
  values.reserve(count);
  for (std::size_t c = 0; c < replies.size(); ++c) {
    auto &elements = detail::expect_array(replies[c], "MGET");
    if (elements.size() != commands[c].size() - 1) {
      throw Error(Errc::protocol, fmt::format("MGET returned {} values for {} keys",
                                              elements.size(), commands[c].size() - 1));
    }
    for (Reply &element : elements) values.push_back(detail::expect_string_or_nil(element, "MGET"));
  }
  return values;
}

std::vector<std::string> CacheClient::scan(std::string_view pattern, std::size_t cap) {
  if (pattern.empty()) throw Error(Errc::invalid_argument, "scan pattern is empty");
  auto &backend = live(backend_);
  std::vector<std::string> keys;
  std::unordered_set<std::string> seen;  // SCAN may return a key more than once
  std::string cursor = "0";
  while (keys.size() < cap) {
    Reply reply = run_one(
        backend, {"SCAN", cursor, "MATCH", std::string(pattern), "COUNT", kScanCount}, true);
    auto &parts = detail::expect_array(reply, "SCAN");
    if (parts.size() != 2) throw Error(Errc::protocol, "SCAN returned a malformed reply");
    cursor = detail::expect_string(parts[0], "SCAN");
    for (Reply &element : detail::expect_array(parts[1], "SCAN")) {
      std::string key = detail::expect_string(element, "SCAN");
      if (keys.size() < cap && seen.insert(key).second) keys.push_back(std::move(key));
    }
    if (cursor == "0") break;
  }
  return keys;
}

std::vector<Reply> CacheClient::execute(const Batch &batch) {
  auto &backend = live(backend_);
  for (std::size_t i = 0; i < batch.commands.size(); ++i) {
    if (batch.commands[i].empty()) {
      throw Error(Errc::invalid_argument, fmt::format("batch command {} is empty", i));
    }
  }
  if (batch.commands.empty()) return {};
  std::vector<Reply> replies = backend.run(batch.commands, batch.transaction, false);
  if (replies.size() != batch.commands.size()) {
    throw Error(Errc::protocol, fmt::format("batch of {} commands returned {} replies",
                                            batch.commands.size(), replies.size()));
  }
  return replies;
}

std::optional<std::vector<Reply>> CacheClient::transact(const std::vector<std::string> &watch_keys,
                                                        const TransactionBuilder &build,
                                                        unsigned max_attempts) {
  if (watch_keys.empty()) throw Error(Errc::invalid_argument, "transact needs at least one key");
  for (const auto &key : watch_keys) check_key(key);
  if (!build) throw Error(Errc::invalid_argument, "transact builder is empty");
  if (max_attempts == 0) throw Error(Errc::invalid_argument, "transact max_attempts is 0");
  auto &backend = live(backend_);
  for (unsigned attempt = 0; attempt < max_attempts; ++attempt) {
    if (attempt > 0) conflict_backoff(attempt);
    bool aborted = false;
    auto replies = backend.transact_once(watch_keys, build, &aborted);
    if (!aborted) return replies;
  }
  throw Error(Errc::conflict,
              fmt::format("transaction on {} aborted {} times by concurrent writers",
                          watch_keys.front(), max_attempts));
}

PoolStats CacheClient::stats() const { return live(backend_).stats(); }

void CacheClient::close() {
  if (backend_) backend_->close();
}

}  // namespace agenthost
