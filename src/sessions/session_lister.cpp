#include "sessions/session_lister.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "cache/typed_commands.hpp"
#include "common/internal_events.hpp"
#include "common/json_string.hpp"
#include "sessions/cursor.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_counters.hpp"
#include "sessions/session_index.hpp"
#include "sessions/session_writes_cluster.hpp"

namespace agenthost::detail {

std::function<void()> before_index_repair_hook;

namespace {

constexpr int kMaxPasses = 8;              // reads of one page while stale entries are dropped
constexpr std::int64_t kTieBatch = 256;    // members sharing the cursor's score, read per step
constexpr std::size_t kMaxIdBytes = 1024;  // longer index members are no session's id
constexpr double kMaxScore = 9007199254740992.0;  // 2^53: every whole number up to it is exact
constexpr unsigned kRepairAttempts = 4;

struct Candidate {
  std::string id;
  std::int64_t score = 0;
  bool bad_score = false;  // not finite or beyond +-2^53 (a foreign writer's): never converted
  bool listable = true;    // see is_listable_id; checked once, when the member is read
};

// What one listing of the index needs to know (validated by plan_list).
struct Plan {
  std::string index;
  std::optional<std::string> owner_hash;
  std::optional<SessionStatus> status;
  std::optional<CursorPosition> after;
  std::uint32_t page = 1;
  std::uint32_t size = 20;
};

Plan make_plan(const KeySchema &keys, const ListPlan &list) {
  Plan p;
  p.page = list.query.page;
  p.size = list.query.page_size;
  p.status = list.query.status;
  p.after = list.after;
  p.owner_hash = list.owner_hash;
  p.index = keys.index(p.owner_hash, p.status);
  return p;
}

// An index member that can be a session id: the listing writes it into JSON and keys.
bool is_listable_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdBytes && is_valid_utf8(id);
}

// A score that is not a number within +-2^53 (a foreign writer's inf, nan or 1e300) is no
// created_at: the member is flagged, never converted (that would be UB).
Candidate scored(std::string member, const std::string &text) {
  const double d = parse_score(text, "ZRANGE WITHSCORES");
  const bool listable = is_listable_id(member);
  Candidate c{std::move(member), 0, true, listable};
  if (std::isfinite(d) && std::fabs(d) <= kMaxScore) {
    c.score = static_cast<std::int64_t>(d);
    c.bad_score = false;
  }
  return c;
}

// A ZRANGE ... WITHSCORES reply: member, score, member, score...
std::vector<Candidate> parse_range(Reply &reply) {
  if (reply.is_error()) {
    throw Error(Errc::protocol, fmt::format("session index read: Redis replied {}", reply.str));
  }
  if (reply.type != Reply::Type::array || reply.elements.size() % 2 != 0) {
    throw Error(Errc::protocol, "session index read: unexpected reply to ZRANGE WITHSCORES");
  }
  std::vector<Candidate> out;
  out.reserve(reply.elements.size() / 2);
  for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
    out.push_back(scored(std::move(reply.elements[i].str), reply.elements[i + 1].str));
  }
  return out;
}

// A ZRANGE reply without scores; every score is left 0.
std::vector<Candidate> parse_members(Reply &reply) {
  if (reply.is_error()) {
    throw Error(Errc::protocol, fmt::format("session index read: Redis replied {}", reply.str));
  }
  if (reply.type != Reply::Type::array) {
    throw Error(Errc::protocol, "session index read: unexpected reply to ZRANGE");
  }
  std::vector<Candidate> out;
  out.reserve(reply.elements.size());
  for (auto &member : reply.elements) {
    const bool listable = is_listable_id(member.str);
    out.push_back({std::move(member.str), 0, false, listable});
  }
  return out;
}

Command members_by_rank(const std::string &index, std::int64_t start, std::int64_t stop) {
  return {"ZRANGE", index, std::to_string(start), std::to_string(stop), "REV"};
}

Command range_by_rank(const std::string &index, std::int64_t start, std::int64_t stop) {
  return {"ZRANGE", index, std::to_string(start), std::to_string(stop), "REV", "WITHSCORES"};
}

