// Set and sorted-set commands of the memory:// backend.
#include <cmath>
#include <limits>

#include "cache/memory/memory_commands.hpp"

namespace agenthost::detail::memory {

namespace {

template <typename T>
bool holds(const Entry *e) {
  return e == nullptr || std::holds_alternative<T>(e->value);
}

// Removes a key whose set or sorted set became empty, as Redis never keeps empty collections.
template <typename T>
void drop_if_empty(Context &ctx, const std::string &key, Entry &e) {
  if (std::get<T>(e.value).size() == 0) {
    ctx.store.erase(key);
  } else {
    ctx.store.touch(e);
  }
}

}  // namespace

Reply cmd_sadd(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<SetValue>(e)) return error(kWrongType);
  if (e == nullptr) e = &ctx.store.write(c[1], SetValue());
  auto &set = std::get<SetValue>(e->value);
  std::int64_t added = 0;
  for (std::size_t i = 2; i < c.size(); ++i) added += set.insert(c[i]).second ? 1 : 0;
  if (added > 0) ctx.store.touch(*e);
  return integer(added);
}

Reply cmd_srem(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<SetValue>(e)) return error(kWrongType);
  if (e == nullptr) return integer(0);
  auto &set = std::get<SetValue>(e->value);
  std::int64_t removed = 0;
  for (std::size_t i = 2; i < c.size(); ++i) removed += static_cast<std::int64_t>(set.erase(c[i]));
  if (removed > 0) drop_if_empty<SetValue>(ctx, c[1], *e);
  return integer(removed);
}

Reply cmd_smembers(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<SetValue>(e)) return error(kWrongType);
  std::vector<Reply> out;
  if (e != nullptr) {
    for (const auto &m : std::get<SetValue>(e->value)) out.push_back(bulk(m));
  }
  return array(std::move(out));
}

Reply cmd_scard(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<SetValue>(e)) return error(kWrongType);
  return integer(e == nullptr ? 0 : static_cast<std::int64_t>(std::get<SetValue>(e->value).size()));
}

Reply cmd_sismember(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<SetValue>(e)) return error(kWrongType);
  return integer(e != nullptr && std::get<SetValue>(e->value).count(c[2]) ? 1 : 0);
}

namespace {

struct ZAddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// Sets the ZADD flag named `word`; false when it is not a flag (the scores begin).
bool set_zadd_flag(ZAddFlags *f, std::string_view word) {
  static const std::pair<const char *, bool ZAddFlags::*> flags[] = {
      {"NX", &ZAddFlags::nx}, {"XX", &ZAddFlags::xx}, {"GT", &ZAddFlags::gt},
      {"LT", &ZAddFlags::lt}, {"CH", &ZAddFlags::ch}, {"INCR", &ZAddFlags::incr},
  };
  for (const auto &[name, flag] : flags) {
    if (equals_nocase(word, name)) {
      f->*flag = true;
      return true;
    }
  }
  return false;
}

// Parses ZADD's flags; returns the index of the first score, or 0 with *err set.
std::size_t parse_zadd_flags(const Command &c, ZAddFlags *f, std::string *err) {
  std::size_t i = 2;
  while (i < c.size() && set_zadd_flag(f, c[i])) ++i;
  if (f->nx && f->xx) {
    *err = "ERR XX and NX options at the same time are not compatible";
  } else if ((f->gt && f->nx) || (f->lt && f->nx) || (f->gt && f->lt)) {
    *err = "ERR GT, LT, and/or NX options at the same time are not compatible";
  } else if (i >= c.size() || (c.size() - i) % 2 != 0) {
    *err = kSyntax;
  } else if (f->incr && c.size() - i != 2) {
    *err = "ERR INCR option supports a single increment-element pair";
  }
  return err->empty() ? i : 0;
}

// ZADD ... INCR increment member: the new score, or nil when a flag prevented the update.
Reply zadd_incr(Context &ctx, const Command &c, const ZAddFlags &f, double by, Entry *e) {
  const std::string &member = c.back();
  std::optional<double> old;
  if (e != nullptr) {
    const auto &scores = std::get<ZSet>(e->value).scores;
    if (auto it = scores.find(member); it != scores.end()) old = it->second;
  }
  if ((f.nx && old) || (f.xx && !old)) return nil();
  double next = old.value_or(0) + by;
  if (std::isnan(next)) return error("ERR resulting score is not a number (NaN)");
  if (old && ((f.gt && next <= *old) || (f.lt && next >= *old))) return nil();
  if (e == nullptr) e = &ctx.store.write(c[1], ZSet());
  if (std::get<ZSet>(e->value).add(member, next) || !old || *old != next) ctx.store.touch(*e);
  return bulk(format_double(next));
}

}  // namespace

