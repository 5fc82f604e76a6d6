// The keyspace of the memory:// backend: typed values with optional expiry and a write version
// per key (what WATCH needs). Not thread-safe: MemoryBackend serialises access with one mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace agenthost::detail {

using MemoryClock = std::chrono::steady_clock;

// A sorted set ordered as Redis orders one: by score, then by member bytes.
struct ZSet {
  std::unordered_map<std::string, double> scores;
  std::set<std::pair<double, std::string>> ordered;

  bool add(const std::string &member, double score);  // true when the member is new
  bool remove(const std::string &member);             // true when it was present
  std::size_t size() const noexcept { return scores.size(); }
};

using StringValue = std::string;
using SetValue = std::unordered_set<std::string>;
using Value = std::variant<StringValue, SetValue, ZSet>;

struct Entry {
  Value value;
  std::optional<MemoryClock::time_point> expires;
  std::uint64_t version = 0;
};

// Keys are ordered by (hash, bytes) so that a SCAN cursor (the next hash to visit) stays valid
// while keys come and go: every key present for the whole iteration is returned exactly once.
struct StoreKey {
  std::uint64_t hash;
  std::string bytes;
};
struct StoreKeyView {
  std::uint64_t hash;
  std::string_view bytes;
};
struct StoreKeyLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A &a, const B &b) const noexcept {
    if (a.hash != b.hash) return a.hash < b.hash;
    return std::string_view(a.bytes) < std::string_view(b.bytes);
  }
};

class MemoryStore {
 public:
  using Map = std::map<StoreKey, Entry, StoreKeyLess>;

  static std::uint64_t hash_key(std::string_view key) noexcept;

  // Drops every key whose expiry is at or before `now`. Called before each command so expired
  // keys never linger, whether or not they are read again.
  void expire_due(MemoryClock::time_point now);

  Entry *find(std::string_view key);
  // The entry for `key`, created holding `initial` when absent. Bumps the key's version: call it
  // only for writes.
  Entry &write(std::string_view key, Value initial, bool *created = nullptr);
  // Marks an existing entry as written (new version).
  void touch(Entry &entry) noexcept { entry.version = ++last_version_; }
  bool erase(std::string_view key);
  void set_expiry(std::string_view key, Entry &entry,
                  std::optional<MemoryClock::time_point> expires);
  // 0 for an absent key; otherwise changes with every write of the key.
  std::uint64_t version(std::string_view key);

  // Keys from cursor `hash` on, visiting whole hash groups until at least `count` keys were
  // visited. Returns the next cursor (0 when done) and calls visit(key, entry) for each key.
  template <typename Visit>
  std::uint64_t scan(std::uint64_t cursor, std::size_t count, Visit &&visit) const {
    auto it = keys_.lower_bound(StoreKeyView{cursor, std::string_view()});
    std::size_t visited = 0;
    while (it != keys_.end() && visited < count) {
      std::uint64_t group = it->first.hash;
      for (; it != keys_.end() && it->first.hash == group; ++it, ++visited) {
        visit(it->first.bytes, it->second);
      }
      if (it == keys_.end() || group == UINT64_MAX) return 0;
    }
    return it == keys_.end() ? 0 : it->first.hash;
  }

 private:
  Map keys_;
  std::set<std::pair<MemoryClock::time_point, std::string>> expiry_;
  std::uint64_t last_version_ = 0;
};

}  // namespace agenthost::detail
