#include "sessions/session_index.hpp"

#include <fmt/format.h>

namespace agenthost::detail {

std::vector<Command> index_write_commands(const KeySchema &keys, const Session &session) {
  const std::string score = std::to_string(index_score(session));
  std::vector<Command> commands;
  for (const auto &index : keys.indexes_of(session.owner, session.status)) {
    commands.push_back({"ZADD", index, score, session.id});
  }
  for (SessionStatus other :
       {SessionStatus::active, SessionStatus::completed, SessionStatus::error}) {
    if (other == session.status) continue;
    commands.push_back({"ZREM", keys.index(std::nullopt, other), session.id});
    if (session.owner) commands.push_back({"ZREM", keys.index(session.owner, other), session.id});
  }
  return commands;
}

std::vector<Command> index_remove_commands(const KeySchema &keys, const std::string &id,
                                           const std::optional<std::string> &owner_hash) {
  std::vector<Command> commands;
  for (const auto &index : keys.all_indexes_for(owner_hash)) {
    commands.push_back({"ZREM", index, id});
  }
  return commands;
}

void check_replies(const std::vector<Reply> &replies, std::string_view what) {
  for (const auto &reply : replies) {
    if (reply.is_error()) {
      throw Error(Errc::protocol, fmt::format("{}: Redis replied {}", what, reply.str));
    }
  }
}

}  // namespace agenthost::detail
