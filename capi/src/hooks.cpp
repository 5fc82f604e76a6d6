// extern "C" wrappers of agenthost::HookPolicy. Evaluation fails closed at this boundary too:
// whatever goes wrong, *out receives a DENY verdict, so a host that ignores the status denies.
#include <agenthost/hook_policy.hpp>
#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "guard.hpp"
#include "hook_handle.hpp"

struct agenthost_verdict {
  agenthost_decision decision = AGENTHOST_DENY;
  std::string reason;
  std::string json;
};

namespace {

using agenthost::capi::guard;
using agenthost::capi::has_field;
using agenthost::capi::null_argument;

// A failed DENY verdict, as every failure at this boundary hands out.
agenthost::Verdict failed_deny(std::string reason, const char *error) {
  agenthost::Verdict v;
  v.decision = agenthost::Decision::deny;
  v.failed = true;
  v.error = error;
  v.reason = std::move(reason);
  return v;
}

agenthost_verdict static_deny(const char *reason, const char *error) {
  const agenthost::Verdict v = failed_deny(reason, error);
  return {AGENTHOST_DENY, v.reason, v.to_json()};
}

// Handed out when even a verdict cannot be allocated; agenthost_verdict_free ignores it.
// Both are built when the library loads on purpose: they must exist before an allocation can
// fail, and an allocation failure while loading the library ends the process anyway.
// NOLINTNEXTLINE(cert-err58-cpp): see above.
const agenthost_verdict kOutOfMemoryDeny = static_deny("out of memory", "internal");

// What the verdict accessors describe when handed NULL: a deny, like the decision accessor.
// NOLINTNEXTLINE(cert-err58-cpp): built at load time like kOutOfMemoryDeny.
const agenthost_verdict kNoVerdict = static_deny("no verdict", "invalid_argument");

// The C option struct's known fields, in order; see capi::option_struct_size.
constexpr std::size_t kKnownSize = sizeof(agenthost_hook_options);
constexpr std::size_t kMinimumSize =
    offsetof(agenthost_hook_options, allow_private_networks) + sizeof(int);

// The struct as 0.1 declared it: what the exported agenthost_hook_options_init fills, so a
// caller whose struct is that one is never written past its end when the struct grows.
constexpr std::size_t kFirstVersionSize =
    offsetof(agenthost_hook_options, breaker_cooldown_ms) + sizeof(std::uint32_t);
static_assert(kFirstVersionSize <= kKnownSize, "0.1 hook option fields moved");

// The defaults, in the fields that fit in `size` bytes; struct_size = the bytes filled.
void fill_defaults(agenthost_hook_options *opts, std::size_t size) {
  using O = agenthost_hook_options;
  const agenthost::HookPolicyOptions defaults;
  const auto u32 = [&](std::size_t offset, std::uint32_t O::*field, std::uint32_t value) {
    if (has_field<std::uint32_t>(size, offset)) opts->*field = value;
  };
  u32(offsetof(O, struct_size), &O::struct_size, static_cast<std::uint32_t>(size));
  if (has_field<int>(size, offsetof(O, allow_private_networks))) {
    opts->allow_private_networks = defaults.allow_private_networks ? 1 : 0;
  }
  u32(offsetof(O, max_response_bytes), &O::max_response_bytes, defaults.max_response_bytes);
  u32(offsetof(O, breaker_failure_threshold), &O::breaker_failure_threshold,
      defaults.failure_threshold);
  u32(offsetof(O, breaker_cooldown_ms), &O::breaker_cooldown_ms,
      static_cast<std::uint32_t>(defaults.cooldown.count()));
}

agenthost::HookPolicyOptions to_options(const agenthost_hook_options *opts) {
  agenthost::HookPolicyOptions options;
  if (opts == nullptr) return options;
  const std::size_t size = agenthost::capi::option_struct_size(
      "agenthost_hook_options", opts->struct_size, kKnownSize, kMinimumSize);
  using O = agenthost_hook_options;
  if (has_field<int>(size, offsetof(O, allow_private_networks))) {
    options.allow_private_networks = opts->allow_private_networks != 0;
  }
  if (has_field<std::uint32_t>(size, offsetof(O, max_response_bytes))) {
    options.max_response_bytes = opts->max_response_bytes;
  }
  if (has_field<std::uint32_t>(size, offsetof(O, breaker_failure_threshold))) {
    options.failure_threshold = opts->breaker_failure_threshold;
  }
  if (has_field<std::uint32_t>(size, offsetof(O, breaker_cooldown_ms))) {
    options.cooldown = std::chrono::milliseconds(opts->breaker_cooldown_ms);
  }
  return options;
}

static_assert(AGENTHOST_ALLOW == static_cast<int>(agenthost::Decision::allow) &&
                  AGENTHOST_DENY == static_cast<int>(agenthost::Decision::deny) &&
                  AGENTHOST_ASK == static_cast<int>(agenthost::Decision::ask) &&
                  AGENTHOST_DEFER == static_cast<int>(agenthost::Decision::defer),
              "agenthost_decision and agenthost::Decision share their numbers");

agenthost_decision to_c(agenthost::Decision d) {
  return static_cast<agenthost_decision>(static_cast<int>(d));
}

agenthost_verdict *make_verdict(const agenthost::Verdict &v) {
  auto out = std::make_unique<agenthost_verdict>();
  out->decision = to_c(v.decision);
  out->reason = v.reason;
  out->json = v.to_json();
  return out.release();
}

// The DENY verdict of a failed call: the error class is the status name.
agenthost_verdict *deny_verdict(agenthost_status status) noexcept {
  try {
    return make_verdict(failed_deny(std::string("evaluation failed: ") + agenthost_last_error(),
                                    agenthost_status_name(status)));
  } catch (...) {
    return const_cast<agenthost_verdict *>(&kOutOfMemoryDeny);
  }
}

// Hands an asynchronous verdict to the host's callback, which owns it.
void deliver(agenthost_verdict_callback callback, void *user,
             const agenthost::Verdict &v) noexcept {
  agenthost_verdict *out = nullptr;
  agenthost_status status = AGENTHOST_OK;
  try {
    out = make_verdict(v);
  } catch (...) {
    out = const_cast<agenthost_verdict *>(&kOutOfMemoryDeny);
    status = AGENTHOST_INTERNAL;
  }
  callback(user, status, out);
}

}  // namespace

