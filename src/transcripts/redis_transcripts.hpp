// The Redis backend (one node or a cluster): each write is one Lua script on the session's hash
// slot; the scope's index and summaries live on the scope's slot. On one node the append also
// indexes the session and a listing checks its sessions, inside the same script; on a cluster,
// where that would cross slots, the index is updated right after the append (ZADD GT, so a late
// update never lowers it) and listings check their page's sessions in one pipelined read,
// dropping the entries of sessions that are gone.
#pragma once

#include <agenthost/cache_client.hpp>
#include <memory>

#include "transcripts/transcript_backend.hpp"

namespace agenthost::detail {

std::unique_ptr<TranscriptBackend> make_redis_transcripts(CacheClient &cache,
                                                          const TranscriptStoreOptions &options);

}  // namespace agenthost::detail
