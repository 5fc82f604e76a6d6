// CacheClient: locks (SET NX PX with a random token; release by compare-and-delete).
#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <thread>

#include "cache/backend.hpp"
#include "cache/typed_commands.hpp"
#include "common/hex.hpp"

namespace agenthost {

namespace {

constexpr std::chrono::milliseconds kFirstPoll{2};
constexpr std::chrono::milliseconds kMaxPoll{50};

// 128 random bits as 32 hex characters: unguessable, so only the holder can release.
std::string random_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw Error(Errc::internal, "RAND_bytes failed to produce a lock token");
  }
  return detail::hex_lower(bytes, sizeof bytes);
}

}  // namespace

std::optional<std::string> CacheClient::lock_acquire(std::string_view key,
                                                     std::chrono::milliseconds ttl,
                                                     std::chrono::milliseconds wait) {
  detail::check_key(key);
  if (ttl.count() <= 0) {
    throw Error(Errc::invalid_argument,
                fmt::format("lock ttl of {} ms is not positive", ttl.count()));
  }
  detail::check_ttl(wait, "lock wait");
  auto &backend = detail::live(backend_);
  const std::string token = random_token();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto poll = kFirstPoll;
  for (;;) {
    Reply reply = detail::run_one(
        backend, {"SET", std::string(key), token, "NX", "PX", std::to_string(ttl.count())}, false);
    if (!reply.is_nil()) {
      detail::expect_status(reply, "SET", "OK");
      return token;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(poll, std::max(left, std::chrono::milliseconds(1))));
    poll = std::min(poll * 2, kMaxPoll);
  }
}

bool CacheClient::lock_release(std::string_view key, std::string_view token) {
  detail::check_key(key);
  if (token.empty()) throw Error(Errc::invalid_argument, "lock token is empty");
  std::string k(key);
  TransactionBuilder delete_if_ours = [&](const std::vector<std::optional<std::string>> &values)
      -> std::optional<std::vector<Command>> {
    if (!values.front() || *values.front() != token) return std::nullopt;
    return std::vector<Command>{{"DEL", k}};
  };
  auto replies = transact({k}, delete_if_ours);
  return replies && replies->size() == 1 && detail::expect_integer(replies->front(), "DEL") == 1;
}

}  // namespace agenthost
