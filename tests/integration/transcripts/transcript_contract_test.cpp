// The TranscriptStore contract. Compiled from this one source against memory://, (with
// AGENTHOST_SESSIONS_ON_REDIS) against the shared redis-server fixture and (with
// AGENTHOST_SESSIONS_ON_CLUSTER) against the shared Redis Cluster. Cases that write Redis behind
// the store's back are Redis-only.
#include <agenthost/cache_client.hpp>
#include <agenthost/metrics.hpp>
#include <agenthost/transcript_store.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/sessions/session_test_cache.hpp"
#include "support/errc_of.hpp"
#include "support/test_env.hpp"
#include "transcripts/transcript_keys.hpp"
#include "transcripts/transcript_scripts.hpp"

using namespace agenthost;
using namespace std::chrono_literals;
using agenthost::test::code_of;

namespace {

constexpr bool kOnRedis =
#if defined(AGENTHOST_SESSIONS_ON_REDIS) || defined(AGENTHOST_SESSIONS_ON_CLUSTER)
    true;
#else
    false;
#endif

struct Env {
  explicit Env(TranscriptStoreOptions o = {}) : options(with_prefix(std::move(o))) {}

  std::string prefix = test::unique_prefix("transcripts");
  CacheClient cache = test::make_session_test_cache();
  TranscriptStoreOptions options;
  TranscriptStore store{cache, options};
  std::string scope = "tenant-" + prefix;

  TranscriptKey key(const std::string &session, std::optional<std::string> sub = {}) const {
    return {scope, session, std::move(sub)};
  }

 private:
  TranscriptStoreOptions with_prefix(TranscriptStoreOptions o) const {
    o.key_prefix = prefix + "transcript:";
    return o;
  }
};

std::string entry(const std::string &uuid, const std::string &text = "x") {
  return R"({"type":"user","uuid":")" + uuid + R"(","message":{"content":")" + text + R"("}})";
}

std::vector<std::string> entries(const std::string &stem, int from, int count) {
  std::vector<std::string> out;
  for (int i = from; i < from + count; ++i) out.push_back(entry(stem + std::to_string(i)));
  return out;
}

std::vector<std::string> ids_of(const TranscriptPage &page) {
  std::vector<std::string> ids;
  for (const auto &s : page.sessions) ids.push_back(s.session_id);
  return ids;
}

}  // namespace

TEST_CASE("transcripts: nested, unicode and 1 MiB entries load back byte for byte") {
  Env env;
  const auto k = env.key("s1");
  CHECK_FALSE(env.store.load(k).has_value());
  const std::string big = "{\"uuid\":\"big\",\"blob\":\"" + std::string(1u << 20, 'a') + "\"}";
  const std::vector<std::string> batch = {
      R"({"uuid":"n1","a":{"b":[1,2,{"c":null,"d":[true,false,1.5e300]}]},"e":"\u00e9"})",
      "{\"uuid\":\"u1\",\"text\":\"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 \xE4\xB8\xAD\"}",
      "  [1, \"two\", {\"three\": 3}]  ",
      "42",
      "\"a string\"",
      "null",
      big};
  const AppendResult r = env.store.append(k, batch);
  CHECK(r.appended == batch.size());
  CHECK(r.mtime > 0);
  CHECK(env.store.load(k) == batch);
  CHECK(env.store.tail(k, 2) == std::vector<std::string>{"null", big});
  CHECK(env.store.load_range(k, 1, 2) == std::vector<std::string>{batch[1], batch[2]});
  CHECK(env.store.load_range(k, 100, 5).empty());
}

TEST_CASE("transcripts: a 10,000-entry transcript loads whole, by range and by tail") {
  Env env;
  const auto k = env.key("long");
  for (int b = 0; b < 10; ++b) {
    CHECK(env.store.append(k, entries("e", b * 1000, 1000)).appended == 1000);
  }
  const auto all = env.store.load(k);
  REQUIRE(all);
  REQUIRE(all->size() == 10000);
  for (int i = 0; i < 10000; i += 997) CHECK((*all)[i] == entry("e" + std::to_string(i)));
  CHECK(env.store.load_range(k, 9990, 100) ==
        std::vector<std::string>(all->end() - 10, all->end()));
  CHECK(env.store.tail(k, 3) == std::vector<std::string>(all->end() - 3, all->end()));
}

