#include "sessions/session_lister.hpp"

#include "sessions/cursor.hpp"
#include "sessions/owner_key.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_index.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

namespace agenthost::detail {

namespace {

constexpr std::uint32_t kMaxPageSize = 100;
constexpr int kMaxPasses = 8;             // reads of one page while stale entries are dropped
constexpr std::int64_t kTieBatch = 256;   // members sharing the cursor's score, read per step

struct Candidate {
  std::string id;
  std::int64_t score = 0;
};

// What one listing needs to know, validated.
struct Plan {
  std::string index;
  std::optional<std::string> owner_hash;
  std::optional<SessionStatus> status;
  std::optional<CursorPosition> after;
  std::uint32_t page = 1;
  std::uint32_t size = 20;
};

Plan make_plan(const KeySchema &keys, const ListQuery &q) {
  if (q.page_size < 1 || q.page_size > kMaxPageSize) {
    throw Error(Errc::invalid_argument,
                fmt::format("page_size={} is out of range 1..{}", q.page_size, kMaxPageSize));
  }
  if (q.page < 1) throw Error(Errc::invalid_argument, "page=0 is out of range (pages start at 1)");
  Plan p;
  p.page = q.page;
  p.size = q.page_size;
  p.status = q.status;
  if (q.cursor) {
    if (q.page != 1) {
      throw Error(Errc::invalid_argument,
                  fmt::format("page={} cannot be combined with a cursor", q.page));
    }
    p.after = decode_cursor(*q.cursor);
  }
  if (q.owner_api_key) {
    if (q.owner_api_key->empty()) throw Error(Errc::invalid_argument, "owner API key is empty");
    p.owner_hash = owner_key_hash(*q.owner_api_key);
  }
  p.index = keys.index(p.owner_hash, p.status);
  return p;
}

std::int64_t parse_score(const std::string &text) {
  double d = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw Error(Errc::protocol, fmt::format("session index: score '{}' is not a number", text));
  }
  return static_cast<std::int64_t>(d);
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
    out.push_back({std::move(reply.elements[i].str), parse_score(reply.elements[i + 1].str)});
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
  for (auto &member : reply.elements) out.push_back({std::move(member.str), 0});
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
  return {"ZRANGE", index, std::to_string(max), min == INT64_MIN ? "-inf" : std::to_string(min),
          "BYSCORE", "REV", "LIMIT", std::to_string(offset), std::to_string(count), "WITHSCORES"};
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
std::vector<Candidate> read_window(CacheClient &cache, const Plan &p,
                                   std::vector<Command> removals, std::uint64_t &total,
                                   bool lean = true) {
  Batch batch;
  batch.commands = std::move(removals);
  const std::size_t first = batch.commands.size();
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
  std::vector<Reply> replies = cache.execute(batch);
  if (replies.size() != batch.commands.size()) {
    throw Error(Errc::protocol, "session index read: reply count does not match the pipeline");
  }
  check_replies(std::vector<Reply>(replies.begin(), replies.begin() + first), "session index");
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
      return read_window(cache, p, {}, total, false);
    }
    out[p.size - 1].score = last[0].score;
    return out;
  }
  std::vector<Candidate> out = ties_after(cache, p, replies[first], wanted);
  for (auto &c : parse_range(replies[first + 1])) {
    if (out.size() < wanted) out.push_back(std::move(c));
  }
  return out;
}

// Why an index member is not shown, when it is not.
enum class Verdict { show, ghost, misplaced, corrupt };

Verdict judge(const Plan &p, const std::optional<std::string> &value, const std::string &id,
              Session &out) {
  if (!value) return Verdict::ghost;
  try {
    out = decode_record(id, *value);
  } catch (const Error &e) {
    if (e.code() == Errc::corrupt) return Verdict::corrupt;
    throw;
  }
  if (p.owner_hash && (!out.owner || !owner_hashes_equal(*out.owner, *p.owner_hash))) {
    return Verdict::misplaced;
  }
  if (p.status && out.status != *p.status) return Verdict::misplaced;
  return Verdict::show;
}

// Commands that fix a stale entry. A ghost (record gone) leaves every index of this scope; a
// misplaced entry (the record's owner or status changed behind our back) leaves the index read
// and is written where the record now belongs.
void plan_fix(const KeySchema &keys, const Plan &p, Verdict v, const Candidate &c,
              const Session &s, std::vector<Command> &fixes) {
  if (v == Verdict::ghost) {
    for (auto &cmd : index_remove_commands(keys, c.id, p.owner_hash)) fixes.push_back(std::move(cmd));
    return;
  }
  fixes.push_back({"ZREM", p.index, c.id});
  for (auto &cmd : index_write_commands(keys, s)) fixes.push_back(std::move(cmd));
}

}  // namespace

SessionPage list_sessions(CacheClient &cache, const KeySchema &keys, const ListQuery &query) {
  const Plan p = make_plan(keys, query);
  SessionPage page;
  page.sessions.reserve(p.size);
  page.page = p.page;
  page.page_size = p.size;
  std::vector<Command> fixes;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    std::vector<Candidate> window = read_window(cache, p, std::move(fixes), page.total);
    fixes.clear();
    const bool has_more = window.size() > p.size;
    if (has_more) window.resize(p.size);
    std::vector<std::string> record_keys;
    record_keys.reserve(window.size());
    for (const auto &c : window) record_keys.push_back(keys.record(c.id));
    const auto values = window.empty() ? std::vector<std::optional<std::string>>{}
                                       : cache.mget(record_keys);
    page.sessions.clear();
    page.corrupt_ids.clear();
    for (std::size_t i = 0; i < window.size(); ++i) {
      Session s;
      const Verdict v = judge(p, values.at(i), window[i].id, s);
      if (v == Verdict::show) page.sessions.push_back(std::move(s));
      else if (v == Verdict::corrupt) page.corrupt_ids.push_back(window[i].id);
      else plan_fix(keys, p, v, window[i], s, fixes);
    }
    page.skipped_corrupt = page.corrupt_ids.size();
    page.next_cursor.reset();
    if (has_more) page.next_cursor = encode_cursor({window.back().score, window.back().id});
    if (fixes.empty()) return page;
  }
  // Still stale entries after every pass (mass expiry): drop what was met, return what is valid.
  Batch cleanup;
  cleanup.commands = std::move(fixes);
  check_replies(cache.execute(cleanup), "session index cleanup");
  return page;
}

}  // namespace agenthost::detail
