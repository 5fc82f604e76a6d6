// The hooks configuration, validated once at creation so that evaluation never meets a
// configuration error. Two formats:
//   agenthost's: {"<Event>": hook | [hook, ...], ...}
//   Claude Code's settings: {"hooks": {"<Event>": [{"matcher"?, "hooks": [{"type": "http",
//   ...}]}]}}
#pragma once

#include <agenthost/verdict.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hooks/config/matcher.hpp"
#include "hooks/config/webhook_url.hpp"
#include "hooks/transport/webhook_signer.hpp"

namespace agenthost::hooks {

struct HookSpec {
  std::string where;  // "PreToolUse[0]": names the hook in messages
  WebhookUrl url;
  Matcher matcher{"", ""};
  std::chrono::milliseconds timeout{30000};
  std::vector<std::string> headers;  // "Name: value"
  std::optional<WebhookSigner> signer;
  Decision on_failure = Decision::deny;
  // How its replies are read (see ReplyRules): from the event's kind and on_failure.
  bool decision_required = true;
  bool can_block = true;
};

struct EventHooks {
  std::string event;  // canonical name
  std::vector<HookSpec> hooks;
};

// Throws Error(invalid_argument) "hooks config: <Event>[<index>].<field>: <why>" for every error:
// bad URL, bad regex, timeout out of range, wrong types, bad secret, bad headers, a hook type
// agenthost does not run; also for an explicit on_failure "allow" on a gate event (PreToolUse,
// PermissionRequest, PreSkillShellCommand), whose failures must always deny.
std::vector<EventHooks> parse_hook_config(std::string_view json);

}  // namespace agenthost::hooks
