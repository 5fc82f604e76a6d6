// Benchmark: one owner's 100-session page with the durable tier, in one run:
//   warm        durable SessionStore::list served by Redis (the index is complete: reindexed)
//   redis-only  SessionStore::list without the durable tier on the same Redis data
//   hiredis     raw floor: ZRANGE ... REV 0 99, then MGET of those 100 keys, no parsing
//   cold        durable SessionStore::list served by PostgreSQL (no completeness marker: one
//               EXISTS on Redis, then one keyset query; rows decoded into Sessions)
//   libpq       raw floor: the same keyset statement (page, and the total from the counts
//               table) through PQexecParams, text results left undecoded
//   (count)     the same with the total by count(*) over the owner's rows, for comparison
// Redis contenders and PostgreSQL contenders are interleaved within their group.
// Starts its own redis-server and PostgreSQL (initdb in a temporary directory) on free ports.
#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "db/pg_url.hpp"
#include "raw_redis.hpp"
#include "sessions/durable/session_rows.hpp"
#include "support/pg_server.hpp"
#include "support/redis_server.hpp"

using namespace agenthost;

namespace {

constexpr int kOwnerSessions = 1000;
constexpr int kOtherSessions = 9000;
constexpr int kPage = 100;
constexpr const char *kOwner = "sk-bench-durable-owner";

// The statement list_from_db sends for an owner's first page; `counted` false: the total by
// count(*) over the owner's rows instead (what a table without the counts costs).
std::string keyset_sql(const std::string &table, bool counted = true) {
  const std::string total = detail::total_sql(table, counted, "TRUE AND owner_api_key_hash = $1");
  return fmt::format(
      "SELECT c.total, p.* FROM ({4}) c LEFT JOIN LATERAL (SELECT {1} FROM {0} WHERE TRUE AND "
      "owner_api_key_hash = $1 ORDER BY {2} DESC, id COLLATE \"C\" DESC LIMIT {3} OFFSET 0) p "
      "ON TRUE",
      table, detail::row_columns(), detail::kCreatedMsSql, kPage + 1, total);
}

int libpq_floor(PGconn *c, const std::string &sql, const std::string &owner_hash) {
  const char *values[] = {owner_hash.c_str()};
  PGresult *r = PQexecParams(c, sql.c_str(), 1, nullptr, values, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) throw std::runtime_error(PQresultErrorMessage(r));
  const int n = PQntuples(r);
  PQclear(r);
  return n;
}

}  // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 301;
  test::RedisServer redis;
  test::PgServer pg;
  fmt::print("redis-server (private) on 127.0.0.1:{}; PostgreSQL 15 (private, fsync off)\n",
             redis.port());
  CacheOptions co;
  co.url = redis.url();
  CacheClient cache(co);
  SessionStoreOptions o;
  o.database_url = pg.url();
  SessionStore warm(cache, o);
  CreateRequest r;
  r.model = "claude-sonnet-4-20250514";
  r.metadata_json = R"({"project":"bench","tags":["alpha","beta"],"title":"a bench session"})";
  bench::create_sessions(warm, r, {kOwner}, kOwnerSessions);
  std::vector<std::string> others;
  for (int i = 0; i < 30; ++i) others.push_back(fmt::format("sk-bench-other-{}", i));
  bench::create_sessions(warm, r, others, kOtherSessions);
  warm.reindex();

  SessionStoreOptions redis_only_options;  // the same keys, no durable tier
  SessionStore redis_only(cache, redis_only_options);
  SessionStoreOptions cold_options = o;
  cold_options.index_prefix = "cold-sessions:";  // never reindexed: no completeness marker
  SessionStore cold(cache, cold_options);

  ListQuery q;
  q.owner_api_key = kOwner;
  q.page_size = kPage;
  const SessionPage probe = warm.list(q);
  const std::string owner_hash = probe.sessions.at(0).owner.value();
  const std::string index = "sessions:by_owner:" + owner_hash;
  if (cold.list(q).sessions.size() != kPage || probe.total != kOwnerSessions) {
    throw std::runtime_error("unexpected pages");
  }
  const bench::RawContext hc = bench::raw_connect(redis.port());
  const bench::RawRun hiredis = [&hc](const std::vector<std::string> &args) {
    return bench::raw_command(hc.get(), args);
  };
  PGconn *pc = PQconnectdb(detail::normalize_pg_url(pg.url()).c_str());
  if (PQstatus(pc) != CONNECTION_OK) {
    throw std::runtime_error("raw connections failed");
  }
  const std::string sql = keyset_sql("sessions");
  const std::string counting_sql = keyset_sql("sessions", false);
  fmt::print("dataset: {} sessions of one owner among {}; page of {}; {} interleaved rounds\n\n",
             kOwnerSessions, kOwnerSessions + kOtherSessions, kPage, runs);
  for (int i = 0; i < 20; ++i) {
    warm.list(q);
    cold.list(q);
    libpq_floor(pc, sql, owner_hash);
  }
  // Two groups, each interleaved: the Redis contenders, then the PostgreSQL ones (a Redis call
  // right after a PostgreSQL query measured ~100-300 us slower whichever store made it).
  const auto redis_medians = bench::interleaved_medians_us(
      runs, {[&] { warm.list(q); }, [&] { redis_only.list(q); },
             [&] { bench::raw_page_floor(hiredis, index, "session:", kPage); }});
  const auto pg_medians = bench::interleaved_medians_us(
      runs, {[&] { cold.list(q); }, [&] { libpq_floor(pc, sql, owner_hash); },
             [&] { libpq_floor(pc, counting_sql, owner_hash); }});
  const std::vector<double> medians{redis_medians[0], redis_medians[1], redis_medians[2],
                                    pg_medians[0], pg_medians[1]};
  fmt::print("{:<44} {:>10}\n", "first page of 100 (median)", "us");
  fmt::print("{:<44} {:>10.1f}\n", "warm: durable store, served by Redis", medians[0]);
  fmt::print("{:<44} {:>10.1f}\n", "redis-only store (no database)", medians[1]);
  fmt::print("{:<44} {:>10.1f}\n", "raw hiredis floor (ZRANGE + MGET)", medians[2]);
  fmt::print("{:<44} {:>10.1f}\n", "cold: durable store, served by PostgreSQL", medians[3]);
  fmt::print("{:<44} {:>10.1f}\n", "raw libpq floor (the same keyset statement)", medians[4]);
  fmt::print("{:<44} {:>10.1f}\n\n", "raw libpq, total by count(*) instead", pg_medians[2]);
  fmt::print("warm / redis-only = {:.2f}x; warm / hiredis = {:.2f}x\n", medians[0] / medians[1],
             medians[0] / medians[2]);
  fmt::print("cold / raw libpq = {:.2f}x (target <= 1.5x)\n", medians[3] / medians[4]);
  PQfinish(pc);
  return 0;
}
