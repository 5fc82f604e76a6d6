// The SSRF address test, Standard Webhooks signing, the circuit breaker, verdict combination.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <agenthost/error.hpp>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/circuit_breaker.hpp"
#include "hooks/reply/verdict.hpp"
#include "hooks/transport/address_guard.hpp"
#include "hooks/transport/base64.hpp"
#include "hooks/transport/webhook_signer.hpp"

using agenthost::Decision;
using namespace agenthost::hooks;
using agenthost::detail::BreakerChange;
using agenthost::detail::BreakerToken;
using agenthost::detail::CircuitBreaker;
using agenthost::detail::CircuitState;

namespace {

bool blocked(const char *text) {
  sockaddr_in6 in6{};
  sockaddr_in in4{};
  if (inet_pton(AF_INET, text, &in4.sin_addr) == 1) {
    in4.sin_family = AF_INET;
    return is_blocked_address(reinterpret_cast<sockaddr *>(&in4), sizeof in4);
  }
  REQUIRE(inet_pton(AF_INET6, text, &in6.sin6_addr) == 1);
  in6.sin6_family = AF_INET6;
  return is_blocked_address(reinterpret_cast<sockaddr *>(&in6), sizeof in6);
}

// An address as 16 bytes; an IPv4 address uses the first four.
struct Addr {
  int family = AF_INET;
  std::array<std::uint8_t, 16> b{};
};

int width(const Addr &a) { return a.family == AF_INET ? 4 : 16; }

Addr parse(const std::string &text) {
  Addr a;
  if (inet_pton(AF_INET, text.c_str(), a.b.data()) == 1) return a;
  a.family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, text.c_str(), a.b.data()) == 1);
  return a;
}

std::string text(const Addr &a) {
  char out[INET6_ADDRSTRLEN] = {};
  REQUIRE(inet_ntop(a.family, a.b.data(), out, sizeof out) != nullptr);
  return out;
}

bool blocked(const Addr &a) {
  if (a.family == AF_INET) {
    sockaddr_in in4{};
    in4.sin_family = AF_INET;
    std::memcpy(&in4.sin_addr, a.b.data(), 4);
    return is_blocked_address(reinterpret_cast<sockaddr *>(&in4), sizeof in4);
  }
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  std::memcpy(&in6.sin6_addr, a.b.data(), 16);
  return is_blocked_address(reinterpret_cast<sockaddr *>(&in6), sizeof in6);
}

// The first (ones = false) or last (ones = true) address of the network of `prefix` bits.
Addr network_end(Addr a, int prefix, bool ones) {
  for (int bit = prefix; bit < width(a) * 8; ++bit) {
    const auto m = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    auto &byte = a.b[static_cast<std::size_t>(bit / 8)];
    byte = static_cast<std::uint8_t>(ones ? (byte | m) : (byte & ~m));
  }
  return a;
}

// a + 1 or a - 1, wrapping.
Addr step(Addr a, bool up) {
  for (int i = width(a) - 1; i >= 0; --i) {
    auto &byte = a.b[static_cast<std::size_t>(i)];
    byte = static_cast<std::uint8_t>(up ? byte + 1 : byte - 1);
    if (byte != (up ? 0x00 : 0xFF)) break;
  }
  return a;
}

std::uint32_t v4_of(const Addr &a) {
  return (std::uint32_t{a.b[0]} << 24) | (std::uint32_t{a.b[1]} << 16) |
         (std::uint32_t{a.b[2]} << 8) | std::uint32_t{a.b[3]};
}

// `v4` written big-endian into `a` at byte `at`, its bits inverted when asked (Teredo's client).
Addr put_v4(Addr a, int at, std::uint32_t v4, bool inverted = false) {
  if (inverted) v4 = ~v4;
  for (int i = 0; i < 4; ++i) {
    a.b[static_cast<std::size_t>(at + i)] = static_cast<std::uint8_t>(v4 >> (24 - 8 * i));
  }
  return a;
}

enum class Side { pass, block, none };  // what the address next to a network is

struct Range {
  const char *cidr;
  Side before;  // the address just below the network
  Side after;   // the address just above it
};

