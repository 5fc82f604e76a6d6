#include "transcripts/transcript_keys.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include <agenthost/error.hpp>

#include "common/hex.hpp"

namespace agenthost::detail {

namespace {

std::string digest_hex(const EVP_MD *md, std::string_view text, const char *name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr) != 1) {
    throw Error(Errc::internal, fmt::format("{} of a transcript key failed (OpenSSL)", name));
  }
  return hex_lower(digest, len);
}

}  // namespace

void validate_key_part(std::string_view value, const char *part, const char *what) {
  if (value.empty())
    throw Error(Errc::invalid_argument, fmt::format("{}: {} is empty", what, part));
  if (value.size() > kMaxKeyPartBytes) {
    throw Error(Errc::invalid_argument, fmt::format("{}: {} is {} bytes, longer than {}", what,
                                                    part, value.size(), kMaxKeyPartBytes));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      throw Error(Errc::invalid_argument,
                  fmt::format("{}: {} holds a control character at byte {}", what, part, i));
    }
  }
  if (!simdjson::validate_utf8(value.data(), value.size())) {
    throw Error(Errc::invalid_argument, fmt::format("{}: {} is not UTF-8", what, part));
  }
}

void validate_transcript_key(const TranscriptKey &key, const char *what) {
  validate_key_part(key.scope, "the scope", what);
  validate_key_part(key.session_id, "the session id", what);
  if (key.subpath) validate_key_part(*key.subpath, "the subpath", what);
}

std::string scope_digest(std::string_view scope) {
  return digest_hex(EVP_sha256(), scope, "SHA-256");
}

std::string session_tag(std::string_view digest, std::string_view session_id) {
  std::string text;
  text.reserve(digest.size() + 1 + session_id.size());
  text.append(digest).append(":").append(session_id);
  return digest_hex(EVP_sha1(), text, "SHA-1");
}

ScopeKeyNames scope_key_names(std::string_view prefix, std::string_view scope) {
  ScopeKeyNames n;
  n.digest = scope_digest(scope);
  const std::string base = fmt::format("{}{{{}}}:", prefix, n.digest);
  n.index = base + "idx";
  n.summaries = base + "sum";
  return n;
}

TranscriptKeyNames transcript_key_names(std::string_view prefix, std::string_view scope,
                                        std::string_view session_id, std::string_view subpath) {
  ScopeKeyNames s = scope_key_names(prefix, scope);
  TranscriptKeyNames n;
  n.base = fmt::format("{}{{{}}}:", prefix, session_tag(s.digest, session_id));
  const std::string suffix = subpath.empty() ? std::string() : fmt::format("/{}", subpath);
  n.entries = n.base + "e" + suffix;
  n.ids = n.base + "q" + suffix;
  n.id_set = n.base + "u" + suffix;
  n.written = n.base + "w" + suffix;
  n.mtime = n.base + "mtime";
  n.subpaths = n.base + "subs";
  n.index = std::move(s.index);
  n.summaries = std::move(s.summaries);
  return n;
}

}  // namespace agenthost::detail
