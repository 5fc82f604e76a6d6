// SessionStore writes on Redis Cluster. A record ({key_prefix}{id}) and its index entries live in
// different hash slots, so no MULTI/EXEC covers both. The writes are ordered so that a crash
// leaves at most an index entry without its record (listings drop those), never a record missing
// from an index it belongs to:
//   - an index entry is added before the record is written, and again after it (so a removal
//     racing the write cannot leave the record unindexed);
//   - an index entry is removed only after the record stopped belonging there, and then the
//     record is read again and every index it belongs to now is written back.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <string>
#include <vector>

#include "sessions/key_schema.hpp"

namespace agenthost::detail {

// ZADD `session` into every index it belongs to (nx: leave an existing member's score alone).
std::vector<Command> index_add_commands(const KeySchema &keys, const Session &session,
                                        bool nx = false);

// Before a create: Error(conflict) when the record exists; else adds the index entries (NX) and
// returns the indexes that did not hold the id yet (to undo if the create then loses a race).
std::vector<std::string> cluster_before_create(CacheClient &cache, const KeySchema &keys,
                                               const Session &session);
// After a create that lost the race for its id: removes the entries it added, safely.
void cluster_undo_create(CacheClient &cache, const KeySchema &keys, const std::string &id,
                         const std::vector<std::string> &added);

// Before an update that sets a status: adds the entries of the new status, taking owner and
// created_at (which never change) from the record as it is now. Nothing when it is absent or
// not visible to `owner_hash` (the update then fails with not_found).
void cluster_before_status_change(CacheClient &cache, const KeySchema &keys, std::string_view id,
                                  SessionStatus status,
                                  const std::optional<std::string> &owner_hash);
// After a record write: its entries again, then removal from the other statuses' indexes.
void cluster_after_write(CacheClient &cache, const KeySchema &keys, const Session &session);
// After a delete: removes the id from every index a session of that owner may be in.
void cluster_after_delete(CacheClient &cache, const KeySchema &keys, const std::string &id,
                          const std::optional<std::string> &owner_hash);

// Runs `removals` (ZREMs), then reads the records of `ids` again and writes back every index
// entry of those that exist.
void remove_then_recheck(CacheClient &cache, const KeySchema &keys, std::vector<Command> removals,
                         const std::vector<std::string> &ids);

}  // namespace agenthost::detail
