// Fuzzes the Redis URL parsers (single node and redis+cluster://) and their redaction.
// Properties: failures are Errc::invalid_argument or Errc::unsupported; an accepted endpoint is
// well formed (port 1..65535, a host without control characters, an absolute socket path); and
// neither redact_redis_url() nor an error message contains the password.
#include <algorithm>
#include <cctype>
#include <string>

#include "cache/redis/redis_url.hpp"
#include "fuzz_check.hpp"

namespace {

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::iscntrl(c) != 0; });
}

void check_endpoint(const agenthost::detail::RedisEndpoint &ep, std::string_view password) {
  using Kind = agenthost::detail::RedisEndpoint::Kind;
  if (ep.kind == Kind::tcp) {
    FUZZ_CHECK(ep.port >= 1 && ep.port <= 65535, std::to_string(ep.port));
    FUZZ_CHECK(!ep.host.empty() && !has_control(ep.host), ep.host);
  } else if (ep.kind == Kind::unix_socket) {
    FUZZ_CHECK(ep.path.size() >= 2 && ep.path.front() == '/' && !has_control(ep.path), ep.path);
  }
  FUZZ_CHECK(ep.user.empty() || !ep.password.empty(), "a user without a password");
  const std::string shown = ep.describe();
  FUZZ_CHECK(password.empty() || shown.find(password) == std::string::npos, shown);
}

// Runs `parse` and checks what it returns or the error it throws.
template <typename Parse>
void check_parse(std::string_view url, std::string_view password, Parse &&parse) {
  using namespace agenthost;
  // A percent-decoded socket path may spell the password's text legitimately.
  const bool decoded = url.find('%') != std::string_view::npos;
  try {
    parse(decoded ? std::string_view{} : password);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument, Errc::unsupported);
    const std::string_view message = e.what();
    FUZZ_CHECK(password.empty() || message.find(password) == message.npos,
               "the password in a message: " + std::string(message));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  const std::string_view url = fuzz::as_text(data, size);
  const std::string_view password = fuzz::recognisable_redis_password(url);
  const std::string redacted = detail::redact_redis_url(url);
  FUZZ_CHECK(password.empty() || redacted.find(password) == std::string::npos,
             "the password survives redaction: " + redacted);
  check_parse(url, password, [&](std::string_view shown_password) {
    check_endpoint(detail::parse_redis_url(url), shown_password);
  });
  if (!detail::is_cluster_url(url)) return 0;
  check_parse(url, password, [&](std::string_view shown_password) {
    const auto seeds = detail::parse_cluster_url(url);
    FUZZ_CHECK(!seeds.empty(), "a cluster URL without seeds was accepted");
    for (const auto &seed : seeds) {
      FUZZ_CHECK(seed.kind == detail::RedisEndpoint::Kind::tcp && seed.db == 0, seed.describe());
      check_endpoint(seed, shown_password);
    }
  });
  return 0;
}
