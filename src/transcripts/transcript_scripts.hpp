// The Lua scripts of the Redis backend, each one atomic server-side step, and how they are run:
// EVALSHA, then EVAL when the server does not know the script yet (NOSCRIPT).
#pragma once

#include <agenthost/cache_client.hpp>
#include <string>
#include <vector>

namespace agenthost::detail {

struct LuaScript {
  const char *name;
  std::string text;
  std::string sha1;  // hex
};

// Session slot. KEYS: entries, ids, id set, written, mtime, subpaths [, scope index: one node
// only]. ARGV: ttl ms (0 none), subpath ('' main), session id, n, then n pairs (id, entry).
// Checks every key's type and the arguments before its first write, so a rejected batch leaves
// nothing. Returns {appended, mtime}.
const LuaScript &append_script();
// Session slot. KEYS: entries, ids, id set. Returns the newest entry or nil.
const LuaScript &pop_script();
// Session slot. KEYS: mtime, subpaths. ARGV: key base ({prefix}{tag}:), cutoff ('' none).
// Returns -1 when the session's mtime is newer than the cutoff, else {keys deleted, mtime}.
const LuaScript &remove_script();
// Scope slot. KEYS: index, summaries. ARGV: pairs (session id, highest score or ''): drops each
// index entry (and summary) whose score is at most that. Returns how many index entries went.
const LuaScript &drop_script();
// Scope slot. KEYS: index, summaries. ARGV: offset, limit, with summaries (1/0), check sessions
// inline (1: one node; 0: cluster), key prefix, scope digest.
// Returns {total, repaired, then per session: id, score, summary or nil}.
const LuaScript &list_script();
// Scope slot. KEYS: summaries. ARGV: session id, expected version, data.
// Returns {version, mtime}, or {-1, current version} when the version is not the expected one.
const LuaScript &put_summary_script();

// Runs `script` with `keys` and `args`; an error reply throws Error(protocol) naming the script.
Reply run_script(CacheClient &cache, const LuaScript &script, const std::vector<std::string> &keys,
                 std::vector<std::string> args);

}  // namespace agenthost::detail