// Every network the guard blocks whatever it carries, with its neighbours.
constexpr Range kRanges[] = {
    {"0.0.0.0/8", Side::none, Side::pass},      {"10.0.0.0/8", Side::pass, Side::pass},
    {"100.64.0.0/10", Side::pass, Side::pass},  {"127.0.0.0/8", Side::pass, Side::pass},
    {"169.254.0.0/16", Side::pass, Side::pass}, {"172.16.0.0/12", Side::pass, Side::pass},
    {"192.0.0.0/24", Side::pass, Side::pass},   {"192.88.99.0/24", Side::pass, Side::pass},
    {"192.168.0.0/16", Side::pass, Side::pass}, {"198.18.0.0/15", Side::pass, Side::pass},
    {"224.0.0.0/4", Side::pass, Side::block},   {"240.0.0.0/4", Side::block, Side::none},
    {"64:ff9b:1::/48", Side::pass, Side::pass}, {"100::/64", Side::pass, Side::pass},
    {"fc00::/7", Side::pass, Side::pass},       {"fe80::/10", Side::pass, Side::block},
    {"fec0::/10", Side::block, Side::block},    {"ff00::/8", Side::block, Side::none},
};

struct Sample {
  Addr addr;
  bool blocked;
};

// Each network's first and last address (blocked) and its neighbours as the table says.
std::vector<Sample> edge_samples(int family) {
  std::vector<Sample> out;
  for (const auto &r : kRanges) {
    const std::string cidr = r.cidr;
    const auto slash = cidr.find('/');
    const Addr base = parse(cidr.substr(0, slash));
    if (base.family != family) continue;
    const int prefix = std::stoi(cidr.substr(slash + 1));
    const Addr first = network_end(base, prefix, false);
    const Addr last = network_end(base, prefix, true);
    out.push_back({first, true});
    out.push_back({last, true});
    if (r.before != Side::none) out.push_back({step(first, false), r.before == Side::block});
    if (r.after != Side::none) out.push_back({step(last, true), r.after == Side::block});
  }
  return out;
}

// An IPv6 form carrying an IPv4 address: its network, and where the address goes.
struct Carrier {
  const char *name;
  const char *cidr;
  int v4_at;
  bool inverted;
  const char *filler;  // the rest of the address (Teredo: the other end, public)
};

constexpr Carrier kCarriers[] = {
    {"mapped", "::ffff:0:0/96", 12, false, "::ffff:0:0"},
    {"translated", "::ffff:0:0:0/96", 12, false, "::ffff:0:0:0"},
    {"compatible", "::/96", 12, false, "::"},
    {"NAT64", "64:ff9b::/96", 12, false, "64:ff9b::"},
    {"6to4", "2002::/16", 2, false, "2002::"},
    {"Teredo server", "2001::/32", 4, false, "2001::f7f7:f7f7"},     // client 8.8.8.8
    {"Teredo client", "2001::/32", 12, true, "2001:0:4136:e378::"},  // server 65.54.227.120
};

}  // namespace

TEST_CASE("address guard: private and special networks are blocked", "[hooks][ssrf]") {
  for (const char *a : {"127.0.0.1",
                        "127.255.255.254",
                        "10.0.0.1",
                        "10.255.255.255",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "100.127.255.255",
                        "0.0.0.0",
                        "0.1.2.3",
                        "224.0.0.1",
                        "239.255.255.250",
                        "255.255.255.255",
                        "240.0.0.1",
                        "192.0.0.8",
                        "198.18.0.1",
                        "::",
                        "::1",
                        "fe80::1",
                        "febf::1",
                        "fc00::1",
                        "fdff::1",
                        "fec0::1",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.1.2.3",
                        "::ffff:169.254.169.254",
                        "::127.0.0.1",
                        "64:ff9b::a00:1",
                        "2002:c0a8:0101::1",
                        "192.88.99.1",
                        "::ffff:192.88.99.255",
                        "::ffff:0:7f00:1",     // IPv4-translated 127.0.0.1
                        "::ffff:0:a9fe:a9fe",  // IPv4-translated 169.254.169.254
                        "64:ff9b:1::808:808",
                        "64:ff9b:1:ffff::1",
                        "100::",
                        "100::ffff:ffff:ffff:ffff",
                        "2001:0:4136:e378:8000:63bf:80ff:fffe",     // Teredo, client 127.0.0.1
                        "2001:0:a00:1:8000:63bf:f7f7:f7f7",         // Teredo, server 10.0.0.1
                        "2001:0:4136:e378:8000:63bf:5601:5601"}) {  // client 169.254.169.254

    INFO(a);
    CHECK(blocked(a));
  }
}

