#include <fmt/format.h>

#include <agenthost/transcript_store.hpp>
#include <algorithm>
#include <charconv>

#include "transcripts/memory_transcripts.hpp"
#include "transcripts/redis_transcripts.hpp"
#include "transcripts/transcript_counters.hpp"
#include "transcripts/transcript_entries.hpp"
#include "transcripts/transcript_keys.hpp"

namespace agenthost {

namespace {

constexpr std::uint64_t kMaxRead = 100000;
constexpr std::uint32_t kMaxPage = 1000;

[[noreturn]] void bad(const std::string &message) { throw Error(Errc::invalid_argument, message); }

template <typename T>
void require_range(const char *name, T value, T lo, T hi) {
  if (value < lo || value > hi)
    bad(fmt::format("{}={} is out of range {}..{}", name, value, lo, hi));
}

detail::TranscriptRef ref_of(const TranscriptKey &key) {
  return {key.scope, key.session_id, key.subpath ? std::string_view(*key.subpath) : ""};
}

// The cursor is the decimal offset of the next page's first session.
std::uint64_t offset_of(const std::optional<std::string> &cursor) {
  if (!cursor) return 0;
  std::uint64_t offset = 0;
  const char *end = cursor->data() + cursor->size();
  auto [ptr, ec] = std::from_chars(cursor->data(), end, offset);
  if (cursor->empty() || cursor->size() > 12 || ec != std::errc() || ptr != end) {
    bad("list: the cursor is not one this store returned");
  }
  return offset;
}

}  // namespace

void TranscriptStoreOptions::validate() const {
  if (key_prefix.empty()) bad("TranscriptStoreOptions: key_prefix is empty");
  if (key_prefix.find_first_of("{}") != std::string::npos) {
    bad("TranscriptStoreOptions: key_prefix holds a brace (hash tags are the store's)");
  }
  detail::validate_key_part(idempotency_field, "idempotency_field", "TranscriptStoreOptions");
  require_range<std::size_t>("max_entry_bytes", max_entry_bytes, 1, 64u << 20);
  require_range<std::size_t>("max_batch_entries", max_batch_entries, 1, 100000);
  require_range<std::size_t>("max_batch_bytes", max_batch_bytes, 1, 512u << 20);
  require_range<std::int64_t>("ttl_ms", ttl.count(), 0, std::int64_t{366} * 86400 * 1000);
}

TranscriptStore::TranscriptStore(CacheClient &cache, TranscriptStoreOptions options)
    : options_(std::move(options)), counters_(std::make_unique<detail::TranscriptCounters>()) {
  options_.validate();
  backend_ = cache.is_memory() ? detail::make_memory_transcripts(options_.ttl)
                               : detail::make_redis_transcripts(cache, options_);
}

TranscriptStore::~TranscriptStore() = default;

AppendResult TranscriptStore::append(const TranscriptKey &key,
                                     const std::vector<std::string> &entries) {
  detail::TranscriptTimer timer(counters_->append);
  detail::validate_transcript_key(key, "append");
  const std::vector<std::string> ids = detail::validate_entries(entries, options_);
  const AppendResult r = backend_->append(ref_of(key), entries, ids);
  counters_->entries_appended.fetch_add(r.appended, std::memory_order_relaxed);
  counters_->duplicates_skipped.fetch_add(entries.size() - r.appended, std::memory_order_relaxed);
  return r;
}

std::optional<std::vector<std::string>> TranscriptStore::load(const TranscriptKey &key) {
  detail::TranscriptTimer timer(counters_->load);
  detail::validate_transcript_key(key, "load");
  return backend_->load(ref_of(key));
}

std::vector<std::string> TranscriptStore::load_range(const TranscriptKey &key, std::uint64_t from,
                                                     std::uint64_t limit) {
  detail::TranscriptTimer timer(counters_->load);
  detail::validate_transcript_key(key, "load_range");
  require_range<std::uint64_t>("load_range: limit", limit, 1, kMaxRead);
  require_range<std::uint64_t>("load_range: from", from, 0, std::uint64_t{1} << 50);
  const auto start = static_cast<std::int64_t>(from);
  return backend_->range(ref_of(key), start, start + static_cast<std::int64_t>(limit) - 1);
}

std::vector<std::string> TranscriptStore::tail(const TranscriptKey &key, std::uint64_t n) {
  detail::TranscriptTimer timer(counters_->load);
  detail::validate_transcript_key(key, "tail");
  require_range<std::uint64_t>("tail: n", n, 1, kMaxRead);
  return backend_->range(ref_of(key), -static_cast<std::int64_t>(n), -1);
}

std::optional<std::string> TranscriptStore::pop(const TranscriptKey &key) {
  detail::TranscriptTimer timer(counters_->remove);
  detail::validate_transcript_key(key, "pop");
  return backend_->pop(ref_of(key));
}

void TranscriptStore::clear(const TranscriptKey &key) {
  detail::TranscriptTimer timer(counters_->remove);
  detail::validate_transcript_key(key, "clear");
  backend_->clear(ref_of(key));
}

bool TranscriptStore::remove(std::string_view scope, std::string_view session_id) {
  detail::TranscriptTimer timer(counters_->remove);
  detail::validate_key_part(scope, "the scope", "remove");
  detail::validate_key_part(session_id, "the session id", "remove");
  return backend_->remove(scope, session_id, std::nullopt).value_or(false);
}

TranscriptPage TranscriptStore::list_page(std::string_view scope,
                                          const std::optional<std::string> &cursor,
                                          std::uint32_t limit, bool summaries) {
  detail::TranscriptTimer timer(counters_->list);
  const char *what = summaries ? "list_summaries" : "list";
  detail::validate_key_part(scope, "the scope", what);
  require_range<std::uint32_t>("list: limit", limit, 1, kMaxPage);
  const std::uint64_t offset = offset_of(cursor);
  detail::BackendPage raw = backend_->list(scope, offset, limit, summaries);
  counters_->index_repairs.fetch_add(raw.repairs, std::memory_order_relaxed);
  TranscriptPage page;
  page.total = raw.total;
  page.sessions = std::move(raw.sessions);
  const std::uint64_t next = offset + page.sessions.size();
  if (!page.sessions.empty() && next < page.total) page.next_cursor = std::to_string(next);
  return page;
}

TranscriptPage TranscriptStore::list(std::string_view scope,
                                     const std::optional<std::string> &cursor,
                                     std::uint32_t limit) {
  return list_page(scope, cursor, limit, false);
}

TranscriptPage TranscriptStore::list_summaries(std::string_view scope,
                                               const std::optional<std::string> &cursor,
                                               std::uint32_t limit) {
  return list_page(scope, cursor, limit, true);
}

std::vector<std::string> TranscriptStore::list_subkeys(std::string_view scope,
                                                       std::string_view session_id) {
  detail::TranscriptTimer timer(counters_->list);
  detail::validate_key_part(scope, "the scope", "list_subkeys");
  detail::validate_key_part(session_id, "the session id", "list_subkeys");
  std::vector<std::string> subs = backend_->subkeys(scope, session_id);
  std::sort(subs.begin(), subs.end());
  return subs;
}

namespace {
void require_session_key(const TranscriptKey &key, const char *what) {
  detail::validate_transcript_key(key, what);
  if (key.subpath) bad(fmt::format("{}: summaries belong to a session, not a subpath", what));
}
}  // namespace

std::optional<TranscriptSummary> TranscriptStore::summary(const TranscriptKey &key) {
  detail::TranscriptTimer timer(counters_->summary);
  require_session_key(key, "summary");
  return backend_->summary(key.scope, key.session_id);
}

TranscriptSummary TranscriptStore::put_summary(const TranscriptKey &key, std::string_view data,
                                               std::uint64_t expected_version) {
  detail::TranscriptTimer timer(counters_->summary);
  require_session_key(key, "put_summary");
  detail::validate_summary_data(data, options_.max_entry_bytes);
  auto stored = backend_->put_summary(key.scope, key.session_id, data, expected_version);
  if (!stored) {
    counters_->summary_conflicts.fetch_add(1, std::memory_order_relaxed);
    throw Error(Errc::conflict,
                fmt::format("put_summary: the summary is no longer at version {} (another "
                            "writer stored one)",
                            expected_version));
  }
  return *stored;
}

std::uint64_t TranscriptStore::purge(std::string_view scope, std::chrono::milliseconds older_than) {
  detail::TranscriptTimer timer(counters_->remove);
  detail::validate_key_part(scope, "the scope", "purge");
  if (older_than.count() < 0) bad("purge: older_than is negative");
  const std::int64_t cutoff = backend_->now_ms() - older_than.count();
  constexpr std::uint32_t kBatch = 100;
  std::uint64_t removed = 0;
  std::uint64_t kept = 0;  // candidates found newer on a closer look (a stale index score)
  for (;;) {
    const std::vector<std::string> batch = backend_->stale(scope, cutoff, kept, kBatch);
    for (const std::string &id : batch) {
      const std::optional<bool> gone = backend_->remove(scope, id, cutoff);
      if (!gone) {
        ++kept;
      } else if (*gone) {
        ++removed;
      }
    }
    if (batch.size() < kBatch) return removed;
  }
}

TranscriptStoreStats TranscriptStore::stats() const { return counters_->snapshot(); }

}  // namespace agenthost
