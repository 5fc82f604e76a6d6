#include "transcripts/transcript_scripts.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <agenthost/error.hpp>

#include "common/hex.hpp"

namespace agenthost::detail {

namespace {

LuaScript make(const char *name, const char *text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string body(text);
  if (EVP_Digest(body.data(), body.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw Error(Errc::internal, "SHA-1 of a transcript script failed (OpenSSL)");
  }
  return {name, body, hex_lower(digest, len)};
}

// The store's clock inside a script: the server's TIME in integer ms.
#define AGENTHOST_LUA_NOW          \
  "local t = redis.call('TIME')\n" \
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

const char *const kAppend = R"LUA(
local ttl, n = tonumber(ARGV[1]), tonumber(ARGV[4])
if ttl == nil or n == nil or #ARGV ~= 4 + 2 * n then
  return redis.error_reply('ERR transcript append: malformed arguments')
end
local kinds = {'list', 'list', 'set', 'string', 'string', 'set', 'zset'}
for i = 1, #KEYS do
  local kind = redis.call('TYPE', KEYS[i])['ok']
  if kind ~= 'none' and kind ~= kinds[i] then
    return redis.error_reply('WRONGTYPE transcript append: key ' .. i .. ' holds a ' .. kind)
  end
end
local prev = tonumber(redis.call('GET', KEYS[5]) or '0')
if prev == nil then return redis.error_reply('ERR transcript append: the mtime is not a number') end
local entries, ids, fresh, seen = {}, {}, {}, {}
for i = 0, n - 1 do
  local id, e = ARGV[5 + 2 * i], ARGV[6 + 2 * i]
  if id == '' then
    entries[#entries + 1] = e; ids[#ids + 1] = ''
  elseif not seen[id] then
    seen[id] = true
    if redis.call('SISMEMBER', KEYS[3], id) == 0 then
      entries[#entries + 1] = e; ids[#ids + 1] = id; fresh[#fresh + 1] = id
    end
  end
end
)LUA" AGENTHOST_LUA_NOW R"LUA(
if now < prev then now = prev end
if #entries == 0 and prev > 0 then now = prev end
-- Every check is above: from here on only writes to keys of the right type.
for i = 1, #entries, 1000 do
  local j = math.min(i + 999, #entries)
  redis.call('RPUSH', KEYS[1], unpack(entries, i, j))
  redis.call('RPUSH', KEYS[2], unpack(ids, i, j))
end
for i = 1, #fresh, 1000 do
  redis.call('SADD', KEYS[3], unpack(fresh, i, math.min(i + 999, #fresh)))
end
redis.call('SET', KEYS[4], '1')
redis.call('SET', KEYS[5], string.format('%d', now))
if ARGV[2] ~= '' then redis.call('SADD', KEYS[6], ARGV[2]) end
if ttl > 0 then
  for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
if #KEYS >= 7 then redis.call('ZADD', KEYS[7], now, ARGV[3]) end
return {#entries, now}
)LUA";

const char *const kPop = R"LUA(
local kinds = {'list', 'list', 'set'}
for i = 1, 3 do
  local kind = redis.call('TYPE', KEYS[i])['ok']
  if kind ~= 'none' and kind ~= kinds[i] then
    return redis.error_reply('WRONGTYPE transcript pop: key ' .. i .. ' holds a ' .. kind)
  end
end
local e = redis.call('RPOP', KEYS[1])
if not e then return false end
local id = redis.call('RPOP', KEYS[2])
if id and id ~= '' then redis.call('SREM', KEYS[3], id) end
return e
)LUA";

const char *const kRemove = R"LUA(
local mtime = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if ARGV[2] ~= '' and mtime > tonumber(ARGV[2]) then return -1 end
local b = ARGV[1]
local keys = {KEYS[1], KEYS[2], b .. 'e', b .. 'q', b .. 'u', b .. 'w'}
if redis.call('TYPE', KEYS[2])['ok'] == 'set' then
  for _, sub in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    keys[#keys + 1] = b .. 'e/' .. sub
    keys[#keys + 1] = b .. 'q/' .. sub
    keys[#keys + 1] = b .. 'u/' .. sub
    keys[#keys + 1] = b .. 'w/' .. sub
  end
end
local deleted = 0
for i = 1, #keys, 1000 do
  deleted = deleted + redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys)))
end
return {deleted, string.format('%d', mtime)}
)LUA";

const char *const kDrop = R"LUA(
local dropped = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if ARGV[i + 1] == '' or not score or tonumber(score) <= tonumber(ARGV[i + 1]) then
    dropped = dropped + redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
return dropped
)LUA";

const char *const kList = R"LUA(
local offset, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local inline, prefix, digest = ARGV[4] == '1', ARGV[5], ARGV[6]
local page, repaired, pos = {}, 0, offset
if not inline then
  -- Cluster: the caller checks the sessions (other slots); the scores are their mtimes.
  page = redis.call('ZREVRANGE', KEYS[1], pos, pos + limit - 1, 'WITHSCORES')
end
while inline and #page < 2 * limit do
  -- One node: each session's mtime key, read in one MGET, is its mtime (nil: gone).
  local got = redis.call('ZREVRANGE', KEYS[1], pos, pos + limit - #page / 2 - 1)
  if #got == 0 then break end
  local keys = {}
  for i = 1, #got do
    keys[i] = prefix .. '{' .. redis.sha1hex(digest .. ':' .. got[i]) .. '}:mtime'
  end
  local mtimes = redis.call('MGET', unpack(keys))
  for i = 1, #got do
    if mtimes[i] then
      page[#page + 1] = got[i]
      page[#page + 1] = mtimes[i]
      pos = pos + 1
    else
      redis.call('ZREM', KEYS[1], got[i])
      redis.call('HDEL', KEYS[2], got[i])
      repaired = repaired + 1
    end
  end
end
local out = {redis.call('ZCARD', KEYS[1]), repaired}
local sums = {}
if ARGV[3] == '1' and #page > 0 then
  local names = {}
  for i = 1, #page, 2 do names[#names + 1] = page[i] end
  sums = redis.call('HMGET', KEYS[2], unpack(names))
end
for i = 1, #page, 2 do
  out[#out + 1] = page[i]
  out[#out + 1] = page[i + 1]
  out[#out + 1] = sums[(i + 1) / 2] or false
end
return out
)LUA";

const char *const kPutSummary = R"LUA(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local version, mtime = 0, 0
if cur then
  local v, m = string.match(cur, '^(%d+) (%d+) ')
  if not v then return redis.error_reply('ERR transcript summary: the stored value is corrupt') end
  version, mtime = tonumber(v), tonumber(m)
end
if version ~= tonumber(ARGV[2]) then return {-1, version} end
)LUA" AGENTHOST_LUA_NOW R"LUA(
if now < mtime then now = mtime end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d %d ', version + 1, now) .. ARGV[3])
return {version + 1, now}
)LUA";

#undef AGENTHOST_LUA_NOW

}  // namespace

const LuaScript &append_script() {
  static const LuaScript s = make("append", kAppend);
  return s;
}
const LuaScript &pop_script() {
  static const LuaScript s = make("pop", kPop);
  return s;
}
const LuaScript &remove_script() {
  static const LuaScript s = make("remove", kRemove);
  return s;
}
const LuaScript &drop_script() {
  static const LuaScript s = make("index drop", kDrop);
  return s;
}
const LuaScript &list_script() {
  static const LuaScript s = make("list", kList);
  return s;
}
const LuaScript &put_summary_script() {
  static const LuaScript s = make("put_summary", kPutSummary);
  return s;
}

Reply run_script(CacheClient &cache, const LuaScript &script, const std::vector<std::string> &keys,
                 std::vector<std::string> args) {
  Batch batch;
  Command &c = batch.commands.emplace_back();
  c.reserve(3 + keys.size() + args.size());
  c.push_back("EVALSHA");
  c.push_back(script.sha1);
  c.push_back(std::to_string(keys.size()));
  c.insert(c.end(), keys.begin(), keys.end());
  for (std::string &a : args) c.push_back(std::move(a));
  std::vector<Reply> replies = cache.execute(batch);
  if (replies.at(0).is_error() && replies[0].str.rfind("NOSCRIPT", 0) == 0) {
    c[0] = "EVAL";
    c[1] = script.text;
    replies = cache.execute(batch);
  }
  Reply &r = replies.at(0);
  if (r.is_error()) {
    throw Error(Errc::protocol, fmt::format("transcript {} script: {}", script.name, r.str));
  }
  return std::move(r);
}

}  // namespace agenthost::detail
