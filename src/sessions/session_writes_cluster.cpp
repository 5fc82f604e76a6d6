#include "sessions/session_writes_cluster.hpp"

#include <fmt/format.h>

#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_index.hpp"

namespace agenthost::detail {

namespace {

constexpr SessionStatus kStatuses[] = {SessionStatus::active, SessionStatus::completed,
                                       SessionStatus::error};

void run_checked(CacheClient &cache, std::vector<Command> commands, std::string_view what) {
  if (commands.empty()) return;
  Batch batch;
  batch.commands = std::move(commands);
  check_replies(cache.execute(batch), what);
}

// The record of `id` as it is now, or nullopt when absent or unreadable (a corrupt record
// vouches for no index entry).
std::optional<Session> current_record(std::string_view id,
                                      const std::optional<std::string> &value) {
  if (!value) return std::nullopt;
  try {
    return decode_record(id, *value);
  } catch (const Error &e) {
    if (e.code() != Errc::corrupt) throw;
    return std::nullopt;
  }
}

}  // namespace

std::vector<Command> index_add_commands(const KeySchema &keys, const Session &session, bool nx) {
  const std::string score = std::to_string(index_score(session));
  std::vector<Command> commands;
  for (const auto &index : keys.indexes_of(session.owner, session.status)) {
    commands.push_back(nx ? Command{"ZADD", index, "NX", score, session.id}
                          : Command{"ZADD", index, score, session.id});
  }
  return commands;
}

std::vector<std::string> cluster_before_create(CacheClient &cache, const KeySchema &keys,
                                               const Session &session) {
  if (cache.exists(keys.record(session.id))) {
    throw Error(Errc::conflict, fmt::format("session '{}' already exists", session.id));
  }
  Batch batch;
  batch.commands = index_add_commands(keys, session, true);
  const auto replies = cache.execute(batch);
  check_replies(replies, "session create (index)");
  std::vector<std::string> added;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].integer == 1) added.push_back(batch.commands[i][1]);
  }
  return added;
}

void cluster_undo_create(CacheClient &cache, const KeySchema &keys, const std::string &id,
                         const std::vector<std::string> &added) {
  std::vector<Command> removals;
  removals.reserve(added.size());
  for (const auto &index : added) removals.push_back({"ZREM", index, id});
  remove_then_recheck(cache, keys, std::move(removals), {id});
}

void cluster_before_status_change(CacheClient &cache, const KeySchema &keys, std::string_view id,
                                  SessionStatus status,
                                  const std::optional<std::string> &owner_hash) {
  auto s = current_record(id, cache.get(keys.record(id)));
  if (!s) return;
  if (owner_hash && !(s->owner && owner_hashes_equal(*s->owner, *owner_hash))) return;
  s->status = status;
  run_checked(cache, index_add_commands(keys, *s), "session update (index)");
}

void cluster_after_write(CacheClient &cache, const KeySchema &keys, const Session &session) {
  run_checked(cache, index_add_commands(keys, session), "session write (index)");
  std::vector<Command> removals;
  for (SessionStatus other : kStatuses) {
    if (other == session.status) continue;
    removals.push_back({"ZREM", keys.index(std::nullopt, other), session.id});
    if (session.owner) removals.push_back({"ZREM", keys.index(session.owner, other), session.id});
  }
  remove_then_recheck(cache, keys, std::move(removals), {session.id});
}

void cluster_after_delete(CacheClient &cache, const KeySchema &keys, const std::string &id,
                          const std::optional<std::string> &owner_hash) {
  remove_then_recheck(cache, keys, index_remove_commands(keys, id, owner_hash), {id});
}

void remove_then_recheck(CacheClient &cache, const KeySchema &keys, std::vector<Command> removals,
                         const std::vector<std::string> &ids) {
  if (removals.empty()) return;
  run_checked(cache, std::move(removals), "session index removal");
  if (ids.empty()) return;
  std::vector<std::string> records;
  records.reserve(ids.size());
  for (const auto &id : ids) records.push_back(keys.record(id));
  const auto values = cache.mget(records);
  std::vector<Command> readds;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (auto s = current_record(ids[i], values.at(i))) {
      for (auto &c : index_add_commands(keys, *s)) readds.push_back(std::move(c));
    }
  }
  run_checked(cache, std::move(readds), "session index re-add");
}

}  // namespace agenthost::detail
