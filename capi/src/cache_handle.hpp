// The cache client handle behind agenthost_cache_client, shared with the wrappers (SessionStore)
// that borrow the client.
#pragma once

#include <agenthost.h>

#include <agenthost/cache_client.hpp>

struct agenthost_cache_client {
  agenthost::CacheClient client;
};

namespace agenthost::capi {

// The client inside a non-NULL handle.
inline CacheClient &cache_client_of(agenthost_cache_client *handle) { return handle->client; }

}  // namespace agenthost::capi