// Members with max >= score >= min, newest first. Scores are whole milliseconds, so "below s"
// is "at most s - 1" and needs no exclusive bound.
Command range_by_score(const std::string &index, std::int64_t max, std::int64_t min,
                       std::int64_t offset, std::int64_t count) {
  return {"ZRANGE",
          index,
          std::to_string(max),
          min == INT64_MIN ? "-inf" : std::to_string(min),
          "BYSCORE",
          "REV",
          "LIMIT",
          std::to_string(offset),
          std::to_string(count),
          "WITHSCORES"};
}

// Members sharing the cursor's score come in descending id order; those below the cursor's id
// follow it. Reads further batches of ties only when a whole batch was consumed.
std::vector<Candidate> ties_after(CacheClient &cache, const Plan &p, Reply &first,
                                  std::size_t wanted) {
  std::vector<Candidate> out;
  std::vector<Candidate> batch = parse_range(first);
  for (std::int64_t offset = 0;;) {
    for (auto &c : batch) {
      if (c.id < p.after->id && out.size() < wanted) out.push_back(std::move(c));
    }
    if (static_cast<std::int64_t>(batch.size()) < kTieBatch || out.size() >= wanted) return out;
    offset += kTieBatch;
    Batch more;
    more.add(range_by_score(p.index, p.after->score, p.after->score, offset, kTieBatch));
    batch = parse_range(cache.execute(more).at(0));
  }
}

// Reads page_size + 1 candidates (the extra one tells whether a next page exists) and the total.
// A page by rank reads its members without scores (Redis formats each score of a WITHSCORES reply
// as text, which cost it ~59 us against ~8 us for a bare range of 101 members) plus the one score
// the cursor needs, that of the page's last member, in the same round trip. When the index
// changed between those two reads (the last members differ), the page is read again with every
// score (`lean` false), as one command.
std::vector<Candidate> read_window(CacheClient &cache, const Plan &p, std::uint64_t &total,
                                   IndexCompleteness *complete, bool lean = true) {
  Batch batch;
  const std::size_t first = 0;
  const std::size_t wanted = p.size + 1;
  if (p.after) {
    batch.add(range_by_score(p.index, p.after->score, p.after->score, 0, kTieBatch));
    batch.add(range_by_score(p.index, p.after->score - 1, INT64_MIN, 0,
                             static_cast<std::int64_t>(wanted)));
  } else {
    const std::int64_t start = static_cast<std::int64_t>(p.page - 1) * p.size;
    const std::int64_t stop = start + static_cast<std::int64_t>(p.size);
    if (lean) {
      batch.add(members_by_rank(p.index, start, stop));
      batch.add(range_by_rank(p.index, stop - 1, stop - 1));
    } else {
      batch.add(range_by_rank(p.index, start, stop));
    }
  }
  batch.add({"ZCARD", p.index});
  // Both the marker and the index itself: an index evicted (allkeys-* policies) while its marker
  // lives is not complete.
  if (complete) batch.add({"EXISTS", complete->marker, p.index});
  std::vector<Reply> replies = cache.execute(batch);
  if (replies.size() != batch.commands.size()) {
    throw Error(Errc::protocol, "session index read: reply count does not match the pipeline");
  }
  if (complete) {
    const Reply &exists = replies.back();
    complete->present = exists.type == Reply::Type::integer && exists.integer == 2;
    replies.pop_back();
    if (!complete->present) return {};
  }
  const Reply &card = replies.back();
  if (card.type != Reply::Type::integer) {
    throw Error(Errc::protocol, "session index read: unexpected reply to ZCARD");
  }
  total = static_cast<std::uint64_t>(card.integer);
  if (!p.after && !lean) return parse_range(replies[first]);
  if (!p.after) {
    std::vector<Candidate> out = parse_members(replies[first]);
    if (out.size() <= p.size) return out;  // no next page, so no cursor and no score needed
    const std::vector<Candidate> last = parse_range(replies[first + 1]);
    if (last.size() != 1 || last[0].id != out[p.size - 1].id) {
      return read_window(cache, p, total, complete, false);
    }
    out[p.size - 1].score = last[0].score;
    out[p.size - 1].bad_score = last[0].bad_score;
    return out;
  }
  std::vector<Candidate> out = ties_after(cache, p, replies[first], wanted);
  for (auto &c : parse_range(replies[first + 1])) {
    if (out.size() < wanted) out.push_back(std::move(c));
  }
  return out;
}

