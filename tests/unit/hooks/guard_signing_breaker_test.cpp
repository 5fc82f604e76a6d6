// The SSRF address test, Standard Webhooks signing, the circuit breaker, verdict combination.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <cstring>

#include "hooks/address_guard.hpp"
#include "hooks/base64.hpp"
#include "hooks/circuit_breaker.hpp"
#include "hooks/verdict.hpp"
#include "hooks/webhook_signer.hpp"

using agenthost::Decision;
using namespace agenthost::hooks;

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
        "::ffff:8.8.8.8", "64:ff9b::808:808", "192.88.98.1", "192.88.100.1", "64:ff9b:2::1",
        "100:0:0:1::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"}) {  // Teredo: public both ends
    INFO(a);
    CHECK_FALSE(blocked(a));
  }
  sockaddr unknown{};
  unknown.sa_family = AF_UNIX;
  CHECK(is_blocked_address(&unknown, sizeof unknown));
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
  using agenthost::hooks::BreakerToken;
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
  using agenthost::hooks::BreakerToken;
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
