// What the store asks of a backend (memory:// or Redis / Redis Cluster). Inputs are validated
// by the store; a backend only stores and reads.
#pragma once

#include <agenthost/transcript.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::detail {

// A transcript addressed by validated parts; subpath empty = the main transcript.
struct TranscriptRef {
  std::string_view scope;
  std::string_view session_id;
  std::string_view subpath;
};

struct BackendPage {
  std::vector<TranscriptSessionInfo> sessions;
  std::uint64_t total = 0;
  std::uint64_t repairs = 0;  // index entries of gone sessions removed while reading
};

class TranscriptBackend {
 public:
  virtual ~TranscriptBackend() = default;

  // ids: one per entry (empty = none), see validate_entries.
  virtual AppendResult append(const TranscriptRef &t, const std::vector<std::string> &entries,
                              const std::vector<std::string> &ids) = 0;
  // Every entry, or nullopt when never written.
  virtual std::optional<std::vector<std::string>> load(const TranscriptRef &t) = 0;
  // LRANGE semantics: inclusive ranks, negative from the end.
  virtual std::vector<std::string> range(const TranscriptRef &t, std::int64_t start,
                                         std::int64_t stop) = 0;
  virtual std::optional<std::string> pop(const TranscriptRef &t) = 0;
  virtual void clear(const TranscriptRef &t) = 0;
  // Deletes every transcript of the session and its summary; with `cutoff`, only when its mtime
  // is at most cutoff (nullopt when it is newer: nothing deleted). true when something was
  // deleted.
  virtual std::optional<bool> remove(std::string_view scope, std::string_view session_id,
                                     std::optional<std::int64_t> cutoff) = 0;
  virtual BackendPage list(std::string_view scope, std::uint64_t offset, std::uint32_t limit,
                           bool summaries) = 0;
  virtual std::vector<std::string> subkeys(std::string_view scope, std::string_view session_id) = 0;
  virtual std::optional<TranscriptSummary> summary(std::string_view scope,
                                                   std::string_view session_id) = 0;
  // nullopt when the stored version is not `expected`.
  virtual std::optional<TranscriptSummary> put_summary(std::string_view scope,
                                                       std::string_view session_id,
                                                       std::string_view data,
                                                       std::uint64_t expected) = 0;
  // The store's clock (integer ms).
  virtual std::int64_t now_ms() = 0;
  // Up to `limit` sessions whose indexed mtime is at most `cutoff`, skipping the first `skip`.
  virtual std::vector<std::string> stale(std::string_view scope, std::int64_t cutoff,
                                         std::uint64_t skip, std::uint32_t limit) = 0;
};

}  // namespace agenthost::detail