TEST_CASE("transcripts: retries and overlapping batches append each id once") {
  Env env;
  const auto k = env.key("s");
  CHECK(env.store.append(k, entries("u", 0, 3)).appended == 3);
  CHECK(env.store.append(k, entries("u", 0, 3)).appended == 0);                  // a retry
  CHECK(env.store.append(k, entries("u", 1, 4)).appended == 2);                  // overlaps u1, u2
  CHECK(env.store.append(k, {entry("d"), entry("d", "second")}).appended == 1);  // first wins
  // Entries without the field, or with a non-string value, always append.
  CHECK(
      env.store.append(k, {R"({"type":"x"})", R"({"type":"x"})", R"({"uuid":7})", R"({"uuid":7})"})
          .appended == 4);
  // An empty id is an id.
  CHECK(env.store.append(k, {R"({"uuid":""})", R"({"uuid":""})"}).appended == 1);
  std::vector<std::string> want = entries("u", 0, 5);
  want.push_back(entry("d"));
  for (int i = 0; i < 2; ++i) want.push_back(R"({"type":"x"})");
  for (int i = 0; i < 2; ++i) want.push_back(R"({"uuid":7})");
  want.push_back(R"({"uuid":""})");
  CHECK(env.store.load(k) == want);
  // Ids are per transcript: a subpath has its own.
  CHECK(env.store.append(env.key("s", "agent-1"), entries("u", 0, 3)).appended == 3);
  const auto stats = env.store.stats();
  CHECK(stats.duplicates_skipped == 3 + 2 + 1 + 1);
}

TEST_CASE("transcripts: a configured idempotency field") {
  TranscriptStoreOptions o;
  o.idempotency_field = "id";
  Env env(o);
  const auto k = env.key("s");
  CHECK(env.store
            .append(k, {R"({"id":"a","uuid":"x"})", R"({"id":"a","uuid":"y"})",
                        R"({"id":"b","uuid":"x"})"})
            .appended == 2);
}

TEST_CASE("transcripts: concurrency: 20 appenders with interleaved duplicates") {
  Env env;
  const auto k = env.key("busy");
  constexpr int kThreads = 20, kBatches = 10, kPerBatch = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int b = 0; b < kBatches; ++b) {
          std::vector<std::string> batch;
          for (int i = 0; i < kPerBatch; ++i) {
            batch.push_back(
                entry("t" + std::to_string(t) + "-" + std::to_string(b * kPerBatch + i)));
          }
          batch.push_back(entry("shared-" + std::to_string(b)));  // every thread offers it
          env.store.append(k, batch);
          env.store.append(k, batch);  // a retry of the same batch
        }
      } catch (...) {
        failures.fetch_add(1);
      }
    });
  }
  for (auto &th : threads) th.join();
  REQUIRE(failures.load() == 0);
  const auto all = env.store.load(k);
  REQUIRE(all);
  CHECK(all->size() == kThreads * kBatches * kPerBatch + kBatches);
  std::multiset<std::string> seen(all->begin(), all->end());
  std::map<int, int> next;  // per thread: the next index expected
  for (const std::string &e : *all) {
    CHECK(seen.count(e) == 1);
    for (int t = 0; t < kThreads; ++t) {
      const std::string stem = "\"uuid\":\"t" + std::to_string(t) + "-";
      const auto at = e.find(stem);
      if (at == std::string::npos) continue;
      const int i = std::stoi(e.substr(at + stem.size()));
      CHECK(i == next[t]);
      next[t] = i + 1;
    }
  }
  for (int t = 0; t < kThreads; ++t) CHECK(next[t] == kBatches * kPerBatch);
}

