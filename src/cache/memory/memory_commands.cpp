#include "cache/memory/memory_commands.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "cache/memory/glob_match.hpp"

namespace agenthost::detail {
namespace memory {

Reply ok() {
  Reply r;
  r.type = Reply::Type::status;
  r.str = "OK";
  return r;
}

Reply nil() { return Reply{}; }

Reply integer(std::int64_t value) {
  Reply r;
  r.type = Reply::Type::integer;
  r.integer = value;
  return r;
}

Reply bulk(std::string value) {
  Reply r;
  r.type = Reply::Type::string;
  r.str = std::move(value);
  return r;
}

Reply error(std::string text) {
  Reply r;
  r.type = Reply::Type::error;
  r.str = std::move(text);
  return r;
}

Reply array(std::vector<Reply> elements) {
  Reply r;
  r.type = Reply::Type::array;
  r.elements = std::move(elements);
  return r;
}

bool parse_int(std::string_view text, std::int64_t *out) noexcept {
  if (text.empty() || text.size() > 20 || text.front() == '+') return false;
  // Like string2ll: no leading zeros ("007") and no "-0"; "0" itself is fine.
  std::string_view digits = text.front() == '-' ? text.substr(1) : text;
  if (digits.size() > 1 && digits.front() == '0') return false;
  if (text == "-0") return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_double(std::string_view text, double *out) noexcept {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+' || (text.front() == '-' && text.size() == 1)) {
    return false;
  }
  if (equals_nocase(text, "inf") || equals_nocase(text, "-inf")) {
    *out = text.front() == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !std::isnan(*out);
}

std::string format_double(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";  // Redis never writes "-0"
  // Redis 7.0 writes "%.17g"; to_chars gives the same digits without depending on the locale.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 17);
  (void)ec;  // 64 bytes always hold 17 significant digits and an exponent
  return std::string(buf, end);
}

bool equals_nocase(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace memory

namespace {

using namespace memory;
using std::chrono::milliseconds;

// now + ms, or nullopt when that does not fit the clock (Redis: "invalid expire time").
std::optional<MemoryClock::time_point> deadline_after(MemoryClock::time_point now,
                                                      std::int64_t ms) {
  auto room = std::chrono::duration_cast<milliseconds>(MemoryClock::time_point::max() - now);
  if (ms > room.count() - 1) return std::nullopt;
  return now + milliseconds(ms);
}

// Milliseconds from now until a Unix time in ms (EXAT/PXAT).
std::int64_t ms_until_unix(std::int64_t unix_ms) {
  auto now =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return unix_ms - now;
}

bool is_string(const Entry *e) {
  return e == nullptr || std::holds_alternative<StringValue>(e->value);
}

Reply cmd_ping(Context &, const Command &c) {
  if (c.size() > 2) return error("ERR wrong number of arguments for 'ping' command");
  if (c.size() == 2) return bulk(c[1]);
  Reply r;
  r.type = Reply::Type::status;
  r.str = "PONG";
  return r;
}

Reply cmd_echo(Context &, const Command &c) { return bulk(c[1]); }

Reply cmd_get(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (e == nullptr) return nil();
  if (!is_string(e)) return error(kWrongType);
  return bulk(std::get<StringValue>(e->value));
}

struct SetOptions {
  bool nx = false, xx = false, keepttl = false, get = false;
  std::optional<std::int64_t> ttl_ms;
};

// Parses SET's options; returns an error reply text or nullopt.
std::optional<std::string> parse_set_options(const Command &c, SetOptions *o) {
  for (std::size_t i = 3; i < c.size(); ++i) {
    const std::string &opt = c[i];
    if (equals_nocase(opt, "NX") && !o->xx) {
      o->nx = true;
    } else if (equals_nocase(opt, "XX") && !o->nx) {
      o->xx = true;
    } else if (equals_nocase(opt, "GET")) {
      o->get = true;
    } else if (equals_nocase(opt, "KEEPTTL") && !o->ttl_ms) {
      o->keepttl = true;
    } else if ((equals_nocase(opt, "EX") || equals_nocase(opt, "PX") ||
                equals_nocase(opt, "EXAT") || equals_nocase(opt, "PXAT")) &&
               !o->keepttl && !o->ttl_ms && i + 1 < c.size()) {
      std::int64_t n = 0;
      if (!parse_int(c[++i], &n)) return std::string(kNotInteger);
      bool seconds = equals_nocase(opt, "EX") || equals_nocase(opt, "EXAT");
      if (n <= 0 || (seconds && n > std::numeric_limits<std::int64_t>::max() / 1000)) {
        return std::string("ERR invalid expire time in 'set' command");
      }
      std::int64_t ms = seconds ? n * 1000 : n;
      bool absolute = equals_nocase(opt, "EXAT") || equals_nocase(opt, "PXAT");
      o->ttl_ms = absolute ? ms_until_unix(ms) : ms;
    } else {
      return std::string(kSyntax);
    }
  }
  return std::nullopt;
}

Reply cmd_set(Context &ctx, const Command &c) {
  SetOptions o;
  if (auto err = parse_set_options(c, &o)) return error(*err);
  std::optional<MemoryClock::time_point> expires;
  if (o.ttl_ms) {
    expires = deadline_after(ctx.now, std::max<std::int64_t>(*o.ttl_ms, 0));
    if (!expires) return error("ERR invalid expire time in 'set' command");
  }
  Entry *e = ctx.store.find(c[1]);
  if (o.get && !is_string(e)) return error(kWrongType);
  Reply previous = e == nullptr || !o.get ? nil() : bulk(std::get<StringValue>(e->value));
  if ((o.nx && e != nullptr) || (o.xx && e == nullptr)) return o.get ? previous : nil();
  Entry &entry = ctx.store.write(c[1], StringValue());
  entry.value = c[2];
  if (!o.keepttl) ctx.store.set_expiry(c[1], entry, expires);
  if (o.ttl_ms && *o.ttl_ms <= 0) ctx.store.erase(c[1]);  // EXAT/PXAT in the past
  return o.get ? previous : ok();
}

Reply cmd_mset(Context &ctx, const Command &c) {
  if (c.size() % 2 == 0) return error("ERR wrong number of arguments for 'mset' command");
  for (std::size_t i = 1; i + 1 < c.size(); i += 2) {
    Entry &entry = ctx.store.write(c[i], StringValue());
    entry.value = c[i + 1];
    ctx.store.set_expiry(c[i], entry, std::nullopt);
  }
  return ok();
}

Reply cmd_del(Context &ctx, const Command &c) {
  std::int64_t removed = 0;
  for (std::size_t i = 1; i < c.size(); ++i) removed += ctx.store.erase(c[i]) ? 1 : 0;
  return integer(removed);
}

Reply cmd_exists(Context &ctx, const Command &c) {
  std::int64_t found = 0;
  for (std::size_t i = 1; i < c.size(); ++i) found += ctx.store.find(c[i]) != nullptr ? 1 : 0;
  return integer(found);
}

Reply cmd_type(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  Reply r;
  r.type = Reply::Type::status;
  static const char *const names[] = {"string", "set", "zset"};
  r.str = e == nullptr ? "none" : names[e->value.index()];
  return r;
}

// EXPIRE/PEXPIRE key n [NX|XX|GT|LT].
Reply expire_generic(Context &ctx, const Command &c, bool seconds, const char *name) {
  std::int64_t n = 0;
  if (!parse_int(c[2], &n)) return error(kNotInteger);
  const std::string invalid = std::string("ERR invalid expire time in '") + name + "' command";
  if (seconds && (n > std::numeric_limits<std::int64_t>::max() / 1000 ||
                  n < std::numeric_limits<std::int64_t>::min() / 1000)) {
    return error(invalid);
  }
  std::int64_t ms = seconds ? n * 1000 : n;
  bool nx = false, xx = false, gt = false, lt = false;
  for (std::size_t i = 3; i < c.size(); ++i) {
    if (equals_nocase(c[i], "NX")) {
      nx = true;
    } else if (equals_nocase(c[i], "XX")) {
      xx = true;
    } else if (equals_nocase(c[i], "GT")) {
      gt = true;
    } else if (equals_nocase(c[i], "LT")) {
      lt = true;
    } else {
      return error("ERR Unsupported option " + c[i]);
    }
  }
  if (nx && (xx || gt || lt)) {
    return error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return error("ERR GT and LT options at the same time are not compatible");
  Entry *e = ctx.store.find(c[1]);
  if (e == nullptr) return integer(0);
  auto expires = deadline_after(ctx.now, std::max<std::int64_t>(ms, 0));
  if (!expires) return error(invalid);
  if ((nx && e->expires) || (xx && !e->expires)) return integer(0);
  // A key without expiry counts as an infinite TTL for GT/LT, as in Redis.
  if (gt && (!e->expires || *expires <= *e->expires)) return integer(0);
  if (lt && e->expires && *expires >= *e->expires) return integer(0);
  if (ms <= 0) {
    ctx.store.erase(c[1]);
    return integer(1);
  }
  ctx.store.touch(*e);
  ctx.store.set_expiry(c[1], *e, expires);
  return integer(1);
}

Reply cmd_expire(Context &ctx, const Command &c) { return expire_generic(ctx, c, true, "expire"); }
Reply cmd_pexpire(Context &ctx, const Command &c) {
  return expire_generic(ctx, c, false, "pexpire");
}

Reply cmd_persist(Context &ctx, const Command &c) {
  Entry *e = ctx.store.find(c[1]);
  if (e == nullptr || !e->expires) return integer(0);
  ctx.store.touch(*e);
  ctx.store.set_expiry(c[1], *e, std::nullopt);
  return integer(1);
}

std::int64_t remaining_ms(const Context &ctx, const Entry *e) {
  if (e == nullptr) return -2;
  if (!e->expires) return -1;
  auto left = std::chrono::duration_cast<milliseconds>(*e->expires - ctx.now).count();
  return std::max<std::int64_t>(left, 0);
}

Reply cmd_pttl(Context &ctx, const Command &c) {
  return integer(remaining_ms(ctx, ctx.store.find(c[1])));
}

Reply cmd_ttl(Context &ctx, const Command &c) {
  std::int64_t ms = remaining_ms(ctx, ctx.store.find(c[1]));
  return integer(ms < 0 ? ms : (ms + 500) / 1000);
}

Reply incr_generic(Context &ctx, const std::string &key, std::int64_t by) {
  Entry *e = ctx.store.find(key);
  if (!is_string(e)) return error(kWrongType);
  std::int64_t current = 0;
  if (e != nullptr && !parse_int(std::get<StringValue>(e->value), &current))
    return error(kNotInteger);
  std::int64_t next = 0;
  if (__builtin_add_overflow(current, by, &next)) {
    return error("ERR increment or decrement would overflow");
  }
  Entry &entry = ctx.store.write(key, StringValue());  // INCR keeps the TTL
  entry.value = std::to_string(next);
  return integer(next);
}

Reply cmd_incr(Context &ctx, const Command &c) { return incr_generic(ctx, c[1], 1); }
Reply cmd_decr(Context &ctx, const Command &c) { return incr_generic(ctx, c[1], -1); }

Reply cmd_incrby(Context &ctx, const Command &c) {
  std::int64_t by = 0;
  if (!parse_int(c[2], &by)) return error(kNotInteger);
  return incr_generic(ctx, c[1], by);
}

Reply cmd_decrby(Context &ctx, const Command &c) {
  std::int64_t by = 0;
  if (!parse_int(c[2], &by)) return error(kNotInteger);
  if (by == std::numeric_limits<std::int64_t>::min()) return error("ERR decrement would overflow");
  return incr_generic(ctx, c[1], -by);
}

Reply cmd_mget(Context &ctx, const Command &c) {
  std::vector<Reply> out;
  out.reserve(c.size() - 1);
  for (std::size_t i = 1; i < c.size(); ++i) {
    Entry *e = ctx.store.find(c[i]);
    bool found = e != nullptr && std::holds_alternative<StringValue>(e->value);
    out.push_back(found ? bulk(std::get<StringValue>(e->value)) : nil());
  }
  return array(std::move(out));
}

bool type_matches(const Entry &e, std::string_view type) {
  static const char *const names[] = {"string", "set", "zset"};
  return equals_nocase(type, names[e.value.index()]);
}

// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type].
Reply cmd_scan(Context &ctx, const Command &c) {
  std::uint64_t cursor = 0;
  auto [end, ec] = std::from_chars(c[1].data(), c[1].data() + c[1].size(), cursor);
  if (ec != std::errc() || end != c[1].data() + c[1].size()) return error("ERR invalid cursor");
  std::optional<std::string_view> pattern, type;
  std::int64_t count = 10;
  for (std::size_t i = 2; i < c.size(); i += 2) {
    if (i + 1 >= c.size()) return error(kSyntax);
    if (equals_nocase(c[i], "MATCH")) {
      pattern = c[i + 1];
    } else if (equals_nocase(c[i], "COUNT")) {
      if (!parse_int(c[i + 1], &count)) return error(kNotInteger);
      if (count < 1) return error(kSyntax);
    } else if (equals_nocase(c[i], "TYPE")) {
      type = c[i + 1];
    } else {
      return error(kSyntax);
    }
  }
  std::vector<Reply> keys;
  std::uint64_t next = ctx.store.scan(cursor, static_cast<std::size_t>(count),
                                      [&](const std::string &key, const Entry &e) {
                                        if (pattern && !glob_match(*pattern, key)) return;
                                        if (type && !type_matches(e, *type)) return;
                                        keys.push_back(bulk(key));
                                      });
  std::vector<Reply> out;
  out.push_back(bulk(std::to_string(next)));
  out.push_back(array(std::move(keys)));
  return array(std::move(out));
}

struct CommandSpec {
  int arity;  // Redis' convention: n = exactly n words, -n = at least n words (name included)
  Handler handler;
};

const std::unordered_map<std::string, CommandSpec> &command_table() {
  static const std::unordered_map<std::string, CommandSpec> table = {
      {"ping", {-1, cmd_ping}},
      {"echo", {2, cmd_echo}},
      {"get", {2, cmd_get}},
      {"set", {-3, cmd_set}},
      {"mset", {-3, cmd_mset}},
      {"del", {-2, cmd_del}},
      {"unlink", {-2, cmd_del}},
      {"exists", {-2, cmd_exists}},
      {"type", {2, cmd_type}},
      {"expire", {-3, cmd_expire}},
      {"pexpire", {-3, cmd_pexpire}},
      {"persist", {2, cmd_persist}},
      {"ttl", {2, cmd_ttl}},
      {"pttl", {2, cmd_pttl}},
      {"incr", {2, cmd_incr}},
      {"decr", {2, cmd_decr}},
      {"incrby", {3, cmd_incrby}},
      {"decrby", {3, cmd_decrby}},
      {"mget", {-2, cmd_mget}},
      {"scan", {-2, cmd_scan}},
      {"sadd", {-3, cmd_sadd}},
      {"srem", {-3, cmd_srem}},
      {"smembers", {2, cmd_smembers}},
      {"scard", {2, cmd_scard}},
      {"sismember", {3, cmd_sismember}},
      {"zadd", {-4, cmd_zadd}},
      {"zrem", {-3, cmd_zrem}},
      {"zcard", {2, cmd_zcard}},
      {"zscore", {3, cmd_zscore}},
      {"zcount", {4, cmd_zcount}},
      {"zrange", {-4, cmd_zrange}},
      {"zrangebyscore", {-4, cmd_zrangebyscore}},
      {"zrevrangebyscore", {-4, cmd_zrevrangebyscore}},
      {"zrevrange", {-4, cmd_zrevrange}},
  };
  return table;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char &ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Shaped like Redis 7's reply, including its caps (the name at 128 bytes, the quoted arguments
// at about 128 bytes in all) so a huge or secret-bearing argument is not echoed whole, and its
// newline-to-space replacement so the text stays one line.
std::string unknown_command(const Command &c) {
  constexpr std::size_t kCap = 128;
  std::string args;
  for (std::size_t i = 1; i < c.size() && args.size() < kCap; ++i) {
    args += "'" + c[i].substr(0, kCap - args.size()) + "' ";
  }
  std::string text =
      "ERR unknown command '" + c[0].substr(0, kCap) + "', with args beginning with: " + args;
  std::replace_if(
      text.begin(), text.end(), [](char ch) { return ch == '\r' || ch == '\n'; }, ' ');
  return text;
}

// The command's entry in the table, or nullptr with *err set (unknown command, wrong arity).
const CommandSpec *find_spec(const Command &command, std::string *err) {
  if (command.empty()) {
    *err = "ERR empty command";
    return nullptr;
  }
  std::string name = lowercase(command[0]);
  auto it = command_table().find(name);
  if (it == command_table().end()) {
    *err = unknown_command(command);
    return nullptr;
  }
  int arity = it->second.arity;
  auto n = static_cast<long long>(command.size());
  if ((arity > 0 && n != arity) || (arity < 0 && n < -arity)) {
    *err = "ERR wrong number of arguments for '" + name + "' command";
    return nullptr;
  }
  return &it->second;
}

}  // namespace

std::optional<std::string> check_command(const Command &command) {
  std::string err;
  if (find_spec(command, &err) == nullptr) return err;
  return std::nullopt;
}

Reply execute_command(MemoryStore &store, const Command &command, MemoryClock::time_point now) {
  std::string err;
  const CommandSpec *spec = find_spec(command, &err);
  if (spec == nullptr) return error(std::move(err));
  store.expire_due(now);
  Context ctx{store, now};
  return spec->handler(ctx, command);
}

}  // namespace agenthost::detail
