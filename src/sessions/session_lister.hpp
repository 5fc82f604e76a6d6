// SessionStore::list: one index range read (+ ZCARD, same pipeline) and one MGET of the page.
#pragma once

#include "sessions/key_schema.hpp"

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>

namespace agenthost::detail {

// Index members whose record is gone (expired, deleted behind the store's back) or no longer
// matches the index (owner, status changed by another writer) are removed from that index in the
// next round trip and the page is read again, at most a few times; so listings show no ghosts and
// indexes do not grow without bound.
SessionPage list_sessions(CacheClient &cache, const KeySchema &keys, const ListQuery &query);

}  // namespace agenthost::detail