TEST_CASE("transcripts: a batch that fails validation writes nothing and names the entry") {
  Env env;
  const auto k = env.key("s");
  std::string msg;
  CHECK(code_of(
            [&] {
              env.store.append(k, {entry("a"), entry("b"), "{\"uuid\":"});
            },
            &msg) == Errc::invalid_argument);
  CHECK(msg.find("entry 2") != std::string::npos);
  CHECK(code_of(
            [&] {
              env.store.append(k, {entry("a"), R"({"uuid":"a","uuid":"b"})"});
            },
            &msg) == Errc::invalid_argument);
  CHECK(msg.find("entry 1") != std::string::npos);
  CHECK(msg.find("twice") != std::string::npos);
  CHECK(code_of(
            [&] {
              env.store.append(k, {entry("a"), "\"\xFF\""});
            },
            &msg) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.append(k, {entry("a"), "{} {}"}); }) == Errc::invalid_argument);
  CHECK_FALSE(env.store.load(k).has_value());
  CHECK(env.store.list(env.scope, std::nullopt).total == 0);

  TranscriptStoreOptions small;
  small.max_entry_bytes = 100;
  small.max_batch_entries = 3;
  small.max_batch_bytes = 200;
  Env limited(small);
  const auto lk = limited.key("s");
  CHECK(code_of([&] { limited.store.append(lk, {entry("a", std::string(100, 'x'))}); }, &msg) ==
        Errc::invalid_argument);
  CHECK(msg.find("entry 0") != std::string::npos);
  CHECK(code_of([&] { limited.store.append(lk, entries("a", 0, 4)); }) == Errc::invalid_argument);
  CHECK(code_of([&] {
          limited.store.append(lk,
                               {entry("a", std::string(60, 'x')), entry("b", std::string(60, 'x')),
                                entry("c", std::string(60, 'x'))});
        }) == Errc::invalid_argument);
  CHECK_FALSE(limited.store.load(lk).has_value());

  // Bad keys.
  const std::vector<TranscriptKey> bad = {{"", "s", {}},
                                          {env.scope, "", {}},
                                          {env.scope, "s", std::string()},
                                          {std::string(257, 's'), "s", {}},
                                          {env.scope, "a\nb", {}},
                                          {env.scope, "s", std::string("sub\x01")},
                                          {env.scope, "\xC3", {}}};
  for (const auto &key : bad) {
    CHECK(code_of([&] { env.store.append(key, {entry("a")}); }) == Errc::invalid_argument);
    CHECK(code_of([&] { env.store.load(key); }) == Errc::invalid_argument);
  }
  CHECK(code_of([&] { env.store.list("", std::nullopt); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.list(env.scope, std::string("x1")); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.list(env.scope, std::nullopt, 0); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.tail(k, 0); }) == Errc::invalid_argument);
  TranscriptStoreOptions bad_options;
  bad_options.max_batch_entries = 0;
  CHECK(code_of([&] { TranscriptStore s(env.cache, bad_options); }) == Errc::invalid_argument);
}

TEST_CASE("transcripts: a batch rejected by the server-side step leaves the transcript as it was") {
  if (!kOnRedis) return;  // writes Redis behind the store's back
  Env env;
  const auto k = env.key("s");
  REQUIRE(env.store.append(k, entries("a", 0, 2)).appended == 2);
  // The idempotency set made a string: the script finds it before its first write.
  const auto names = detail::transcript_key_names(env.options.key_prefix, env.scope, "s", "");
  env.cache.set(names.id_set, "not a set");
  std::string msg;
  CHECK(code_of([&] { env.store.append(k, entries("b", 0, 3)); }, &msg) == Errc::protocol);
  CHECK(msg.find("WRONGTYPE") != std::string::npos);
  CHECK(env.store.load(k) == entries("a", 0, 2));
  env.cache.del(names.id_set);
  // The script checks its arguments before its first write too (here: 3 entries announced, 2
  // given, as a client other than the store could send them).
  std::vector<std::string> keys{names.entries, names.ids,   names.id_set,
                                names.written, names.mtime, names.subpaths};
  CHECK(code_of(
            [&] {
              detail::run_script(env.cache, detail::append_script(), keys,
                                 {"0", "", "s", "3", "=x1", entry("x1"), "=x2", entry("x2")});
            },
            &msg) == Errc::protocol);
  CHECK(msg.find("malformed") != std::string::npos);
  CHECK(env.store.load(k) == entries("a", 0, 2));
  CHECK(env.store.append(k, entries("b", 0, 3)).appended == 3);
}

TEST_CASE("transcripts: pop, clear and remove") {
  Env env;
  const auto k = env.key("s");
  CHECK_FALSE(env.store.pop(k).has_value());
  env.store.append(k, entries("p", 0, 3));
  CHECK(env.store.pop(k) == entry("p2"));
  CHECK(env.store.load(k) == entries("p", 0, 2));
  CHECK(env.store.append(k, {entry("p2")}).appended == 1);  // its id was freed
  CHECK(env.store.append(k, {entry("p1")}).appended == 0);  // the others were not
  env.store.clear(k);
  const auto empty = env.store.load(k);
  REQUIRE(empty.has_value());  // written, then emptied: not "never written"
  CHECK(empty->empty());
  CHECK(env.store.append(k, {entry("p0")}).appended == 1);  // clear freed every id

  env.store.append(env.key("s", "agents/a1"), entries("x", 0, 2));
  env.store.append(env.key("s", "agents/a2"), entries("x", 0, 1));
  env.store.put_summary(env.key("s"), R"({"title":"t"})", 0);
  env.store.append(env.key("other"), entries("o", 0, 1));
  CHECK(env.store.list_subkeys(env.scope, "s") ==
        std::vector<std::string>{"agents/a1", "agents/a2"});
  CHECK(env.store.remove(env.scope, "s"));
  CHECK_FALSE(env.store.load(k).has_value());
  CHECK_FALSE(env.store.load(env.key("s", "agents/a1")).has_value());
  CHECK_FALSE(env.store.load(env.key("s", "agents/a2")).has_value());
  CHECK_FALSE(env.store.summary(env.key("s")).has_value());
  CHECK(env.store.list_subkeys(env.scope, "s").empty());
  CHECK(ids_of(env.store.list(env.scope, std::nullopt)) == std::vector<std::string>{"other"});
  CHECK_FALSE(env.store.remove(env.scope, "s"));
  CHECK(env.store.load(env.key("other")) == entries("o", 0, 1));
}