// Why an index member is not shown, when it is not. `bad_entry`: the member is no id, or its
// score no created_at; whatever its record, the entry itself is corrupt.
enum class EntryState { show, ghost, misplaced, corrupt, bad_entry };

// A record that decodes (shown or misplaced) takes `id` into out.id; otherwise `id` stays.
EntryState judge(const Plan &p, const std::optional<std::string> &value, std::string &id,
                 Session &out) {
  if (!value) return EntryState::ghost;
  try {
    out = decode_record_taking_id(id, *value);
  } catch (const Error &e) {
    if (e.code() == Errc::corrupt) return EntryState::corrupt;
    throw;
  }
  if (p.owner_hash && (!out.owner || !owner_hashes_equal(*out.owner, *p.owner_hash))) {
    return EntryState::misplaced;
  }
  if (p.status && out.status != *p.status) return EntryState::misplaced;
  return EntryState::show;
}

// An index entry the listing found stale, to fix under a WATCH of its record.
struct Repair {
  std::string id;
  bool listable = true;  // false: the member can be no session's id; it only leaves the index
  bool bad_score = false;
};

// The commands that fix `r`, judged on the record's value now (inside the transaction), so an
// update or a create that landed since the listing read it is never undone: an entry that has
// become valid again is left alone. A ghost leaves every index of this scope; a misplaced entry
// leaves the index read and is written where the record now belongs; a bad score is rewritten
// from the record (or dropped with a record that cannot vouch for it).
void plan_repair(const KeySchema &keys, const Plan &p, const Repair &r,
                 const std::optional<std::string> &value, std::vector<Command> &out) {
  if (!r.listable) {
    out.push_back({"ZREM", p.index, r.id});
    return;
  }
  Session s;
  std::string id = r.id;
  switch (judge(p, value, id, s)) {
    case EntryState::ghost:
      for (auto &cmd : index_remove_commands(keys, r.id, p.owner_hash))
        out.push_back(std::move(cmd));
      return;
    case EntryState::corrupt:
      if (r.bad_score) out.push_back({"ZREM", p.index, r.id});
      return;
    case EntryState::misplaced:
      out.push_back({"ZREM", p.index, r.id});
      for (auto &cmd : index_write_commands(keys, s)) out.push_back(std::move(cmd));
      return;
    case EntryState::show:
      if (r.bad_score) {
        for (auto &cmd : index_write_commands(keys, s)) out.push_back(std::move(cmd));
      }
      return;
    case EntryState::bad_entry:
      return;
  }
}

// Redis Cluster: records and index entries are in different slots, so no transaction covers
// both. Entries are fixed from a fresh read of their records, then every record that exists is
// read again and its entries written back, so a write racing the repair is never undone.
// Returns how many entries it fixed.
std::size_t apply_repairs_unguarded(CacheClient &cache, const KeySchema &keys, const Plan &p,
                                    const std::vector<Repair> &repairs) {
  std::vector<std::string> ids;
  std::vector<std::string> records;
  for (const auto &r : repairs) {
    if (!r.listable) continue;
    ids.push_back(r.id);
    records.push_back(keys.record(r.id));
  }
  const auto values =
      records.empty() ? std::vector<std::optional<std::string>>{} : cache.mget(records);
  std::vector<Command> fixes;
  std::size_t next = 0;
  std::size_t fixed = 0;
  for (const auto &r : repairs) {
    const std::size_t before = fixes.size();
    plan_repair(keys, p, r, r.listable ? values.at(next++) : std::nullopt, fixes);
    if (fixes.size() > before) ++fixed;
  }
  remove_then_recheck(cache, keys, std::move(fixes), ids);
  return fixed;
}