extern "C" {

void agenthost_hook_options_init_sized(agenthost_hook_options *opts, size_t size) {
  if (opts == nullptr) return;
  fill_defaults(opts, std::min(size, kKnownSize));
}

// The exported function: its callers (bindings, hosts built against the 0.1 struct) pass no size.
void(agenthost_hook_options_init)(agenthost_hook_options *opts) {
  if (opts == nullptr) return;
  fill_defaults(opts, kFirstVersionSize);
}

agenthost_status agenthost_hook_policy_create(const char *config_json,
                                              const agenthost_hook_options *opts,
                                              agenthost_hook_policy **out) {
  constexpr const char *fn = "agenthost_hook_policy_create";
  if (out != nullptr) *out = nullptr;
  if (config_json == nullptr) return null_argument(fn, "config_json");
  if (out == nullptr) return null_argument(fn, "out");
  return guard(fn, [&] {
    auto handle = std::make_unique<agenthost_hook_policy>();
    handle->policy = agenthost::HookPolicy::create(config_json, to_options(opts));
    *out = handle.release();
  });
}

void agenthost_hook_policy_free(agenthost_hook_policy *p) { delete p; }

agenthost_status agenthost_hook_policy_evaluate(agenthost_hook_policy *p, const char *input_json,
                                                size_t len, agenthost_verdict **out) {
  constexpr const char *fn = "agenthost_hook_policy_evaluate";
  agenthost_status status = AGENTHOST_OK;
  if (p == nullptr) {
    status = null_argument(fn, "p");
  } else if (input_json == nullptr) {
    status = null_argument(fn, "input_json");
  } else if (out == nullptr) {
    status = null_argument(fn, "out");
  } else {
    status = guard(
        fn, [&] { *out = make_verdict(p->policy->evaluate(std::string_view(input_json, len))); });
  }
  if (status != AGENTHOST_OK && out != nullptr) *out = deny_verdict(status);
  return status;
}

agenthost_status agenthost_hook_policy_evaluate_async(agenthost_hook_policy *p,
                                                      const char *input_json, size_t len,
                                                      agenthost_verdict_callback callback,
                                                      void *user, uint64_t *ticket) {
  constexpr const char *fn = "agenthost_hook_policy_evaluate_async";
  if (ticket != nullptr) *ticket = 0;
  if (p == nullptr) return null_argument(fn, "p");
  if (input_json == nullptr) return null_argument(fn, "input_json");
  if (callback == nullptr) return null_argument(fn, "callback");
  return guard(fn, [&] {
    const std::uint64_t t = p->policy->evaluate_async(
        std::string_view(input_json, len),
        [callback, user](agenthost::Verdict &&v) { deliver(callback, user, v); });
    if (ticket != nullptr) *ticket = t;
  });
}

agenthost_status agenthost_hook_policy_cancel(agenthost_hook_policy *p, uint64_t ticket) {
  constexpr const char *fn = "agenthost_hook_policy_cancel";
  if (p == nullptr) return null_argument(fn, "p");
  return guard(fn, [&] {
    if (!p->policy->cancel(ticket)) {
      throw agenthost::Error(
          agenthost::Errc::not_found,
          "no evaluation waiting for its verdict has ticket " + std::to_string(ticket));
    }
  });
}

const char *agenthost_decision_name(agenthost_decision d) {
  switch (d) {
    case AGENTHOST_ALLOW:
    case AGENTHOST_DENY:
    case AGENTHOST_ASK:
    case AGENTHOST_DEFER:
      return agenthost::decision_name(static_cast<agenthost::Decision>(d));
  }
  return "deny";
}

agenthost_decision agenthost_verdict_decision(const agenthost_verdict *v) {
  return v == nullptr ? AGENTHOST_DENY : v->decision;
}

const char *agenthost_verdict_reason(const agenthost_verdict *v) {
  return (v == nullptr ? &kNoVerdict : v)->reason.c_str();
}

const char *agenthost_verdict_json(const agenthost_verdict *v, size_t *len) {
  if (v == nullptr) v = &kNoVerdict;
  if (len != nullptr) *len = v->json.size();
  return v->json.c_str();
}

void agenthost_verdict_free(agenthost_verdict *v) {
  if (v != &kOutOfMemoryDeny && v != &kNoVerdict) delete v;
}

}  // extern "C"
