#include "cache/memory/memory_store.hpp"

namespace agenthost::detail {

bool ZSet::add(const std::string &member, double score) {
  auto [it, inserted] = scores.try_emplace(member, score);
  if (!inserted) {
    if (it->second == score) return false;
    ordered.erase({it->second, member});
    it->second = score;
  }
  ordered.emplace(score, member);
  return inserted;
}

bool ZSet::remove(const std::string &member) {
  auto it = scores.find(member);
  if (it == scores.end()) return false;
  ordered.erase({it->second, member});
  scores.erase(it);
  return true;
}

// FNV-1a: stable across runs, so SCAN order does not depend on the process.
std::uint64_t MemoryStore::hash_key(std::string_view key) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void MemoryStore::expire_due(MemoryClock::time_point now) {
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    std::string key = expiry_.begin()->second;
    erase(key);
  }
}

Entry *MemoryStore::find(std::string_view key) {
  auto it = keys_.find(StoreKeyView{hash_key(key), key});
  return it == keys_.end() ? nullptr : &it->second;
}

Entry &MemoryStore::write(std::string_view key, Value initial, bool *created) {
  std::uint64_t h = hash_key(key);
  auto it = keys_.find(StoreKeyView{h, key});
  if (created != nullptr) *created = it == keys_.end();
  if (it == keys_.end()) {
    it = keys_.emplace(StoreKey{h, std::string(key)}, Entry{std::move(initial), std::nullopt, 0})
             .first;
  }
  touch(it->second);
  return it->second;
}

bool MemoryStore::erase(std::string_view key) {
  auto it = keys_.find(StoreKeyView{hash_key(key), key});
  if (it == keys_.end()) return false;
  if (it->second.expires) expiry_.erase({*it->second.expires, it->first.bytes});
  keys_.erase(it);
  return true;
}

void MemoryStore::set_expiry(std::string_view key, Entry &entry,
                             std::optional<MemoryClock::time_point> expires) {
  if (entry.expires) expiry_.erase({*entry.expires, std::string(key)});
  entry.expires = expires;
  if (expires) expiry_.emplace(*expires, std::string(key));
}

std::uint64_t MemoryStore::version(std::string_view key) {
  const Entry *entry = find(key);
  return entry == nullptr ? 0 : entry->version;
}

}  // namespace agenthost::detail