TEST_CASE("transcripts: scopes are isolated") {
  Env env;
  const TranscriptKey a{env.scope + "-a", "same", {}};
  const TranscriptKey b{env.scope + "-b", "same", {}};
  env.store.append(a, entries("a", 0, 2));
  CHECK_FALSE(env.store.load(b).has_value());
  CHECK(env.store.append(b, entries("a", 0, 2)).appended == 2);  // ids are per transcript
  env.store.put_summary(a, "1", 0);
  CHECK_FALSE(env.store.summary(b).has_value());
  CHECK(env.store.list(b.scope, std::nullopt).total == 1);
  CHECK(env.store.remove(a.scope, "same"));
  CHECK(env.store.load(b) == entries("a", 0, 2));
  CHECK(env.store.list(a.scope, std::nullopt).total == 0);
  if (kOnRedis) {
    // The scope's text is in no key name.
    CHECK(env.cache.scan(env.options.key_prefix + "*" + b.scope + "*").empty());
    CHECK_FALSE(env.cache.scan(env.options.key_prefix + "*").empty());
  }
}

TEST_CASE("transcripts: mtime never decreases and orders the listing") {
  Env env;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    const std::string s = "s" + std::to_string(i);
    const AppendResult r = env.store.append(env.key(s), entries(s, 0, 1));
    CHECK(r.mtime >= last);
    last = r.mtime;
    // The server's clock in ms since the epoch (a day's slack for the test host's clock).
    CHECK(std::abs(r.mtime - now_ms) < 86400000);
  }
  const AppendResult again = env.store.append(env.key("s0"), entries("s0", 0, 1));
  CHECK(again.appended == 0);  // a duplicate-only append does not touch mtime
  const AppendResult more = env.store.append(env.key("s1", "sub"), entries("x", 0, 1));
  CHECK(more.mtime >= last);
  const TranscriptPage page = env.store.list(env.scope, std::nullopt);
  CHECK(page.total == 5);
  REQUIRE(page.sessions.size() == 5);
  // A subpath's append counts for its session: s1 is now among the newest.
  CHECK(page.sessions[0].mtime == more.mtime);
  bool s1_newest = false;
  for (const auto &s : page.sessions) {
    if (s.session_id == "s1") s1_newest = s.mtime == more.mtime;
  }
  CHECK(s1_newest);
  for (std::size_t i = 1; i < page.sessions.size(); ++i) {
    CHECK(page.sessions[i - 1].mtime >= page.sessions[i].mtime);
  }
}

TEST_CASE("transcripts: listing pages through every session once") {
  Env env;
  std::set<std::string> want;
  for (int i = 0; i < 25; ++i) {
    const std::string s = "s" + std::to_string(i);
    env.store.append(env.key(s), {entry(s)});
    want.insert(s);
  }
  std::vector<std::string> got;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 10; ++pages) {
    const TranscriptPage page = env.store.list(env.scope, cursor, 10);
    CHECK(page.total == 25);
    for (auto &id : ids_of(page)) got.push_back(id);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  CHECK(got.size() == 25);
  CHECK(std::set<std::string>(got.begin(), got.end()) == want);
  CHECK(env.store.list_summaries(env.scope, std::nullopt, 100).sessions.size() == 25);
}

