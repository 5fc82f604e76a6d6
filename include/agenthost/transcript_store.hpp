// agenthost::TranscriptStore: agent transcripts (ordered lists of opaque JSON entries) with
// atomic, idempotent appends, per-scope listing in O(page) and compare-and-set summaries, on a
// CacheClient (memory://, Redis, Redis Cluster).
#pragma once

#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/transcript.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

namespace detail {
class TranscriptBackend;
struct TranscriptCounters;
}  // namespace detail

// Thread-safe (as the CacheClient it borrows, which must outlive it). Bad input (a key part
// empty, too long or holding a control character; an entry that is not JSON, holds a key twice
// or is too large; a batch too large) is Error(invalid_argument) naming it, with nothing
// written. Every method may also throw the CacheClient's errors (timeout, connection,
// pool_exhausted, protocol). On memory:// the transcripts live in this store object.
class TranscriptStore {
 public:
  explicit TranscriptStore(CacheClient &cache, TranscriptStoreOptions options = {});
  ~TranscriptStore();
  TranscriptStore(const TranscriptStore &) = delete;
  TranscriptStore &operator=(const TranscriptStore &) = delete;

  const TranscriptStoreOptions &options() const noexcept { return options_; }

  // All or nothing, in one server-side step: entries whose id the transcript holds are skipped
  // (within the batch, the first of a repeated id wins). mtime never decreases per session.
  AppendResult append(const TranscriptKey &key, const std::vector<std::string> &entries);
  // Every entry in append order; nullopt when never written (empty after clear or pop).
  std::optional<std::vector<std::string>> load(const TranscriptKey &key);
  // Entries from index `from` (0 = the oldest), at most `limit` (1..100000).
  std::vector<std::string> load_range(const TranscriptKey &key, std::uint64_t from,
                                      std::uint64_t limit);
  // The newest n (1..100000) in order.
  std::vector<std::string> tail(const TranscriptKey &key, std::uint64_t n);
  // Removes and returns the newest entry (its id may be appended again); nullopt when empty.
  std::optional<std::string> pop(const TranscriptKey &key);
  // Empties one transcript (it stays "written").
  void clear(const TranscriptKey &key);
  // Deletes the main transcript, every subpath and the summary. true when it existed.
  bool remove(std::string_view scope, std::string_view session_id);

  // Sessions newest mtime first (limit 1..1000). Error(invalid_argument) for a bad cursor.
  TranscriptPage list(std::string_view scope, const std::optional<std::string> &cursor,
                      std::uint32_t limit = 100);
  // The session's subpaths, sorted.
  std::vector<std::string> list_subkeys(std::string_view scope, std::string_view session_id);

  // Summaries belong to a session (a key with a subpath is Error(invalid_argument)).
  std::optional<TranscriptSummary> summary(const TranscriptKey &key);
  // Stores `data` (JSON) when the stored version is `expected_version` (0: none stored yet);
  // returns the new summary. Error(conflict) when another writer won.
  TranscriptSummary put_summary(const TranscriptKey &key, std::string_view data,
                                std::uint64_t expected_version);
  // list() with each session's summary, in the same round trips.
  TranscriptPage list_summaries(std::string_view scope, const std::optional<std::string> &cursor,
                                std::uint32_t limit = 100);

  // Removes the scope's sessions whose last append is older than `older_than` (by the store's
  // clock); returns how many.
  std::uint64_t purge(std::string_view scope, std::chrono::milliseconds older_than);

  TranscriptStoreStats stats() const;

 private:
  TranscriptPage list_page(std::string_view scope, const std::optional<std::string> &cursor,
                           std::uint32_t limit, bool summaries);

  TranscriptStoreOptions options_;
  std::unique_ptr<detail::TranscriptCounters> counters_;
  std::unique_ptr<detail::TranscriptBackend> backend_;
};

}  // namespace agenthost
