// Benchmark: listing one owner's sessions among 1,000,000 other keys.
//   agenthost   SessionStore::list of a 100-session page (index range + MGET, JSON decoded)
//   floor       raw hiredis: ZRANGE ... 0 99 REV, then MGET of those 100 keys, no parsing
//   scan        the Python service's algorithm with raw hiredis: SCAN MATCH session:* + one MGET
//               of every match + filter by owner + sort by created_at + slice
//   C ABI       agenthost_session_store_list of the same page (no JSON built), and the same plus
//               agenthost_session_page_json (what a Python host asks for)
// Then pages through 1,000 and 10,000 sessions by cursor: time per session and peak RSS.
// Starts its own redis-server on a free loopback port; never touches another server.
#include <agenthost.h>
#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "raw_redis.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kOtherKeys = 1000000;
constexpr int kOwnerSessions = 1000;
constexpr int kBigOwnerSessions = 10000;
constexpr int kPage = 100;
constexpr const char *kOwner = "sk-bench-owner";
constexpr const char *kBigOwner = "sk-bench-owner-big";

using bench::raw_command;

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A ~400-byte record: the session fields plus some metadata.
void create_sessions(SessionStore &store, const char *owner, int count) {
  CreateRequest r;
  r.model = "claude-sonnet-4-20250514";
  r.metadata_json = R"({"project":"bench","tags":["alpha","beta"]})";
  bench::create_sessions(store, r, {owner}, count);
}

std::string field_after(const std::string &json, const std::string &key) {
  const auto at = json.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

// The Python service's listing: every session key, every record, then filter, sort and slice.
// Field extraction is a plain substring search, cheaper than the service's json.loads.
std::size_t python_scan(redisContext *c, const std::string &owner_hash) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto r = raw_command(c, {"SCAN", cursor, "MATCH", "session:*", "COUNT", "1000"});
    cursor.assign(r->element[0]->str, r->element[0]->len);
    for (size_t i = 0; i < r->element[1]->elements; ++i) {
      keys.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
    }
  } while (cursor != "0");
  std::vector<std::string> mget{"MGET"};
  mget.insert(mget.end(), keys.begin(), keys.end());
  auto values = raw_command(c, mget);
  std::vector<std::pair<std::string, std::string>> mine;  // (created_at, record)
  for (size_t i = 0; i < values->elements; ++i) {
    if (values->element[i]->type != REDIS_REPLY_STRING) continue;
    std::string json(values->element[i]->str, values->element[i]->len);
    if (field_after(json, "\"owner_api_key_hash\":\"") != owner_hash) continue;
    std::string created = field_after(json, "\"created_at\":\"");
    mine.emplace_back(std::move(created), std::move(json));
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto &a, const auto &b) { return a.first > b.first; });
  if (mine.size() > static_cast<std::size_t>(kPage)) mine.resize(kPage);
  return mine.size();
}

// The same two round trips through CacheClient as SessionStore::list's first page (the page's
// members plus its last member's score, and ZCARD; then MGET), without decoding: the library's
// I/O share.
std::size_t cache_only(CacheClient &cache, const std::string &index) {
  Batch b;
  b.add({"ZRANGE", index, "0", std::to_string(kPage), "REV"});
  b.add(
      {"ZRANGE", index, std::to_string(kPage - 1), std::to_string(kPage - 1), "REV", "WITHSCORES"});
  b.add({"ZCARD", index});
  const auto replies = cache.execute(b);
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < replies[0].elements.size() && keys.size() < kPage; ++i) {
    keys.push_back("session:" + replies[0].elements[i].str);
  }
  return cache.mget(keys).size();
}

// Pages through one owner's sessions by cursor; returns the number seen.
std::size_t walk_owner(SessionStore &store, const char *owner) {
  ListQuery q;
  q.owner_api_key = owner;
  q.page_size = kPage;
  std::size_t seen = 0;
  for (;;) {
    const SessionPage page = store.list(q);
    seen += page.sessions.size();
    if (!page.next_cursor) return seen;
    q.cursor = page.next_cursor;
  }
}

// The same page through the C ABI; with `json`, the page's JSON is read too.
std::size_t capi_page(agenthost_session_store *store, bool json) {
  static const std::string query =
      fmt::format(R"({{"owner_api_key":"{}","page_size":{}}})", kOwner, kPage);
  agenthost_session_page *page = nullptr;
  if (agenthost_session_store_list(store, query.c_str(), &page) != AGENTHOST_OK) {
    throw std::runtime_error(std::string("C ABI list failed: ") + agenthost_last_error());
  }
  std::size_t n = agenthost_session_page_count(page);
  if (json && agenthost_session_page_json(page, nullptr) == nullptr) n = 0;
  agenthost_session_page_free(page);
  return n;
}

