#include "raw_redis.hpp"

#include <stdexcept>

namespace agenthost::bench {

RawContext raw_connect(int port) {
  RawContext c(redisConnect("127.0.0.1", port));
  if (!c || c->err) throw std::runtime_error("raw hiredis: cannot connect");
  return c;
}

RawReply raw_command(redisContext *c, const std::vector<std::string> &args) {
  std::vector<const char *> argv;
  std::vector<size_t> lens;
  for (const auto &a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  RawReply r(static_cast<redisReply *>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
  if (!r) throw std::runtime_error(std::string("raw hiredis: ") + c->errstr);
  if (r->type == REDIS_REPLY_ERROR) {
    throw std::runtime_error("raw hiredis: redis error: " + std::string(r->str, r->len));
  }
  return r;
}

std::size_t raw_page_floor(const RawRun &run, const std::string &index,
                           const std::string &key_prefix, int page) {
  const RawReply ids = run({"ZRANGE", index, "0", std::to_string(page - 1), "REV"});
  std::vector<std::string> mget{"MGET"};
  for (std::size_t i = 0; i < ids->elements; ++i) {
    mget.push_back(key_prefix + std::string(ids->element[i]->str, ids->element[i]->len));
  }
  return run(mget)->elements;
}

}  // namespace agenthost::bench
