// SessionStore::list: one index range read (+ ZCARD, same pipeline) and one MGET of the page.
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <functional>

#include "sessions/key_schema.hpp"
#include "sessions/list_plan.hpp"

namespace agenthost::detail {

// Tests only: called before a listing repairs stale index entries, to interleave other writers.
extern std::function<void()> before_index_repair_hook;

// Index members whose record is gone (expired, deleted behind the store's back) or no longer
// matches the index (owner, status changed by another writer), members that are no id (not
// UTF-8, empty, huge) and members whose score is no created_at (not finite, beyond +-2^53) are
// repaired in an optimistic transaction over their records, judged again there so that a
// concurrent update or create is never undone; then the page is read again, at most a few times.
// So listings show no ghosts and indexes do not grow without bound. Bad members and bad scores
// are counted in skipped_corrupt.
//
// `complete` (the durable tier): the key whose existence says the index holds every session of
// the scope, read in the same round trip as the index. When it or the index key is absent, or the
// listing meets a stale entry, the listing stops and says so there (the caller then asks
// PostgreSQL).
struct IndexCompleteness {
  std::string marker;
  bool present = true;     // out
  bool met_stale = false;  // out
};
SessionPage list_sessions(CacheClient &cache, const KeySchema &keys, const ListPlan &plan,
                          IndexCompleteness *complete = nullptr);

}  // namespace agenthost::detail