TEST_CASE("address guard: public addresses pass", "[hooks][ssrf]") {
  for (const char *a :
       {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
        "192.167.1.1", "169.253.1.1", "11.0.0.1", "2606:4700::1111", "2001:4860:4860::8888",
        "::ffff:8.8.8.8", "::ffff:0:808:808", "64:ff9b::808:808", "192.88.98.1", "192.88.100.1",
        "64:ff9b:2::1", "100:0:0:1::1",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7"}) {  // Teredo: public both ends
    INFO(a);
    CHECK_FALSE(blocked(a));
  }
  sockaddr unknown{};
  unknown.sa_family = AF_UNIX;
  CHECK(is_blocked_address(&unknown, sizeof unknown));
}

TEST_CASE("address guard: each blocked network's first and last address, and its neighbours",
          "[hooks][ssrf]") {
  for (const int family : {AF_INET, AF_INET6}) {
    for (const auto &s : edge_samples(family)) {
      INFO(text(s.addr));
      CHECK(blocked(s.addr) == s.blocked);
    }
  }
}

TEST_CASE("address guard: IPv6 forms carrying an IPv4 address block exactly the IPv4 blocks",
          "[hooks][ssrf]") {
  const auto v4_samples = edge_samples(AF_INET);
  const std::uint32_t loopback = 0x7F000001;
  for (const auto &c : kCarriers) {
    INFO(c.name);
    const Addr filler = parse(c.filler);
    for (const auto &s : v4_samples) {
      const Addr a = put_v4(filler, c.v4_at, v4_of(s.addr), c.inverted);
      INFO(text(s.addr) << " as " << text(a));
      CHECK(blocked(a) == s.blocked);
    }
    // Just outside the carrier's network, the same bits are no IPv4 address: 127.0.0.1 there
    // is an ordinary public IPv6 address.
    const std::string cidr = c.cidr;
    const auto slash = cidr.find('/');
    const int prefix = std::stoi(cidr.substr(slash + 1));
    const Addr first = network_end(parse(cidr.substr(0, slash)), prefix, false);
    const Addr last = network_end(first, prefix, true);
    const Addr zero{};
    if (first.b != zero.b) {
      const Addr below = put_v4(step(first, false), c.v4_at, loopback, c.inverted);
      INFO("below: " << text(below));
      CHECK_FALSE(blocked(below));
    }
    const Addr above = put_v4(step(last, true), c.v4_at, loopback, c.inverted);
    INFO("above: " << text(above));
    CHECK_FALSE(blocked(above));
  }
}

TEST_CASE("address guard: local-use NAT64 64:ff9b:1::/48 is blocked wherever its IPv4 address is",
          "[hooks][ssrf]") {
  // RFC 6052 places the IPv4 address by the prefix length the operator chose: for a /48 in bits
  // 48..63 and 72..87 around the u octet, for a /56 in 56..63 and 72..95, for a /64 in 72..103,
  // for a /96 in 96..127. The address alone does not tell which, so none passes, and neither
  // does a public IPv4 address carried there (the prefix is not globally reachable).
  for (const char *a : {"64:ff9b:1:7f00:0:100::", "64:ff9b:1:7f:0:1::", "64:ff9b:1:0:7f:0:100:0",
                        "64:ff9b:1::7f00:1", "64:ff9b:1:a9fe:0:a9fe::", "64:ff9b:1:808:8:800::",
                        "64:ff9b:1:8:8:808::", "64:ff9b:1:0:8:808:800:0", "64:ff9b:1::808:808"}) {
    INFO(a);
    CHECK(blocked(a));
  }
}

TEST_CASE("Standard Webhooks signature matches the specification's example", "[hooks][signing]") {
  WebhookSigner signer("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "w");
  CHECK(signer.signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  const auto a = signer.sign("{}");
  const auto b = signer.sign("{}");
  CHECK(a.id != b.id);
  CHECK(a.signature == signer.signature(a.id, std::stoll(a.timestamp), "{}"));
}

TEST_CASE("combination: every hook's context and messages in order, and continue false wins",
          "[hooks][combine]") {
  auto outcome = [](Decision d, const char *context, const char *message, bool go) {
    HookOutcome o;
    o.result.decision = d;
    o.extras.additional_context = context;
    o.extras.system_message = message;
    o.extras.continue_ = go;
    o.extras.stop_reason = go ? "" : std::string("stop: ") + context;
    return o;
  };
  const auto v = combine({outcome(Decision::allow, "one", "m1", true),
                          outcome(Decision::deny, "two", "", false),
                          outcome(Decision::allow, "", "m3", false)});
  CHECK(v.additional_context == std::vector<std::string>{"one", "two"});
  CHECK(v.system_message == "m1\nm3");
  CHECK_FALSE(v.continue_);
  CHECK(v.stop_reason == "stop: two");
  CHECK_THAT(v.to_json(), Catch::Contains(R"("continue":false,"stop_reason":"stop: two",)"
                                          R"("additional_context":["one","two"],)"
                                          R"("system_message":"m1\nm3")"));
}

TEST_CASE("secrets: what the standardwebhooks and svix libraries accept signs the same",
          "[hooks][signing]") {
  const std::string body = R"({"test": 2432232314})";
  const std::string expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  // The key of the specification's example is 24 bytes (no padding); "Zm8" is "fo" unpadded.
  for (const char *secret :
       {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}) {
    INFO(secret);
    CHECK(WebhookSigner(secret, "w").signature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) ==
          expected);
  }
  const auto padded = WebhookSigner("whsec_Zm8=", "w").signature("m", 1, "{}");
  CHECK(WebhookSigner("whsec_Zm8", "w").signature("m", 1, "{}") == padded);
  CHECK(WebhookSigner("Zm8", "w").signature("m", 1, "{}") == padded);
  CHECK(WebhookSigner("Zm8=", "w").signature("m", 1, "{}") == padded);
  for (const char *bad : {"", "whsec_", "whsec_Z", "whsec_Zm8==", "whsec_Zm 8",
                          "Zm8===", "whsec_Zm-8", "whsec_=", "====", "whsec_Zm9vY"}) {
    INFO(bad);
    try {
      WebhookSigner(bad, "hooks config: PreToolUse[0].secret");
      FAIL("accepted a malformed secret");
    } catch (const agenthost::Error &e) {
      CHECK(e.code() == agenthost::Errc::invalid_argument);
      CHECK_THAT(e.what(), Catch::StartsWith("hooks config: PreToolUse[0].secret: the secret"));
    }
  }
}

TEST_CASE("base64 round trip and strict decoding", "[hooks][signing]") {
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    if (s.empty()) continue;
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(base64_decode("Zm9vYmF").has_value());
  CHECK_FALSE(base64_decode("Zm9v YmF").has_value());
  CHECK_FALSE(base64_decode("").has_value());
  CHECK(base64_decode("Zm8=") == std::string("fo"));
}

TEST_CASE("circuit breaker: threshold, cooldown, single probe", "[hooks][breaker]") {
  using Clock = CircuitBreaker::Clock;
  using agenthost::detail::BreakerToken;
  CircuitBreaker b(3, std::chrono::milliseconds(1000));
  auto t = Clock::time_point{} + std::chrono::hours(1);
  auto fail_once = [&] {
    const auto token = b.acquire(t);
    REQUIRE(token == BreakerToken::normal);
    b.record(token, false, t);
  };
  fail_once();
  fail_once();
  REQUIRE(b.acquire(t) == BreakerToken::normal);
  b.record(BreakerToken::normal, true, t);  // a success resets the count
  for (int i = 0; i < 3; ++i) fail_once();
  CHECK(b.acquire(t) == BreakerToken::rejected);
  t += std::chrono::milliseconds(999);
  CHECK(b.acquire(t) == BreakerToken::rejected);
  t += std::chrono::milliseconds(1);
  CHECK(b.acquire(t) == BreakerToken::probe);
  CHECK(b.acquire(t) == BreakerToken::rejected);  // only one
  b.record(BreakerToken::probe, false, t);        // failed probe: open again
  CHECK(b.acquire(t + std::chrono::milliseconds(500)) == BreakerToken::rejected);
  t += std::chrono::milliseconds(1000);
  CHECK(b.acquire(t) == BreakerToken::probe);
  b.record(BreakerToken::probe, true, t);
  CHECK(b.acquire(t) == BreakerToken::normal);
  CHECK(b.acquire(t) == BreakerToken::normal);
}

TEST_CASE("circuit breaker: only the probe decides while it is in flight", "[hooks][breaker]") {
  using Clock = CircuitBreaker::Clock;
  using agenthost::detail::BreakerToken;
  CircuitBreaker b(1, std::chrono::milliseconds(1000));
  auto t = Clock::time_point{} + std::chrono::hours(1);
  const auto slow = b.acquire(t);  // a call that started while the circuit was closed
  REQUIRE(slow == BreakerToken::normal);
  REQUIRE(b.acquire(t) == BreakerToken::normal);
  b.record(BreakerToken::normal, false, t);  // opens the circuit
  t += std::chrono::milliseconds(1000);
  REQUIRE(b.acquire(t) == BreakerToken::probe);
  b.record(slow, true, t);  // the old call's success does not close the circuit
  CHECK(b.acquire(t) == BreakerToken::rejected);
  b.record(slow, false, t);  // nor does a failure cut the probe short
  b.record(BreakerToken::probe, true, t);
  CHECK(b.acquire(t) == BreakerToken::normal);

  // A late normal failure while probing does not end the probe: no second probe is granted
  // after another cooldown while the first is still in flight.
  CircuitBreaker c(1, std::chrono::milliseconds(1000));
  const auto late = c.acquire(t);
  c.record(c.acquire(t), false, t);
  t += std::chrono::milliseconds(1000);
  REQUIRE(c.acquire(t) == BreakerToken::probe);
  c.record(late, false, t);
  CHECK(c.acquire(t + std::chrono::milliseconds(1000)) == BreakerToken::rejected);
  c.record(BreakerToken::probe, true, t);
  CHECK(c.acquire(t) == BreakerToken::normal);
}

TEST_CASE("combination: deny > defer > ask > allow, reasons and updated input of the deciders",
          "[hooks][combine]") {
  auto outcome = [](Decision d, const char *reason, const char *error = "",
                    const char *input = "") {
    HookOutcome o;
    o.result.url = "http://h/";
    o.result.decision = d;
    o.result.reason = reason;
    o.result.error = error;
    o.extras.updated_input = input;
    return o;
  };
  auto v =
      combine({outcome(Decision::allow, "ok", "", "{\"a\":1}"), outcome(Decision::ask, "hmm")});
  CHECK(v.decision == Decision::ask);
  CHECK(v.reason == "hmm");
  CHECK(v.updated_input.empty());
  v = combine({outcome(Decision::allow, "", "", "{\"a\":1}"),
               outcome(Decision::allow, "b", "", "{\"b\":2}")});
  CHECK(v.decision == Decision::allow);
  CHECK(v.updated_input == "{\"a\":1}");
  CHECK(v.reason == "b");
  v = combine({outcome(Decision::allow, "fine", "timeout"),
               outcome(Decision::deny, "x", "connection"), outcome(Decision::deny, "y")});
  CHECK(v.decision == Decision::deny);
  CHECK(v.failed);
  CHECK(v.error == "timeout");
  CHECK(v.reasons == std::vector<std::string>{"x", "y"});
  CHECK(v.reason == "x; y");
  CHECK(combine({outcome(Decision::ask, ""), outcome(Decision::defer, ""),
                 outcome(Decision::allow, "")})
            .decision == Decision::defer);
  CHECK(combine({outcome(Decision::defer, ""), outcome(Decision::deny, "")}).decision ==
        Decision::deny);
  CHECK(combine({outcome(Decision::defer, "")}).reason == "deferred by 1 hook");
  v = combine({});
  CHECK(v.decision == Decision::allow);
  CHECK(v.reason == "no hook matched");
  CHECK(
      v.to_json() ==
      R"({"decision":"allow","reason":"no hook matched","failed":false,"error":null,"updated_input":null,)"
      R"("updated_permissions":null,"continue":true,"stop_reason":null,"additional_context":[],)"
      R"("system_message":null,"suppress_output":false,"interrupt":false,"hooks":[]})");
}
