#include "common/json_duplicates.hpp"

#include <agenthost/error.hpp>
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kNoParent = static_cast<std::size_t>(-1);
constexpr std::size_t kLinearScanKeys = 16;  // pairwise compares up to here, a sort beyond
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

// A key of `obj` that appears twice in it, if any.
std::optional<std::string_view> repeated_key(dom::object obj) {
  std::array<std::string_view, kLinearScanKeys> few;
  std::size_t n = 0;
  for (auto field : obj) {
    if (n == kLinearScanKeys) break;
    for (std::size_t i = 0; i < n; ++i) {
      if (few[i] == field.key) return field.key;
    }
    few[n++] = field.key;
  }
  if (obj.size() <= kLinearScanKeys) return std::nullopt;
  thread_local std::vector<std::string_view> keys;
  keys.clear();
  for (auto field : obj) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  const auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup == keys.end()) return std::nullopt;
  return *dup;
}

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
      if (auto key = repeated_key(obj)) return path_of(nodes, at, *key);
      for (auto field : obj) {
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