Reply cmd_zadd(Context &ctx, const Command &c) {
  ZAddFlags f;
  std::string err;
  std::size_t first = parse_zadd_flags(c, &f, &err);
  if (first == 0) return error(err);
  std::vector<double> scores;
  for (std::size_t i = first; i < c.size(); i += 2) {
    double score = 0;
    if (!parse_double(c[i], &score)) return error(kNotFloat);
    scores.push_back(score);
  }
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  if (f.incr) return zadd_incr(ctx, c, f, scores.front(), e);
  if (e == nullptr && f.xx) return integer(0);
  if (e == nullptr) e = &ctx.store.write(c[1], ZSet());
  auto &zset = std::get<ZSet>(e->value);
  std::int64_t added = 0, changed = 0;
  for (std::size_t i = first, k = 0; i < c.size(); i += 2, ++k) {
    const std::string &member = c[i + 1];
    auto it = zset.scores.find(member);
    bool exists = it != zset.scores.end();
    if ((f.nx && exists) || (f.xx && !exists)) continue;
    double score = scores[k];
    if (exists && ((f.gt && score <= it->second) || (f.lt && score >= it->second))) continue;
    bool is_new = !exists;
    bool differs = is_new || it->second != score;
    zset.add(member, score);
    added += is_new ? 1 : 0;
    changed += differs ? 1 : 0;
  }
  if (zset.size() == 0) {
    ctx.store.erase(c[1]);
  } else if (changed > 0) {
    ctx.store.touch(*e);
  }
  return integer(f.ch ? changed : added);
}

Reply cmd_zrem(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  if (e == nullptr) return integer(0);
  auto &zset = std::get<ZSet>(e->value);
  std::int64_t removed = 0;
  for (std::size_t i = 2; i < c.size(); ++i) removed += zset.remove(c[i]) ? 1 : 0;
  if (removed > 0) drop_if_empty<ZSet>(ctx, c[1], *e);
  return integer(removed);
}

Reply cmd_zcard(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  return integer(e == nullptr ? 0 : static_cast<std::int64_t>(std::get<ZSet>(e->value).size()));
}

Reply cmd_zscore(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  if (e == nullptr) return nil();
  const auto &scores = std::get<ZSet>(e->value).scores;
  auto it = scores.find(c[2]);
  return it == scores.end() ? nil() : bulk(format_double(it->second));
}

namespace {

using Ordered = std::set<std::pair<double, std::string>>;

// A score bound as Redis parses one: "1.5", "(1.5" (exclusive), "-inf", "+inf".
struct Bound {
  double value = 0;
  bool exclusive = false;
};

bool parse_bound(std::string_view text, Bound *b) {
  b->exclusive = !text.empty() && text.front() == '(';
  if (b->exclusive) text.remove_prefix(1);
  return parse_double(text, &b->value);
}

struct ScoreRange {
  Bound min, max;
  bool above_min(double s) const { return min.exclusive ? s > min.value : s >= min.value; }
  bool below_max(double s) const { return max.exclusive ? s < max.value : s <= max.value; }
};

// First element whose score is at least `score` (members sort after "").
Ordered::const_iterator first_at_least(const Ordered &o, double score) {
  return o.lower_bound({score, std::string()});
}

// Visits the elements in the score range, ascending or descending, until visit returns false.
template <typename Visit>
void for_each_in_range(const Ordered &o, const ScoreRange &r, bool reverse, Visit &&visit) {
  if (!reverse) {
    for (auto it = first_at_least(o, r.min.value); it != o.end() && r.below_max(it->first); ++it) {
      if (r.above_min(it->first) && !visit(*it)) return;
    }
    return;
  }
  // One past the last element within max: the first element above it.
  auto it = std::isinf(r.max.value) && r.max.value > 0
                ? o.end()
                : first_at_least(o, std::nextafter(r.max.value, HUGE_VAL));
  while (it != o.begin()) {
    --it;
    if (!r.below_max(it->first)) continue;
    if (!r.above_min(it->first) || !visit(*it)) return;
  }
}

struct RangeRequest {
  bool by_score = false;
  bool reverse = false;
  bool with_scores = false;
  bool limit = false;
  std::int64_t offset = 0, count = -1;
  std::string_view from, to;  // as given: for a reversed score range, max then min
};

void emit(std::vector<Reply> &out, const std::pair<double, std::string> &item, bool with_scores) {
  out.push_back(bulk(item.second));
  if (with_scores) out.push_back(bulk(format_double(item.first)));
}

Reply range_by_score(const ZSet *zset, const RangeRequest &q) {
  ScoreRange r;
  Bound &lo = q.reverse ? r.max : r.min;
  Bound &hi = q.reverse ? r.min : r.max;
  if (!parse_bound(q.from, &lo) || !parse_bound(q.to, &hi)) {
    return error("ERR min or max is not a float");
  }
  std::vector<Reply> out;
  if (zset == nullptr || q.offset < 0) return array(std::move(out));
  std::int64_t skip = q.offset, left = q.count;
  for_each_in_range(zset->ordered, r, q.reverse, [&](const auto &item) {
    if (skip > 0) {
      --skip;
      return true;
    }
    if (left == 0) return false;
    emit(out, item, q.with_scores);
    if (left > 0) --left;
    return true;
  });
  return array(std::move(out));
}

Reply range_by_rank(const ZSet *zset, const RangeRequest &q) {
  std::int64_t start = 0, stop = 0;
  if (!parse_int(q.from, &start) || !parse_int(q.to, &stop)) return error(kNotInteger);
  std::vector<Reply> out;
  auto size = static_cast<std::int64_t>(zset == nullptr ? 0 : zset->size());
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  if (start > stop || start >= size) return array(std::move(out));
  if (stop >= size) stop = size - 1;
  auto take = [&](auto it) {
    std::advance(it, start);
    for (std::int64_t i = start; i <= stop; ++i, ++it) emit(out, *it, q.with_scores);
  };
  if (q.reverse) {
    take(zset->ordered.rbegin());
  } else {
    take(zset->ordered.begin());
  }
  return array(std::move(out));
}

Reply run_range(Context &ctx, const Command &c, const RangeRequest &q) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  const ZSet *zset = e == nullptr ? nullptr : &std::get<ZSet>(e->value);
  return q.by_score ? range_by_score(zset, q) : range_by_rank(zset, q);
}

