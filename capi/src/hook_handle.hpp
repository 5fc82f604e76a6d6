// The hook policy handle behind agenthost_hook_policy, shared with the metrics wrappers.
#pragma once

#include <agenthost.h>

#include <agenthost/hook_policy.hpp>
#include <memory>

struct agenthost_hook_policy {
  std::unique_ptr<agenthost::HookPolicy> policy;
};
