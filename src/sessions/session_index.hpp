// The index writes that go into the same MULTI/EXEC as a record write.
#pragma once

#include <agenthost/cache_client.hpp>
#include <vector>

#include "sessions/key_schema.hpp"

namespace agenthost::detail {

// ZADD into every index the session belongs to; ZREM from the status indexes of the other
// statuses (so a status change, or a record updated by the Python service, leaves no stale entry).
std::vector<Command> index_write_commands(const KeySchema &keys, const Session &session);

// ZREM `id` from every index a session of this owner may be in.
std::vector<Command> index_remove_commands(const KeySchema &keys, const std::string &id,
                                           const std::optional<std::string> &owner_hash);

// Throws Error(protocol) when one of the replies is an error reply.
void check_replies(const std::vector<Reply> &replies, std::string_view what);

}  // namespace agenthost::detail
