// SessionStore::reindex: rebuilds the indexes from the records already in Redis (written by the
// Python service, which keeps no indexes, or left behind by a crash).
#include <fmt/format.h>

#include <agenthost/session_store.hpp>

#include "sessions/durable/session_durable.hpp"
#include "sessions/key_schema.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_counters.hpp"
#include "sessions/session_index.hpp"

namespace agenthost {

namespace {

constexpr const char *kScanBatch = "500";  // keys per SCAN step: bounded memory and latency
constexpr int kMaxEmptySteps = 10000000;   // SCAN always ends; this only makes the loop bounded

struct ScanStep {
  std::string cursor;
  std::vector<std::string> keys;
};

ScanStep scan_step(CacheClient &cache, const std::string &cursor, const std::string &pattern) {
  Batch batch;
  batch.add({"SCAN", cursor, "MATCH", pattern, "COUNT", kScanBatch});
  const auto replies = cache.execute(batch);
  const Reply &r = replies.at(0);
  if (r.is_error()) throw Error(Errc::protocol, fmt::format("reindex: SCAN failed: {}", r.str));
  if (r.type != Reply::Type::array || r.elements.size() != 2 ||
      r.elements[1].type != Reply::Type::array) {
    throw Error(Errc::protocol, "reindex: unexpected reply to SCAN");
  }
  ScanStep step{r.elements[0].str, {}};
  for (const auto &k : r.elements[1].elements) step.keys.push_back(k.str);
  return step;
}

// ZADD only, never ZREM: between the MGET and these writes another client may update or delete
// the record, and a removal based on the stale read would drop the entry its update just wrote
// (a session lost from its status listing). An extra entry is harmless: listings drop ghosts
// and move misplaced entries when they meet them.
std::vector<Command> add_commands(const detail::KeySchema &schema, const Session &s) {
  const std::string score = std::to_string(detail::index_score(s));
  std::vector<Command> commands;
  for (const auto &index : schema.indexes_of(s.owner, s.status)) {
    commands.push_back({"ZADD", index, score, s.id});
  }
  return commands;
}

// Indexes the decodable records among `keys`; returns how many.
std::uint64_t index_records(CacheClient &cache, const detail::KeySchema &schema,
                            const std::vector<std::string> &keys) {
  if (keys.empty()) return 0;
  const auto values = cache.mget(keys);
  Batch writes;
  std::uint64_t indexed = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto id = schema.id_of(keys[i]);
    if (!id || !values.at(i)) continue;  // not a record key, or not a string value
    try {
      const Session s = detail::decode_record(*id, *values[i]);
      for (auto &c : add_commands(schema, s)) writes.add(std::move(c));
      ++indexed;
    } catch (const Error &e) {
      if (e.code() != Errc::corrupt) throw;  // corrupt records are skipped, left for inspection
    }
  }
  if (!writes.commands.empty()) detail::check_replies(cache.execute(writes), "reindex");
  return indexed;
}

}  // namespace

std::uint64_t SessionStore::reindex() {
  const detail::OperationTimer timer(counters_->reindex);
  if (durable_) return durable_->reindex();
  const detail::KeySchema schema(options_.key_prefix, options_.index_prefix);
  const std::string pattern = schema.record_pattern();
  std::uint64_t indexed = 0;
  std::string cursor = "0";
  for (int step = 0; step < kMaxEmptySteps; ++step) {
    ScanStep s = scan_step(cache_, cursor, pattern);
    indexed += index_records(cache_, schema, s.keys);
    cursor = std::move(s.cursor);
    if (cursor == "0") break;
  }
  return indexed;
}

}  // namespace agenthost
