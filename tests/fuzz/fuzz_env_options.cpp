// Fuzzes the environment option parser: parse_ranged_uint() directly, then CacheOptions and
// SessionStoreOptions::from_env() over the Python service's variables.
// Properties: parse_ranged_uint() accepts exactly the whole decimal numbers within [lo, hi] (an
// independent digit-by-digit reading decides) and never clamps; from_env() fails only with
// invalid_argument or unsupported, never showing REDIS_URL's password, and what it returns passes
// validate().
#include <agenthost/config.hpp>
#include <agenthost/session_store.hpp>
#include <array>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "common/env.hpp"
#include "fuzz_check.hpp"

namespace {

// The decimal value of `text`, nullopt unless it is 1+ ASCII digits and fits 64 bits.
std::optional<std::uint64_t> reference_uint(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

// Too many leading zeros or a huge value: still a whole number, only out of range.
bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::uint64_t read_u64(const std::uint8_t *p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void fuzz_parse(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  if (size < 16) return;
  std::uint64_t lo = read_u64(data);
  std::uint64_t hi = read_u64(data + 8);
  if (data[0] & 1) lo %= 1000;  // small ranges, like the real variables', are the common case
  if (data[8] & 1) hi %= 100000;
  const std::string_view text = fuzz::as_text(data + 16, size - 16);
  const std::optional<std::uint64_t> expected = reference_uint(text);
  try {
    const std::uint64_t got = detail::parse_ranged_uint("FUZZ_VAR", text, lo, hi);
    FUZZ_CHECK(expected && *expected == got,
               "accepted '" + std::string(text) + "' as " + std::to_string(got));
    FUZZ_CHECK(got >= lo && got <= hi, "outside the range: " + std::to_string(got));
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
    FUZZ_CHECK(!expected || *expected < lo || *expected > hi,
               "rejected the in-range '" + std::string(text) + "': " + e.what());
    // what() ends at the first NUL the echoed text may hold.
    const bool readable = text.find('\0') == std::string_view::npos;
    FUZZ_CHECK(!readable || expected || all_digits(text) ||
                   std::string_view(e.what()).find("not a whole number") != std::string_view::npos,
               e.what());
  }
}

constexpr std::array<const char *, 8> kVariables = {"REDIS_URL",
                                                    "REDIS_MAX_CONNECTIONS",
                                                    "REDIS_SOCKET_CONNECT_TIMEOUT",
                                                    "REDIS_SOCKET_TIMEOUT",
                                                    "REDIS_POOL_WAIT_TIMEOUT",
                                                    "REDIS_RETRY_MAX_ATTEMPTS",
                                                    "REDIS_RETRY_BACKOFF_BASE_MS",
                                                    "REDIS_SESSION_TTL"};

// The input's lines are the variables' values, in order; empty or missing lines unset them.
void fuzz_from_env(std::string_view text) {
  using namespace agenthost;
  // The other variables are echoed too: the password's marker byte must be unique in them all.
  std::string_view password = fuzz::recognisable_redis_password(text.substr(0, text.find('\n')));
  if (!fuzz::recognisable_secret(text, password)) password = {};
  for (const char *name : kVariables) {
    const auto eol = text.find('\n');
    const std::string value(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (value.empty()) {
      unsetenv(name);  // NOLINT(concurrency-mt-unsafe): the fuzzer is single-threaded
    } else {
      setenv(name, value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
    }
  }
  std::optional<CacheOptions> cache;
  try {
    cache = CacheOptions::from_env();
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument, Errc::unsupported);
    FUZZ_CHECK(
        password.empty() || std::string_view(e.what()).find(password) == std::string_view::npos,
        "REDIS_URL's password in a message: " + std::string(e.what()));
  }
  std::optional<SessionStoreOptions> store;
  try {
    store = SessionStoreOptions::from_env();
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
  }
  // What the environment may set must also be valid programmatically.
  try {
    if (cache) cache->validate();
    if (store) store->validate();
  } catch (const Error &e) {
    agenthost::fuzz::property_failed(__FILE__, __LINE__, "from_env() returned invalid options",
                                     e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses: even = parse_ranged_uint with a fuzzed range, odd = from_env().
  if ((data[0] & 1) == 0) {
    fuzz_parse(data + 1, size - 1);
  } else {
    fuzz_from_env(agenthost::fuzz::as_text(data + 1, size - 1));
  }
  return 0;
}
