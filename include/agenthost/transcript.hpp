// The vocabulary of agenthost::TranscriptStore: keys, options, results and statistics.
#pragma once

#include <agenthost/latency_histogram.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agenthost {

// One transcript: a session's main transcript (no subpath) or one of its sub-transcripts (e.g.
// a subagent's). Every part is 1..256 bytes of UTF-8 without control characters. No call ever
// reads or lists across scopes; Redis key names carry a digest of the scope, never its text.
struct TranscriptKey {
  std::string scope;       // a tenant or project (the SDKs' projectKey)
  std::string session_id;  // the session
  std::optional<std::string> subpath;
};

struct TranscriptStoreOptions {
  // Redis keys: {key_prefix}{<session tag>}:... and {key_prefix}{<scope digest>}:...
  std::string key_prefix = "agenthost:transcript:";
  // The entry field whose string value identifies an entry: an append skips an entry whose id
  // the transcript already holds. Entries without it (or with a non-string value) always append.
  std::string idempotency_field = "uuid";
  std::size_t max_entry_bytes = 4u << 20;   // one entry's JSON text; 1 B..64 MiB
  std::size_t max_batch_entries = 1000;     // entries of one append; 1..100000
  std::size_t max_batch_bytes = 32u << 20;  // all entries of one append; 1 B..512 MiB
  std::chrono::milliseconds ttl{0};         // 0 = none; else refreshed by every append
  void validate() const;                    // Error(invalid_argument) naming the option
};

struct AppendResult {
  std::uint64_t appended = 0;  // entries written (the others were duplicates)
  std::int64_t mtime = 0;      // the store's clock, integer ms since the epoch
};

struct TranscriptSummary {
  std::string data;           // the JSON stored by put_summary, verbatim
  std::int64_t mtime = 0;     // the store's clock when it was stored
  std::uint64_t version = 0;  // 1 for the first; each put adds 1
};

struct TranscriptSessionInfo {
  std::string session_id;
  std::int64_t mtime = 0;                    // the last append to any of its transcripts
  std::optional<TranscriptSummary> summary;  // list_summaries only (absent: none stored)
};

// A page, newest mtime first. `total` counts the scope's sessions in the index when the page was
// read (sessions found gone while reading are pruned and not counted).
struct TranscriptPage {
  std::vector<TranscriptSessionInfo> sessions;
  std::uint64_t total = 0;
  std::optional<std::string> next_cursor;  // opaque; absent on the last page
};

struct TranscriptOperationStats {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  LatencyHistogram latency;
};

struct TranscriptStoreStats {
  TranscriptOperationStats append, load, list, summary, remove;
  std::uint64_t entries_appended = 0;
  std::uint64_t duplicates_skipped = 0;
  std::uint64_t summary_conflicts = 0;
  std::uint64_t index_repairs = 0;  // index entries of gone sessions removed by readers
};

}  // namespace agenthost