void row(const char *what, double us, const std::string &note) {
  fmt::print("  {:<58} {:>12.1f} us  {}\n", what, us, note);
}

}  // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 301;
  const int scan_runs = argc > 2 ? std::atoi(argv[2]) : 5;
  test::RedisServer server({"--enable-debug-command", "yes"});
  fmt::print("redis-server (private) on 127.0.0.1:{}\n", server.port());
  const bench::RawContext raw = bench::raw_connect(server.port());
  const bench::RawRun plain = [&raw](const std::vector<std::string> &args) {
    return raw_command(raw.get(), args);
  };

  raw_command(raw.get(), {"DEBUG", "POPULATE", std::to_string(kOtherKeys), "other", "400"});
  CacheOptions co;
  co.url = server.url();
  CacheClient cache(co);
  SessionStore store(cache);
  create_sessions(store, kOwner, kOwnerSessions);
  const std::string owner_hash =
      store.list({kOwner, std::nullopt, 1, 1, std::nullopt}).sessions.at(0).owner.value();
  const std::string index = "sessions:by_owner:" + owner_hash;
  const auto sample = raw_command(raw.get(), {"ZRANGE", index, "0", "0"});
  const auto record =
      raw_command(raw.get(), {"GET", "session:" + std::string(sample->element[0]->str)});
  fmt::print(
      "dataset: {} other keys (400-byte values) + {} sessions of one owner; "
      "record size {} bytes; DBSIZE {}\n\n",
      kOtherKeys, kOwnerSessions, record->len, raw_command(raw.get(), {"DBSIZE"})->integer);

  agenthost_cache_client *c_cache = nullptr;
  agenthost_session_store *c_store = nullptr;
  if (agenthost_cache_client_open(server.url().c_str(), nullptr, &c_cache) != AGENTHOST_OK ||
      agenthost_session_store_open(c_cache, "{}", &c_store) != AGENTHOST_OK) {
    throw std::runtime_error(std::string("C ABI open failed: ") + agenthost_last_error());
  }
  for (int i = 0; i < 20; ++i) capi_page(c_store, true);

  ListQuery first_page{kOwner, std::nullopt, 1, kPage, std::nullopt};
  std::size_t n_agent = 0, n_floor = 0, n_scan = 0, n_capi = 0, n_capi_json = 0;
  for (int i = 0; i < 20; ++i) store.list(first_page);  // warm the pool and the parser
  // Interleaved, so drift in the machine's load affects every column alike.
  std::size_t n_cache = 0;
  std::vector<std::function<void()>> contenders{
      [&] { n_agent = store.list(first_page).sessions.size(); },
      [&] { n_cache = cache_only(cache, index); },
      [&] { n_floor = bench::raw_page_floor(plain, index, "session:", kPage); },
      [&] { n_capi = capi_page(c_store, false); }, [&] { n_capi_json = capi_page(c_store, true); }};
  const std::vector<double> medians = bench::interleaved_medians_us(runs, contenders);
  const double agent = medians[0], io = medians[1], floor = medians[2], capi = medians[3],
               capi_json = medians[4];
  const double scan =
      bench::median_us(scan_runs, [&] { n_scan = python_scan(raw.get(), owner_hash); });
  if (n_agent != kPage || n_floor != kPage || n_scan != kPage || n_capi != kPage ||
      n_capi_json != kPage) {
    throw std::runtime_error(fmt::format("page sizes differ: {} {} {}", n_agent, n_floor, n_scan));
  }
  fmt::print("list one owner's newest {} sessions (median; {} runs, scan {} runs):\n", kPage, runs,
             scan_runs);
  row("agenthost SessionStore::list (page of 100, decoded)", agent, "");
  row("  of which CacheClient I/O (same 2 round trips, no decoding)", io, "");
  row("floor: raw hiredis ZRANGE REV LIMIT + MGET, no parsing", floor, "");
  row("C ABI agenthost_session_store_list (no JSON built)", capi, "");
  row("C ABI list + agenthost_session_page_json", capi_json, "");
  row("Python algorithm: SCAN session:* + MGET all + sort + slice", scan, "");
  fmt::print("  agenthost / floor = {:.2f}x (target <= 1.3x)\n", agent / floor);
  fmt::print("  C ABI / C++       = {:.2f}x (target <= 1.15x)\n", capi / agent);
  fmt::print("  C ABI+JSON / C++  = {:.2f}x\n", capi_json / agent);
  fmt::print("  scan / agenthost  = {:.0f}x faster (target >= 50x)\n\n", scan / agent);

  const long rss_before = peak_rss_kib();
  auto start = Clock::now();
  const std::size_t walked = walk_owner(store, kOwner);
  const double per_1k = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  const long rss_1k = peak_rss_kib();
  create_sessions(store, kBigOwner, kBigOwnerSessions);
  const long rss_created = peak_rss_kib();
  start = Clock::now();
  const std::size_t walked_big = walk_owner(store, kBigOwner);
  const double per_10k = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  const long rss_10k = peak_rss_kib();
  fmt::print("page through one owner by cursor (page_size {}):\n", kPage);
  fmt::print(
      "  {:>6} sessions: {:>9.0f} us total, {:.2f} us/session, peak RSS {} KiB "
      "(before {} KiB)\n",
      walked, per_1k, per_1k / static_cast<double>(walked), rss_1k, rss_before);
  fmt::print(
      "  {:>6} sessions: {:>9.0f} us total, {:.2f} us/session, peak RSS {} KiB "
      "(before {} KiB)\n",
      walked_big, per_10k, per_10k / static_cast<double>(walked_big), rss_10k, rss_created);
  agenthost_session_store_close(c_store);
  agenthost_cache_client_close(c_cache);
  return 0;
}
