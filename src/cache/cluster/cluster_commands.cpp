#include "cache/cluster/cluster_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "cache/cluster/cluster_slot.hpp"

namespace agenthost::detail {

namespace {

enum class KeySpec { none, first, all, pairs, eval };

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

KeySpec key_spec(const std::string &name) {
  static const std::map<std::string, KeySpec> kSpecs = {
      {"PING", KeySpec::none},    {"ECHO", KeySpec::none},     {"SCAN", KeySpec::none},
      {"INFO", KeySpec::none},    {"DBSIZE", KeySpec::none},   {"TIME", KeySpec::none},
      {"CLUSTER", KeySpec::none}, {"COMMAND", KeySpec::none},  {"SCRIPT", KeySpec::none},
      {"MULTI", KeySpec::none},   {"EXEC", KeySpec::none},     {"DISCARD", KeySpec::none},
      {"UNWATCH", KeySpec::none}, {"ASKING", KeySpec::none},   {"RANDOMKEY", KeySpec::none},
      {"MGET", KeySpec::all},     {"DEL", KeySpec::all},       {"UNLINK", KeySpec::all},
      {"EXISTS", KeySpec::all},   {"TOUCH", KeySpec::all},     {"WATCH", KeySpec::all},
      {"MSET", KeySpec::pairs},   {"MSETNX", KeySpec::pairs},  {"EVAL", KeySpec::eval},
      {"EVALSHA", KeySpec::eval}, {"EVAL_RO", KeySpec::eval},  {"EVALSHA_RO", KeySpec::eval},
      {"FCALL", KeySpec::eval},   {"FCALL_RO", KeySpec::eval},
  };
  auto it = kSpecs.find(name);
  return it == kSpecs.end() ? KeySpec::first : it->second;
}

ClusterMerge merge_of(const std::string &name) {
  if (name == "MGET") return ClusterMerge::values;
  if (name == "DEL" || name == "UNLINK" || name == "EXISTS" || name == "TOUCH") {
    return ClusterMerge::sum;
  }
  if (name == "MSET") return ClusterMerge::status;
  return ClusterMerge::single;
}

std::size_t eval_key_count(const Command &command) {
  if (command.size() < 3) return 0;
  std::size_t n = 0;
  const std::string &text = command[2];
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return std::min(n, command.size() - 3);
}

// Splits one splittable command whose keys span slots: one command per slot, keys in the
// caller's order within each.
void split_one(const Command &command, std::size_t origin, bool pairs,
               std::vector<ClusterPart> &out) {
  const std::size_t step = pairs ? 2 : 1;
  std::vector<std::pair<int, std::size_t>> slot_of;  // (slot, argument index), by slot
  slot_of.reserve(command.size() / step);
  for (std::size_t i = 1; i + step - 1 < command.size(); i += step) {
    slot_of.emplace_back(cluster_key_slot(command[i]), i);
  }
  std::stable_sort(slot_of.begin(), slot_of.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  for (std::size_t k = 0; k < slot_of.size(); ++k) {
    if (k == 0 || slot_of[k].first != slot_of[k - 1].first) {
      out.push_back({{command[0]}, slot_of[k].first, origin, {}});
    }
    ClusterPart &part = out.back();
    const std::size_t i = slot_of[k].second;
    part.command.push_back(command[i]);
    if (pairs) part.command.push_back(command[i + 1]);
    part.positions.push_back((i - 1) / step);
  }
}

bool spans_slots(const std::vector<std::string_view> &keys) {
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (cluster_key_slot(keys[i]) != cluster_key_slot(keys[0])) return true;
  }
  return false;
}

Reply merge_one(ClusterMerge merge, std::size_t key_count, std::vector<Reply *> &parts,
                const std::vector<const ClusterPart *> &sources) {
  for (Reply *r : parts) {
    if (r->is_error()) return std::move(*r);
  }
  if (merge == ClusterMerge::single || parts.size() == 1) return std::move(*parts.front());
  Reply merged;
  switch (merge) {
    case ClusterMerge::values:
      merged.type = Reply::Type::array;
      merged.elements.resize(key_count);
      for (std::size_t p = 0; p < parts.size(); ++p) {
        auto &values = parts[p]->elements;
        const auto &positions = sources[p]->positions;
        if (parts[p]->type != Reply::Type::array || values.size() != positions.size()) {
          return *parts[p];  // the typed layer reports the malformed reply
        }
        for (std::size_t v = 0; v < values.size(); ++v) {
          merged.elements[positions[v]] = std::move(values[v]);
        }
      }
      return merged;
    case ClusterMerge::sum:
      merged.type = Reply::Type::integer;
      for (Reply *r : parts) {
        if (r->type != Reply::Type::integer) return std::move(*r);
        merged.integer += r->integer;
      }
      return merged;
    case ClusterMerge::status:
    case ClusterMerge::single:
      break;
  }
  return std::move(*parts.front());
}

}  // namespace

std::vector<std::string_view> command_keys(const Command &command) {
  std::vector<std::string_view> keys;
  if (command.size() < 2) return keys;
  switch (key_spec(upper(command[0]))) {
    case KeySpec::none:
      break;
    case KeySpec::first:
      keys.push_back(command[1]);
      break;
    case KeySpec::all:
      keys.assign(command.begin() + 1, command.end());
      break;
    case KeySpec::pairs:
      for (std::size_t i = 1; i < command.size(); i += 2) keys.push_back(command[i]);
      break;
    case KeySpec::eval: {
      const std::size_t n = eval_key_count(command);
      for (std::size_t i = 0; i < n; ++i) keys.push_back(command[3 + i]);
      break;
    }
  }
  return keys;
}

bool is_scan(const Command &command) { return !command.empty() && upper(command[0]) == "SCAN"; }

ClusterSplit split_by_slot(const std::vector<Command> &commands) {
  ClusterSplit split;
  split.merges.reserve(commands.size());
  split.key_counts.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const Command &command = commands[i];
    const std::string name = command.empty() ? std::string() : upper(command[0]);
    const auto keys = command_keys(command);
    const ClusterMerge merge = merge_of(name);
    split.key_counts.push_back(keys.size());
    if (merge != ClusterMerge::single && spans_slots(keys)) {
      split.merges.push_back(merge);
      split_one(command, i, merge == ClusterMerge::status, split.parts);
      continue;
    }
    split.merges.push_back(ClusterMerge::single);
    split.parts.push_back(
        {command, keys.empty() ? -1 : cluster_key_slot(keys[0]), i, {}, name == "SCAN"});
  }
  return split;
}

