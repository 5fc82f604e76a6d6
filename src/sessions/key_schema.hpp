// The Redis key names of sessions and their indexes.
#pragma once

#include <agenthost/session.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::detail {

// Records: {key_prefix}{id}. Indexes (sorted sets, member = id, score = created_at in ms):
//   {index_prefix}all                          every session
//   {index_prefix}all:status:{status}          every session with that status
//   {index_prefix}by_owner:{hash}              one owner's sessions
//   {index_prefix}by_owner:{hash}:status:{s}   one owner's sessions with that status
// The index names do not match "session:*", so the Python service's scans never see them.
class KeySchema {
 public:
  KeySchema(std::string key_prefix, std::string index_prefix);

  std::string record(std::string_view id) const;
  // The id of a record key, or nullopt when `key` is not one.
  std::optional<std::string> id_of(std::string_view key) const;
  // SCAN pattern matching every record key (the prefix glob-escaped).
  std::string record_pattern() const;

  // The index a listing reads: owner (hash) and status both optional.
  std::string index(const std::optional<std::string> &owner_hash,
                    std::optional<SessionStatus> status) const;
  // Every index a session with this owner and status belongs to.
  std::vector<std::string> indexes_of(const std::optional<std::string> &owner_hash,
                                      SessionStatus status) const;
  // Every index a session with this owner may be in, whatever its status (for removals).
  std::vector<std::string> all_indexes_for(const std::optional<std::string> &owner_hash) const;

 private:
  std::string key_prefix_;
  std::string index_prefix_;
};

// Redis score of a creation time: milliseconds since the epoch.
std::int64_t index_score(const Session &s);

}  // namespace agenthost::detail