// One optimistic transaction over the records of every repair (rare: only when stale entries
// were met). Lost races are not errors: the next read judges the entries again. Returns how many
// entries it fixed (0 when the race was lost or every entry had become valid again).
std::size_t apply_repairs(CacheClient &cache, const KeySchema &keys, const Plan &p,
                          const std::vector<Repair> &repairs) {
  if (cache.is_cluster()) return apply_repairs_unguarded(cache, keys, p, repairs);
  std::vector<std::string> watched;
  watched.reserve(repairs.size());
  for (const auto &r : repairs) watched.push_back(keys.record(r.listable ? r.id : std::string()));
  std::size_t fixed = 0;  // by the last attempt's plan: the one that committed, if any
  const auto build = [&](const std::vector<std::optional<std::string>> &values)
      -> std::optional<std::vector<Command>> {
    std::vector<Command> commands;
    fixed = 0;
    for (std::size_t i = 0; i < repairs.size(); ++i) {
      const std::size_t before = commands.size();
      plan_repair(keys, p, repairs[i], values.at(i), commands);
      if (commands.size() > before) ++fixed;
    }
    if (commands.empty()) return std::nullopt;
    return commands;
  };
  try {
    auto replies = cache.transact(watched, build, kRepairAttempts);
    if (!replies) return 0;
    check_replies(*replies, "session index repair");
    return fixed;
  } catch (const Error &e) {
    if (e.code() != Errc::conflict) throw;
    return 0;
  }
}

// Repairs and counts: the store's index_repairs counter and the listener hear of it.
// Only entries actually fixed count: a lost race or an entry valid again by now is not a repair.
void repair_and_count(CacheClient &cache, const KeySchema &keys, const Plan &p,
                      const std::vector<Repair> &repairs) {
  const std::size_t fixed = apply_repairs(cache, keys, p, repairs);
  if (fixed == 0) return;
  count_index_repairs_on_this_thread(fixed);
  emit_internal_event(InternalEventKind::session_index_repaired, p.index,
                      fmt::format("{} stale index entries repaired by a listing", fixed));
}

}  // namespace

SessionPage list_sessions(CacheClient &cache, const KeySchema &keys, const ListPlan &plan,
                          IndexCompleteness *complete) {
  const Plan p = make_plan(keys, plan);
  SessionPage page;
  page.sessions.reserve(p.size);
  page.page = p.page;
  page.page_size = p.size;
  std::vector<Repair> repairs;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    if (!repairs.empty()) {
      if (detail::before_index_repair_hook) detail::before_index_repair_hook();
      repair_and_count(cache, keys, p, repairs);
      repairs.clear();
    }
    std::vector<Candidate> window = read_window(cache, p, page.total, complete);
    if (complete && !complete->present) return page;
    const bool has_more = window.size() > p.size;
    if (has_more) window.resize(p.size);
    // Before the loop below, which moves each shown candidate's id into its Session.
    page.next_cursor.reset();
    if (has_more && !window.back().bad_score) {
      page.next_cursor = encode_cursor({window.back().score, window.back().id});
    }
    std::vector<std::string> record_keys;
    record_keys.reserve(window.size());
    for (const auto &c : window) {
      if (c.listable) record_keys.push_back(keys.record(c.id));
    }
    const auto values = record_keys.empty() ? std::vector<std::optional<std::string>>{}
                                            : cache.mget(std::move(record_keys));
    page.sessions.clear();
    page.corrupt_ids.clear();
    page.skipped_corrupt = 0;
    std::size_t next_value = 0;
    for (auto &c : window) {
      if (!c.listable) {
        ++page.skipped_corrupt;  // no id to report: it cannot be written as JSON
        repairs.push_back({c.id, false, c.bad_score});
        continue;
      }
      const auto &value = values.at(next_value++);
      if (c.bad_score) {
        ++page.skipped_corrupt;
        page.corrupt_ids.push_back(c.id);
        repairs.push_back({c.id, true, true});
        continue;
      }
      // Decoded into its slot in the page (no move into the vector); a shown session takes the
      // candidate's id.
      Session &s = page.sessions.emplace_back();
      const EntryState v = judge(p, value, c.id, s);
      if (v == EntryState::show) continue;
      if (v == EntryState::misplaced) c.id = std::move(s.id);
      page.sessions.pop_back();
      if (v == EntryState::corrupt) {
        ++page.skipped_corrupt;
        page.corrupt_ids.push_back(c.id);
      } else {
        repairs.push_back({c.id, true, false});
      }
    }
    if (repairs.empty()) return page;
    if (complete) {
      complete->met_stale = true;
      return page;
    }
  }
  // Still stale entries after every pass (mass expiry): fix what was met, return what is valid.
  repair_and_count(cache, keys, p, repairs);
  return page;
}

}  // namespace agenthost::detail