std::vector<Reply> merge_parts(const ClusterSplit &split, std::vector<Reply> part_replies) {
  std::vector<std::vector<Reply *>> replies_of(split.merges.size());
  std::vector<std::vector<const ClusterPart *>> parts_of(split.merges.size());
  for (std::size_t p = 0; p < split.parts.size(); ++p) {
    replies_of[split.parts[p].origin].push_back(&part_replies[p]);
    parts_of[split.parts[p].origin].push_back(&split.parts[p]);
  }
  std::vector<Reply> out;
  out.reserve(split.merges.size());
  for (std::size_t i = 0; i < split.merges.size(); ++i) {
    out.push_back(merge_one(split.merges[i], split.key_counts[i], replies_of[i], parts_of[i]));
  }
  return out;
}

std::optional<Redirect> parse_redirect(const Reply &reply) {
  if (!reply.is_error()) return std::nullopt;
  const std::string &text = reply.str;
  Redirect r;
  std::string_view rest;
  if (text.rfind("MOVED ", 0) == 0) {
    r.kind = Redirect::Kind::moved;
    rest = std::string_view(text).substr(6);
  } else if (text.rfind("ASK ", 0) == 0) {
    r.kind = Redirect::Kind::ask;
    rest = std::string_view(text).substr(4);
  } else if (text.rfind("TRYAGAIN", 0) == 0) {
    r.kind = Redirect::Kind::tryagain;
    return r;
  } else {
    return std::nullopt;
  }
  const auto space = rest.find(' ');
  const auto colon = rest.rfind(':');
  if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) {
    return std::nullopt;
  }
  std::string_view slot = rest.substr(0, space);
  std::string_view port = rest.substr(colon + 1);
  if (std::from_chars(slot.data(), slot.data() + slot.size(), r.slot).ec != std::errc() ||
      std::from_chars(port.data(), port.data() + port.size(), r.port).ec != std::errc()) {
    return std::nullopt;
  }
  r.host = std::string(rest.substr(space + 1, colon - space - 1));
  if (r.host.size() > 2 && r.host.front() == '[' && r.host.back() == ']') {
    r.host = r.host.substr(1, r.host.size() - 2);
  }
  return r;
}

std::optional<int> single_slot_of(const std::vector<Command> &commands, const char *what) {
  std::optional<int> slot;
  std::string first;
  for (const auto &command : commands) {
    for (std::string_view key : command_keys(command)) {
      const int s = cluster_key_slot(key);
      if (!slot) {
        slot = s;
        first = std::string(key.substr(0, 128));
      } else if (s != *slot) {
        throw Error(Errc::invalid_argument,
                    fmt::format("{} on Redis Cluster needs all keys in one hash slot, but '{}' is "
                                "in slot {} and '{}' in slot {} (use a {{hash tag}})",
                                what, first, *slot, key.substr(0, 128), s));
      }
    }
  }
  return slot;
}

}  // namespace agenthost::detail
