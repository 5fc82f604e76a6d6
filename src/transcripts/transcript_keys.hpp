// Transcript keys: validation of their parts, and the Redis key names they map to.
//
// A session's keys share one hash slot (the tag: SHA-1 hex of the scope digest and the session
// id, so that a script can compute it too); a scope's index and summaries share another (the
// scope digest: SHA-256 hex of the scope). The scope's text is never part of a key name.
#pragma once

#include <agenthost/transcript.hpp>
#include <string>
#include <string_view>

namespace agenthost::detail {

constexpr std::size_t kMaxKeyPartBytes = 256;

// Error(invalid_argument) `<what>: <part> is empty / longer than 256 bytes / holds a control
// character / is not UTF-8`.
void validate_key_part(std::string_view value, const char *part, const char *what);
void validate_transcript_key(const TranscriptKey &key, const char *what);

std::string scope_digest(std::string_view scope);                               // SHA-256 hex
std::string session_tag(std::string_view digest, std::string_view session_id);  // SHA-1 hex

// The Redis key names of one transcript and of its session and scope.
struct TranscriptKeyNames {
  std::string entries, ids, id_set, written;  // this transcript
  std::string mtime, subpaths;                // its session
  std::string base;                           // {prefix}{<tag>}: (scripts add e/, q/, ...)
  std::string index, summaries;               // its scope
};

struct ScopeKeyNames {
  std::string digest, index, summaries;
};

ScopeKeyNames scope_key_names(std::string_view prefix, std::string_view scope);
// subpath empty = the main transcript.
TranscriptKeyNames transcript_key_names(std::string_view prefix, std::string_view scope,
                                        std::string_view session_id, std::string_view subpath);

}  // namespace agenthost::detail
