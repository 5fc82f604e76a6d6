#include "sessions/key_schema.hpp"

#include <chrono>

namespace agenthost::detail {

namespace {
constexpr SessionStatus kStatuses[] = {SessionStatus::active, SessionStatus::completed,
                                       SessionStatus::error};
}

KeySchema::KeySchema(std::string key_prefix, std::string index_prefix)
    : key_prefix_(std::move(key_prefix)), index_prefix_(std::move(index_prefix)) {}

std::string KeySchema::record(std::string_view id) const {
  std::string key;
  key.reserve(key_prefix_.size() + id.size());  // one allocation (a listing makes one per record)
  key.append(key_prefix_).append(id);
  return key;
}

std::optional<std::string> KeySchema::id_of(std::string_view key) const {
  if (key.size() <= key_prefix_.size() || key.substr(0, key_prefix_.size()) != key_prefix_) {
    return std::nullopt;
  }
  return std::string(key.substr(key_prefix_.size()));
}

std::string KeySchema::record_pattern() const {
  std::string pattern;
  for (char c : key_prefix_) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "*";
}

std::string KeySchema::index(const std::optional<std::string> &owner_hash,
                             std::optional<SessionStatus> status) const {
  std::string key = index_prefix_;
  key += owner_hash ? "by_owner:" + *owner_hash : std::string("all");
  if (status) {
    key += ":status:";
    key += session_status_name(*status);
  }
  return key;
}

std::vector<std::string> KeySchema::indexes_of(const std::optional<std::string> &owner_hash,
                                               SessionStatus status) const {
  std::vector<std::string> keys{index(std::nullopt, std::nullopt), index(std::nullopt, status)};
  if (owner_hash) {
    keys.push_back(index(owner_hash, std::nullopt));
    keys.push_back(index(owner_hash, status));
  }
  return keys;
}

std::vector<std::string> KeySchema::all_indexes_for(
    const std::optional<std::string> &owner_hash) const {
  std::vector<std::string> keys{index(std::nullopt, std::nullopt)};
  for (SessionStatus s : kStatuses) keys.push_back(index(std::nullopt, s));
  if (owner_hash) {
    keys.push_back(index(owner_hash, std::nullopt));
    for (SessionStatus s : kStatuses) keys.push_back(index(owner_hash, s));
  }
  return keys;
}

std::int64_t index_score(const Session &s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.created_at.time_since_epoch())
      .count();
}

}  // namespace agenthost::detail