TEST_CASE("transcripts: concurrency: summaries compare-and-set under 20 folders") {
  Env env;
  const auto k = env.key("s");
  CHECK_FALSE(env.store.summary(k).has_value());
  constexpr int kThreads = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      try {
        for (int attempt = 0; attempt < 10000; ++attempt) {
          const auto cur = env.store.summary(k);
          const int n = cur ? std::stoi(cur->data.substr(5)) : 0;  // {"n":<n>}
          const std::string next = "{\"n\":" + std::to_string(n + 1) + "}";
          if (code_of([&] { env.store.put_summary(k, next, cur ? cur->version : 0); }) ==
              Errc::ok) {
            return;
          }
        }
        failures.fetch_add(1);
      } catch (...) {
        failures.fetch_add(1);
      }
    });
  }
  for (auto &th : threads) th.join();
  REQUIRE(failures.load() == 0);
  const auto s = env.store.summary(k);
  REQUIRE(s);
  CHECK(s->data == "{\"n\":20}");
  CHECK(s->version == 20);
  CHECK(s->mtime > 0);
  CHECK(code_of([&] { env.store.put_summary(k, "{}", 19); }) == Errc::conflict);
  CHECK(code_of([&] { env.store.put_summary(k, "{", 20); }) == Errc::invalid_argument);
  CHECK(code_of([&] { env.store.put_summary(env.key("s", "sub"), "{}", 0); }) ==
        Errc::invalid_argument);
  env.store.append(k, {entry("a")});
  const TranscriptPage page = env.store.list_summaries(env.scope, std::nullopt);
  REQUIRE(page.sessions.size() == 1);
  REQUIRE(page.sessions[0].summary);
  CHECK(page.sessions[0].summary->data == "{\"n\":20}");
  CHECK(page.sessions[0].summary->version == 20);
  CHECK(env.store.stats().summary_conflicts >= 1);
}

TEST_CASE("transcripts: a TTL ends a session and the index stops listing it") {
  TranscriptStoreOptions o;
  o.ttl = 150ms;
  Env env(o);
  env.store.append(env.key("short"), entries("a", 0, 2));
  env.store.put_summary(env.key("short"), "{}", 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // bounded: at most 10 s
    std::this_thread::sleep_for(100ms);
    gone = !env.store.load(env.key("short")).has_value();
  }
  REQUIRE(gone);
  const TranscriptPage page = env.store.list_summaries(env.scope, std::nullopt);
  CHECK(page.sessions.empty());
  CHECK(page.total == 0);
  CHECK(env.store.stats().index_repairs == 1);
  CHECK_FALSE(env.store.summary(env.key("short")).has_value());  // pruned with its entry
}

TEST_CASE("transcripts: purge removes the sessions older than the age given") {
  Env env;
  env.store.append(env.key("a"), entries("a", 0, 1));
  env.store.append(env.key("b", "sub"), entries("b", 0, 1));
  CHECK(env.store.purge(env.scope, 1h) == 0);
  CHECK(env.store.list(env.scope, std::nullopt).total == 2);
  CHECK(env.store.purge(env.scope, 0ms) == 2);
  CHECK(env.store.list(env.scope, std::nullopt).total == 0);
  CHECK_FALSE(env.store.load(env.key("b", "sub")).has_value());
  CHECK(code_of([&] { env.store.purge(env.scope, -1ms); }) == Errc::invalid_argument);
}

TEST_CASE("transcripts: statistics count calls, appended entries and failures") {
  Env env;
  env.store.append(env.key("s"), entries("a", 0, 3));
  env.store.load(env.key("s"));
  code_of([&] { env.store.append(env.key("s"), {"nope"}); });
  env.store.list(env.scope, std::nullopt);
  const TranscriptStoreStats s = env.store.stats();
  CHECK(s.append.calls == 2);
  CHECK(s.append.errors == 1);
  CHECK(s.append.latency.count == 2);
  CHECK(s.entries_appended == 3);
  CHECK(s.load.calls == 1);
  CHECK(s.list.calls == 1);
}

TEST_CASE("transcripts: the Prometheus exposition carries the store's families") {
  Env env;
  env.store.append(env.key("s"), entries("a", 0, 3));
  env.store.append(env.key("s"), entries("a", 0, 4));
  MetricsSources sources;
  sources.transcripts = &env.store;
  const std::string text = prometheus_text(sources);
  CHECK(text.find("agenthost_transcript_operations_total{operation=\"append\"} 2") !=
        std::string::npos);
  CHECK(text.find("agenthost_transcript_entries_appended_total 4") != std::string::npos);
  CHECK(text.find("agenthost_transcript_duplicates_skipped_total 3") != std::string::npos);
  CHECK(text.find("# TYPE agenthost_transcript_operation_duration_seconds histogram") !=
        std::string::npos);
}
