// The session store handle behind agenthost_session_store, shared with the metrics wrappers.
#pragma once

#include <agenthost.h>

#include <agenthost/session_store.hpp>
#include <memory>

struct agenthost_session_store {
  std::unique_ptr<agenthost::SessionStore> store;
};
