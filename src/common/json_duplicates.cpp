#include "common/json_duplicates.hpp"

#include <agenthost/error.hpp>
#include <cstddef>
#include <functional>
#include <vector>

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kNoParent = static_cast<std::size_t>(-1);
constexpr std::size_t kLinearScanKeys = 16;  // pairwise compares up to here, a hash set beyond
constexpr std::size_t kMaxKeyBytes = 64;

// A container (object or array) met by the walk, and where its parent holds it.
struct Node {
  dom::element value;
  std::size_t parent = kNoParent;  // index in the walk's nodes
  std::string_view key;            // when the parent is an object
  std::size_t index = 0;           // when the parent is an array
};

bool is_container(dom::element v) {
  const auto t = v.type();
  return t == dom::element_type::OBJECT || t == dom::element_type::ARRAY;
}

// Keys of one object seen so far: compared pairwise while few, in an open-addressing hash set
// beyond (a sort would cost more than the parse for an object of a few dozen keys).
class KeySet {
 public:
  explicit KeySet(std::size_t keys) : hashed_(keys > kLinearScanKeys) {
    if (hashed_) table().assign(8 * kLinearScanKeys, std::string_view());
  }

  // False when `key` was inserted before.
  bool insert(std::string_view key) {
    if (!hashed_) {
      for (std::size_t i = 0; i < n_; ++i) {
        if (std::string_view(few_[i], few_size_[i]) == key) return false;
      }
      few_[n_] = key.data();
      few_size_[n_++] = key.size();
      return true;
    }
    if (2 * ++n_ > table().size()) grow();  // at most half full
    return place(table(), key);
  }

 private:
  static std::vector<std::string_view> &table() {
    thread_local std::vector<std::string_view> slots;
    return slots;
  }

  // Puts `key` in `t` unless it is there; false when it was. An empty slot has no data pointer
  // (simdjson's keys, even "", point into its string buffer).
  static bool place(std::vector<std::string_view> &t, std::string_view key) {
    const std::size_t mask = t.size() - 1;
    const std::size_t hash = std::hash<std::string_view>{}(key);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      if (t[i].data() == nullptr) {
        t[i] = key;
        return true;
      }
      if (t[i] == key) return false;
    }
  }

  // Doubles the table. Both vectors keep their capacity across calls: no allocation once warm.
  static void grow() {
    thread_local std::vector<std::string_view> spare;
    spare.assign(2 * table().size(), std::string_view());
    for (const std::string_view key : table()) {
      if (key.data() != nullptr) place(spare, key);
    }
    table().swap(spare);
  }

  bool hashed_;
  // Plain arrays, left uninitialised: an object of a few keys costs no zeroing.
  const char *few_[kLinearScanKeys];       // NOLINT(modernize-avoid-c-arrays)
  std::size_t few_size_[kLinearScanKeys];  // NOLINT(modernize-avoid-c-arrays)
  std::size_t n_ = 0;                      // keys inserted
};

// `key` as a message may show it: at most kMaxKeyBytes (cut between UTF-8 sequences), control
// characters as '?', the empty key as (empty).
std::string shown_key(std::string_view key) {
  if (key.empty()) return "(empty)";
  std::size_t n = key.size();
  if (n > kMaxKeyBytes) {
    n = kMaxKeyBytes;
    while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
  }
  std::string out(key.substr(0, n));
  for (char &c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  if (n < key.size()) out += "...";
  return out;
}

void prepend_segment(std::string &path, const Node &node, const std::vector<Node> &nodes) {
  const bool in_array = nodes[node.parent].value.type() == dom::element_type::ARRAY;
  std::string segment = in_array ? "[" + std::to_string(node.index) + "]" : shown_key(node.key);
  if (path.front() != '[') segment.push_back('.');
  path.insert(0, segment);
}

std::string path_of(const std::vector<Node> &nodes, std::size_t at, std::string_view key) {
  std::string path = shown_key(key);
  for (std::size_t i = at; nodes[i].parent != kNoParent; i = nodes[i].parent) {
    prepend_segment(path, nodes[i], nodes);
  }
  return path;
}

}  // namespace

std::optional<std::string> duplicate_key_path(dom::element root) {
  if (!is_container(root)) return std::nullopt;
  thread_local std::vector<Node> nodes;        // every container met, so a path can be rebuilt
  thread_local std::vector<std::size_t> todo;  // containers not yet looked into, as indexes
  nodes.clear();
  todo.clear();
  nodes.push_back({root, kNoParent, {}, 0});
  todo.push_back(0);
  while (!todo.empty()) {
    const std::size_t at = todo.back();
    todo.pop_back();
    const std::size_t first_child = nodes.size();
    const dom::element value = nodes[at].value;
    if (value.type() == dom::element_type::OBJECT) {
      const dom::object obj = value.get_object().value_unsafe();
      KeySet seen(obj.size());
      for (auto field : obj) {
        if (!seen.insert(field.key)) return path_of(nodes, at, field.key);
        if (is_container(field.value)) nodes.push_back({field.value, at, field.key, 0});
      }
    } else {
      const dom::array arr = value.get_array().value_unsafe();
      std::size_t i = 0;
      for (dom::element item : arr) {
        if (is_container(item)) nodes.push_back({item, at, {}, i});
        ++i;
      }
    }
    // Pushed last first, so containers are looked into in document order.
    for (std::size_t i = nodes.size(); i > first_child; --i) todo.push_back(i - 1);
  }
  return std::nullopt;
}

void require_unique_keys(dom::element root, std::string_view what) {
  if (auto path = duplicate_key_path(root)) {
    throw Error(Errc::invalid_argument,
                std::string(what) + ": the key \"" + *path + "\" appears twice");
  }
}

}  // namespace agenthost::detail