// Parses [WITHSCORES] [LIMIT offset count] (and for ZRANGE: BYSCORE, REV) from index `i` on.
std::optional<std::string> parse_range_options(const Command &c, std::size_t i, bool zrange,
                                               RangeRequest *q) {
  for (; i < c.size(); ++i) {
    if (equals_nocase(c[i], "WITHSCORES")) {
      q->with_scores = true;
    } else if (equals_nocase(c[i], "LIMIT") && i + 2 < c.size()) {
      if (!parse_int(c[i + 1], &q->offset) || !parse_int(c[i + 2], &q->count)) {
        return std::string(kNotInteger);
      }
      q->limit = true;
      i += 2;
    } else if (zrange && equals_nocase(c[i], "BYSCORE")) {
      q->by_score = true;
    } else if (zrange && equals_nocase(c[i], "REV")) {
      q->reverse = true;
    } else if (zrange && equals_nocase(c[i], "BYLEX")) {
      return std::string("ERR ZRANGE BYLEX is not supported by the memory:// backend");
    } else {
      return std::string(kSyntax);
    }
  }
  if (q->limit && !q->by_score) {
    return std::string(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  return std::nullopt;
}

Reply range_command(Context &ctx, const Command &c, RangeRequest q, bool zrange) {
  q.from = c[2];
  q.to = c[3];
  if (auto err = parse_range_options(c, 4, zrange, &q)) return error(*err);
  return run_range(ctx, c, q);
}

}  // namespace

Reply cmd_zrange(Context &ctx, const Command &c) { return range_command(ctx, c, {}, true); }

Reply cmd_zrangebyscore(Context &ctx, const Command &c) {
  RangeRequest q;
  q.by_score = true;
  return range_command(ctx, c, q, false);
}

Reply cmd_zrevrangebyscore(Context &ctx, const Command &c) {
  RangeRequest q;
  q.by_score = true;
  q.reverse = true;
  return range_command(ctx, c, q, false);
}

Reply cmd_zrevrange(Context &ctx, const Command &c) {
  RangeRequest q;
  q.reverse = true;
  return range_command(ctx, c, q, false);
}

Reply cmd_zcount(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (!holds<ZSet>(e)) return error(kWrongType);
  ScoreRange r;
  if (!parse_bound(c[2], &r.min) || !parse_bound(c[3], &r.max)) {
    return error("ERR min or max is not a float");
  }
  std::int64_t n = 0;
  if (e != nullptr) {
    for_each_in_range(std::get<ZSet>(e->value).ordered, r, false, [&](const auto &) {
      ++n;
      return true;
    });
  }
  return integer(n);
}

}  // namespace agenthost::detail::memory
