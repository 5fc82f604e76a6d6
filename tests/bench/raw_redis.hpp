// Raw hiredis for the benchmarks' floors: what a host would write by hand, with no agenthost in
// the path, so each figure can be printed beside the floor it is measured against.
#pragma once

#include <hiredis/hiredis.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace agenthost::bench {

struct RedisFree {
  void operator()(redisContext *c) const { redisFree(c); }
  void operator()(redisReply *r) const { freeReplyObject(r); }
};
using RawContext = std::unique_ptr<redisContext, RedisFree>;
using RawReply = std::unique_ptr<redisReply, RedisFree>;

// Sends one command and returns its reply: how a floor talks to its server (plain hiredis,
// or another transport such as raw TLS).
using RawRun = std::function<RawReply(const std::vector<std::string> &)>;

// A blocking hiredis connection to 127.0.0.1:port; throws when it cannot connect.
RawContext raw_connect(int port);

// One command on `c`; throws on a transport error or an error reply.
RawReply raw_command(redisContext *c, const std::vector<std::string> &args);

// The listing floor: the newest `page` members of `index`, then one MGET of `key_prefix` + each
// member. Two round trips and no decoding; returns the number of values read.
std::size_t raw_page_floor(const RawRun &run, const std::string &index,
                           const std::string &key_prefix, int page);

}  // namespace agenthost::bench
