// Benchmark: TranscriptStore on one private redis-server, each figure beside its raw floor.
//   append   a 10-entry batch (~500-byte entries, fresh ids) vs the same append script sent by
//            raw hiredis EVALSHA with the same keys and arguments (the same atomic step)
//   load     a 1,000-entry transcript vs raw LRANGE 0 -1
//   page     one page of 100 summaries of a 10,000-session scope vs the same list script by raw
//            EVALSHA, vs raw ZREVRANGE + HMGET (two round trips, no check of the sessions) and
//            vs raw ZREVRANGE, then MGET of the sessions' mtime keys + HMGET (the same check)
//   all      every summary of the 10,000-session scope (pages of 1,000) vs the raw script pages
// Starts its own redis-server on a free loopback port; never touches another server.
#include <fmt/format.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/transcript_store.hpp>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "raw_redis.hpp"
#include "support/redis_server.hpp"
#include "transcripts/transcript_keys.hpp"
#include "transcripts/transcript_scripts.hpp"

using namespace agenthost;
using bench::raw_command;

namespace {

constexpr const char *kPrefix = "bench:t:";
constexpr const char *kScope = "tenant-bench";
constexpr int kBatch = 10;
constexpr int kLoadEntries = 1000;
constexpr int kSessions = 10000;
constexpr std::uint32_t kPage = 100;

// A ~500-byte entry shaped like an SDK transcript line.
std::string entry(const std::string &uuid) {
  return fmt::format(
      R"({{"type":"assistant","uuid":"{}","parentUuid":null,"sessionId":"bench","timestamp":"2026-01-09T17:00:00.123Z","message":{{"role":"assistant","model":"claude-sonnet-4","content":[{{"type":"text","text":"{}"}}],"usage":{{"input_tokens":1200,"output_tokens":240}}}}}})",
      uuid, std::string(260, 'x'));
}

std::vector<std::string> batch(const std::string &stem, long n) {
  std::vector<std::string> out;
  for (int i = 0; i < kBatch; ++i) out.push_back(entry(fmt::format("{}-{}-{}", stem, n, i)));
  return out;
}

// The append script's command for `entries`, exactly as the store sends it on one node.
std::vector<std::string> raw_append_command(const std::string &session,
                                            const std::vector<std::string> &entries,
                                            const std::vector<std::string> &ids) {
  const auto k = detail::transcript_key_names(kPrefix, kScope, session, "");
  std::vector<std::string> c{"EVALSHA",  detail::append_script().sha1,
                             "7",        k.entries,
                             k.ids,      k.id_set,
                             k.written,  k.mtime,
                             k.subpaths, k.index,
                             "0",        "",
                             session,    std::to_string(entries.size())};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    c.push_back(ids[i]);
    c.push_back(entries[i]);
  }
  return c;
}

std::size_t raw_list(redisContext *c, std::uint64_t offset, std::uint32_t limit) {
  const auto s = detail::scope_key_names(kPrefix, kScope);
  auto r =
      raw_command(c, {"EVALSHA", detail::list_script().sha1, "2", s.index, s.summaries,
                      std::to_string(offset), std::to_string(limit), "1", "1", kPrefix, s.digest});
  return (r->elements - 2) / 3;
}

std::size_t raw_zrange_hmget(redisContext *c) {
  const auto s = detail::scope_key_names(kPrefix, kScope);
  auto ids = raw_command(c, {"ZREVRANGE", s.index, "0", std::to_string(kPage - 1)});
  std::vector<std::string> h{"HMGET", s.summaries};
  for (std::size_t i = 0; i < ids->elements; ++i) {
    h.emplace_back(ids->element[i]->str, ids->element[i]->len);
  }
  return raw_command(c, h)->elements;
}

// The same check without a script: ZREVRANGE, then one pipeline of the sessions' mtime keys
// (MGET) and their summaries (HMGET).
std::size_t raw_zrange_mget_hmget(redisContext *c) {
  const auto s = detail::scope_key_names(kPrefix, kScope);
  auto ids = raw_command(c, {"ZREVRANGE", s.index, "0", std::to_string(kPage - 1)});
  std::vector<std::string> m{"MGET"};
  std::vector<std::string> h{"HMGET", s.summaries};
  for (std::size_t i = 0; i < ids->elements; ++i) {
    const std::string id(ids->element[i]->str, ids->element[i]->len);
    m.push_back(detail::transcript_key_names(kPrefix, kScope, id, "").mtime);
    h.push_back(id);
  }
  for (const auto *cmd : {&m, &h}) {
    std::vector<const char *> argv;
    std::vector<size_t> lens;
    for (const auto &a : *cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data());
  }
  std::size_t n = 0;
  for (int i = 0; i < 2; ++i) {
    void *r = nullptr;
    if (redisGetReply(c, &r) != REDIS_OK) throw std::runtime_error("raw pipeline");
    bench::RawReply reply(static_cast<redisReply *>(r));
    n = reply->elements;
  }
  return n;
}

