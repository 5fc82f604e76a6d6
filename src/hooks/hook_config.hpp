// The hooks configuration: {"<Event>": hook | [hook, ...], ...}, validated once at creation so
// that evaluation never meets a configuration error.
#pragma once

#include <agenthost/hook_policy.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hooks/matcher.hpp"
#include "hooks/webhook_signer.hpp"
#include "hooks/webhook_url.hpp"

namespace agenthost::hooks {

struct HookSpec {
  std::string where;  // "PreToolUse[0]": names the hook in messages
  WebhookUrl url;
  Matcher matcher{"", ""};
  std::chrono::milliseconds timeout{30000};
  std::vector<std::string> headers;  // "Name: value"
  std::optional<WebhookSigner> signer;
  Decision on_failure = Decision::deny;
};

struct EventHooks {
  std::string event;  // canonical name
  std::vector<HookSpec> hooks;
};

// Throws Error(invalid_argument) "hooks config: <Event>[<index>].<field>: <why>" for every error:
// bad URL, bad regex, timeout out of range, wrong types, bad secret, bad headers; also for an
// explicit on_failure "allow" on PreToolUse, whose failures must always deny.
std::vector<EventHooks> parse_hook_config(std::string_view json);

}  // namespace agenthost::hooks
