// How the cluster backend reads commands and replies: which arguments are keys, how a
// multi-key command is split into one command per slot and its replies merged back, and what a
// MOVED / ASK / TRYAGAIN error reply asks for.
#pragma once

#include <agenthost/cache_client.hpp>
#include <optional>
#include <string>
#include <vector>

namespace agenthost::detail {

// The keys of a command (none for PING, SCAN, ...). Unknown commands are taken to have their
// key at argument 1, which holds for every other command CacheClient and SessionStore send.
std::vector<std::string_view> command_keys(const Command &command);

bool is_scan(const Command &command);

// One command sent to one slot (slot -1: a keyless command, any master will do).
struct ClusterPart {
  Command command;
  int slot = -1;
  std::size_t origin = 0;              // index of the caller's command it came from
  std::vector<std::size_t> positions;  // MGET: where each value goes in the merged array
  bool scan = false;                   // a SCAN: keyless, routed by its cursor
};

// How the replies of the parts of one caller command become its reply.
enum class ClusterMerge { single, values, sum, status };

struct ClusterSplit {
  std::vector<ClusterPart> parts;
  std::vector<ClusterMerge> merges;     // per caller command
  std::vector<std::size_t> key_counts;  // MGET: keys of each caller command
};

// MGET, DEL, UNLINK, EXISTS, TOUCH and MSET whose keys span slots become one command per slot;
// every other command is one part.
ClusterSplit split_by_slot(const std::vector<Command> &commands);

// One reply per caller command: MGET values in the caller's key order, counts summed, the first
// error reply of any part kept as the reply.
std::vector<Reply> merge_parts(const ClusterSplit &split, std::vector<Reply> part_replies);

struct Redirect {
  enum class Kind { moved, ask, tryagain };
  Kind kind = Kind::moved;
  int slot = -1;
  std::string host;  // empty: the host of the node that answered
  int port = 0;
};

// The redirect an error reply asks for, or nullopt for any other reply.
std::optional<Redirect> parse_redirect(const Reply &reply);

// The one slot all keys of these commands share; nullopt when they have no key. Throws
// Error(invalid_argument) naming keys and slots when they span several slots.
std::optional<int> single_slot_of(const std::vector<Command> &commands, const char *what);

}  // namespace agenthost::detail