void row(const char *what, double us, double floor) {
  fmt::print("  {:<62} {:>10.1f} us", what, us);
  if (floor > 0) fmt::print("   {:.2f}x", us / floor);
  fmt::print("\n");
}

}  // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 301;
  test::RedisServer server;
  fmt::print("redis-server (private) on 127.0.0.1:{}\n", server.port());
  const bench::RawContext raw = bench::raw_connect(server.port());
  CacheOptions co;
  co.url = server.url();
  CacheClient cache(co);
  TranscriptStoreOptions o;
  o.key_prefix = kPrefix;
  TranscriptStore store(cache, o);
  for (const auto *s : {&detail::append_script(), &detail::list_script()}) {
    raw_command(raw.get(), {"SCRIPT", "LOAD", s->text});
  }

  // append: fresh ids every call, so every entry is written by both contenders.
  long n_agent = 0, n_raw = 0;
  std::vector<std::vector<std::string>> raw_cmds;
  {
    const TranscriptKey k{kScope, "append-agent", std::nullopt};
    for (int i = 0; i < 20; ++i) store.append(k, batch("warm", i));
    std::vector<std::function<void()>> contenders{
        [&] {
          if (store.append(k, batch("a", n_agent++)).appended != kBatch) {
            throw std::runtime_error("append: not every entry appended");
          }
        },
        [&] {
          const auto entries = batch("r", n_raw++);
          std::vector<std::string> ids;
          for (int i = 0; i < kBatch; ++i) ids.push_back(fmt::format("=r-{}-{}", n_raw - 1, i));
          auto r = raw_command(raw.get(), raw_append_command("append-raw", entries, ids));
          if (r->element[0]->integer != kBatch) throw std::runtime_error("raw append");
        }};
    const auto m = bench::interleaved_medians_us(runs, contenders);
    fmt::print("\nappend of a {}-entry batch (~{} bytes each; median of {} runs):\n", kBatch,
               entry("0").size(), runs);
    row("agenthost TranscriptStore::append (validated, one EVALSHA)", m[0], m[1]);
    row("floor: raw hiredis EVALSHA of the same script and arguments", m[1], 0);
  }

  // load: 1,000 entries.
  {
    const TranscriptKey k{kScope, "load", std::nullopt};
    for (int b = 0; b < kLoadEntries / 100; ++b) {
      std::vector<std::string> entries;
      for (int i = 0; i < 100; ++i) entries.push_back(entry(fmt::format("l-{}-{}", b, i)));
      store.append(k, entries);
    }
    const auto names = detail::transcript_key_names(kPrefix, kScope, "load", "");
    std::size_t got_agent = 0, got_raw = 0;
    std::vector<std::function<void()>> contenders{
        [&] { got_agent = store.load(k)->size(); },
        [&] {
          got_raw = raw_command(raw.get(), {"LRANGE", names.entries, "0", "-1"})->elements;
        }};
    const auto m = bench::interleaved_medians_us(runs, contenders);
    if (got_agent != kLoadEntries || got_raw != kLoadEntries) throw std::runtime_error("load");
    fmt::print("\nload of a {}-entry transcript:\n", kLoadEntries);
    row("agenthost TranscriptStore::load (EXISTS + LRANGE, one round trip)", m[0], m[1]);
    row("floor: raw hiredis LRANGE 0 -1", m[1], 0);
  }

  // summaries: a 10,000-session scope, each with a ~200-byte summary.
  {
    const std::string summary =
        fmt::format(R"({{"title":"{}","turns":12}})", std::string(170, 's'));
    for (int i = 0; i < kSessions; ++i) {
      const TranscriptKey k{kScope, fmt::format("s{:05}", i), std::nullopt};
      store.append(k, {entry(fmt::format("s-{}", i))});
      store.put_summary(k, summary, 0);
    }
    std::size_t a = 0, f = 0, z = 0;
    std::vector<std::function<void()>> contenders{
        [&] { a = store.list_summaries(kScope, std::nullopt, kPage).sessions.size(); },
        [&] { f = raw_list(raw.get(), 0, kPage); }, [&] { z = raw_zrange_hmget(raw.get()); },
        [&] { z = raw_zrange_mget_hmget(raw.get()); }};
    const auto m = bench::interleaved_medians_us(runs, contenders);
    if (a != kPage || f != kPage || z != kPage) throw std::runtime_error("summary page");
    fmt::print("\none page of {} summaries of a {}-session scope:\n", kPage, kSessions + 2);
    row("agenthost TranscriptStore::list_summaries (one EVALSHA)", m[0], m[1]);
    row("floor: raw hiredis EVALSHA of the same list script", m[1], 0);
    row("raw hiredis ZREVRANGE + HMGET (2 round trips, sessions unchecked)", m[2], 0);
    row("raw hiredis ZREVRANGE, then MGET mtimes + HMGET (checked, 2 round trips)", m[3], 0);
    fmt::print("  agenthost / raw ZREVRANGE + HMGET = {:.2f}x\n", m[0] / m[2]);

    std::size_t all_a = 0, all_f = 0;
    const int all_runs = std::max(5, runs / 20);
    std::vector<std::function<void()>> all{[&] {
                                             all_a = 0;
                                             std::optional<std::string> cursor;
                                             do {
                                               const auto page =
                                                   store.list_summaries(kScope, cursor, 1000);
                                               all_a += page.sessions.size();
                                               cursor = page.next_cursor;
                                             } while (cursor);
                                           },
                                           [&] {
                                             all_f = 0;
                                             for (std::uint64_t off = 0;; off += 1000) {
                                               const std::size_t n = raw_list(raw.get(), off, 1000);
                                               all_f += n;
                                               if (n < 1000) break;
                                             }
                                           }};
    const auto ma = bench::interleaved_medians_us(all_runs, all);
    if (all_a != all_f) throw std::runtime_error("all summaries differ");
    fmt::print("\nevery summary of the scope ({} sessions, pages of 1,000; {} runs):\n", all_a,
               all_runs);
    row("agenthost list_summaries, cursor walk", ma[0], ma[1]);
    row("floor: raw hiredis EVALSHA of the list script per page", ma[1], 0);
  }
  return 0;
}
