#include "transcripts/redis_transcripts.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <charconv>
#include <cmath>

#include "transcripts/transcript_keys.hpp"
#include "transcripts/transcript_scripts.hpp"

namespace agenthost::detail {

namespace {

[[noreturn]] void unexpected(const char *what) {
  throw Error(Errc::protocol, fmt::format("transcript {}: unexpected reply from Redis", what));
}

void check(const Reply &r, const char *what) {
  if (r.is_error()) throw Error(Errc::protocol, fmt::format("transcript {}: {}", what, r.str));
}

std::int64_t integer_of(std::string_view text, const char *what) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw Error(Errc::corrupt,
                fmt::format("transcript {}: a stored number is not an integer", what));
  }
  return v;
}

// A ZSET score as Redis prints it ("1733616000123" or "1.733616000123e+12").
std::int64_t score_of(const std::string &text) {
  const double d = std::strtod(text.c_str(), nullptr);
  return std::isfinite(d) ? static_cast<std::int64_t>(std::llround(d)) : 0;
}

// Stored as "<version> <mtime> <data>".
TranscriptSummary summary_of(std::string_view stored) {
  const auto a = stored.find(' ');
  const auto b = a == std::string_view::npos ? a : stored.find(' ', a + 1);
  if (b == std::string_view::npos) {
    throw Error(Errc::corrupt, "transcript summary: the stored value is not version, mtime, data");
  }
  TranscriptSummary s;
  s.version = static_cast<std::uint64_t>(integer_of(stored.substr(0, a), "summary"));
  s.mtime = integer_of(stored.substr(a + 1, b - a - 1), "summary");
  s.data = std::string(stored.substr(b + 1));
  return s;
}

class RedisTranscripts final : public TranscriptBackend {
 public:
  RedisTranscripts(CacheClient &cache, const TranscriptStoreOptions &options)
      : cache_(cache),
        prefix_(options.key_prefix),
        ttl_ms_(std::to_string(options.ttl.count())),
        cluster_(cache.is_cluster()) {}

  AppendResult append(const TranscriptRef &t, const std::vector<std::string> &entries,
                      const std::vector<std::string> &ids) override {
    const TranscriptKeyNames k = names(t);
    std::vector<std::string> keys{k.entries, k.ids, k.id_set, k.written, k.mtime, k.subpaths};
    if (!cluster_) keys.push_back(k.index);
    std::vector<std::string> args;
    args.reserve(4 + 2 * entries.size());
    args.push_back(ttl_ms_);
    args.emplace_back(t.subpath);
    args.emplace_back(t.session_id);
    args.push_back(std::to_string(entries.size()));
    for (std::size_t i = 0; i < entries.size(); ++i) {
      args.push_back(ids[i]);
      args.push_back(entries[i]);
    }
    const Reply r = run_script(cache_, append_script(), keys, std::move(args));
    if (r.elements.size() != 2) unexpected("append");
    AppendResult out;
    out.appended = static_cast<std::uint64_t>(r.elements[0].integer);
    out.mtime = r.elements[1].integer;
    if (cluster_) {
      // The index is on the scope's slot. A failure here leaves the entries written and the
      // session unlisted until its next append (a retry of this one, with every entry a
      // duplicate, indexes it).
      Batch b;
      b.add({"ZADD", k.index, "GT", std::to_string(out.mtime), std::string(t.session_id)});
      check(cache_.execute(b).at(0), "append (index)");
    }
    return out;
  }

  std::optional<std::vector<std::string>> load(const TranscriptRef &t) override {
    const TranscriptKeyNames k = names(t);
    Batch b;
    b.add({"EXISTS", k.written}).add({"LRANGE", k.entries, "0", "-1"});
    std::vector<Reply> r = cache_.execute(b);
    check(r.at(0), "load");
    check(r.at(1), "load");
    if (r[0].integer == 0 && r[1].elements.empty()) return std::nullopt;
    return strings_of(std::move(r[1]));
  }

  std::vector<std::string> range(const TranscriptRef &t, std::int64_t start,
                                 std::int64_t stop) override {
    Batch b;
    b.add({"LRANGE", names(t).entries, std::to_string(start), std::to_string(stop)});
    Reply r = std::move(cache_.execute(b).at(0));
    check(r, "load_range");
    return strings_of(std::move(r));
  }

  std::optional<std::string> pop(const TranscriptRef &t) override {
    const TranscriptKeyNames k = names(t);
    Reply r = run_script(cache_, pop_script(), {k.entries, k.ids, k.id_set}, {});
    if (r.is_nil()) return std::nullopt;
    return std::move(r.str);
  }

  void clear(const TranscriptRef &t) override {
    const TranscriptKeyNames k = names(t);
    Batch b;
    b.transaction = true;  // one slot: the three keys go together
    b.add({"DEL", k.entries, k.ids, k.id_set});
    check(cache_.execute(b).at(0), "clear");
  }

  std::optional<bool> remove(std::string_view scope, std::string_view session_id,
                             std::optional<std::int64_t> cutoff) override {
    const TranscriptKeyNames k = transcript_key_names(prefix_, scope, session_id, "");
    const Reply r = run_script(cache_, remove_script(), {k.mtime, k.subpaths},
                               {k.base, cutoff ? std::to_string(*cutoff) : std::string()});
    if (r.type == Reply::Type::integer) return std::nullopt;  // newer than the cutoff
    if (r.elements.size() != 2) unexpected("remove");
    const std::int64_t mtime = integer_of(r.elements[1].str, "remove");
    // The session's keys go first: a failure here leaves an index entry that readers prune.
    // An index score above the deleted mtime is a session appended to again since.
    const Reply d =
        run_script(cache_, drop_script(), {k.index, k.summaries},
                   {std::string(session_id), mtime > 0 ? std::to_string(mtime) : std::string()});
    return r.elements[0].integer > 0 || d.integer > 0;
  }

  BackendPage list(std::string_view scope, std::uint64_t offset, std::uint32_t limit,
                   bool summaries) override {
    const ScopeKeyNames s = scope_key_names(prefix_, scope);
    const Reply r = run_script(cache_, list_script(), {s.index, s.summaries},
                               {std::to_string(offset), std::to_string(limit),
                                summaries ? "1" : "0", cluster_ ? "0" : "1", prefix_, s.digest});
    if (r.elements.size() < 2 || (r.elements.size() - 2) % 3 != 0) unexpected("list");
    BackendPage page;
    page.total = static_cast<std::uint64_t>(r.elements[0].integer);
    page.repairs = static_cast<std::uint64_t>(r.elements[1].integer);
    for (std::size_t i = 2; i < r.elements.size(); i += 3) {
      TranscriptSessionInfo info;
      info.session_id = r.elements[i].str;
      info.mtime = score_of(r.elements[i + 1].str);
      if (!r.elements[i + 2].is_nil()) info.summary = summary_of(r.elements[i + 2].str);
      page.sessions.push_back(std::move(info));
    }
    if (cluster_) check_sessions(s, page);
    return page;
  }

  std::vector<std::string> subkeys(std::string_view scope, std::string_view session_id) override {
    return cache_.smembers(transcript_key_names(prefix_, scope, session_id, "").subpaths);
  }

  std::optional<TranscriptSummary> summary(std::string_view scope,
                                           std::string_view session_id) override {
    Batch b;
    b.add({"HGET", scope_key_names(prefix_, scope).summaries, std::string(session_id)});
    const Reply r = cache_.execute(b).at(0);
    check(r, "summary");
    if (r.is_nil()) return std::nullopt;
    return summary_of(r.str);
  }

  std::optional<TranscriptSummary> put_summary(std::string_view scope, std::string_view session_id,
                                               std::string_view data,
                                               std::uint64_t expected) override {
    const Reply r =
        run_script(cache_, put_summary_script(), {scope_key_names(prefix_, scope).summaries},
                   {std::string(session_id), std::to_string(expected), std::string(data)});
    if (r.elements.size() != 2) unexpected("put_summary");
    if (r.elements[0].integer < 0) return std::nullopt;
    TranscriptSummary s;
    s.version = static_cast<std::uint64_t>(r.elements[0].integer);
    s.mtime = r.elements[1].integer;
    s.data = std::string(data);
    return s;
  }

  std::int64_t now_ms() override {
    Batch b;
    b.add({"TIME"});
    const Reply r = cache_.execute(b).at(0);
    check(r, "purge (TIME)");
    if (r.elements.size() != 2) unexpected("purge (TIME)");
    return integer_of(r.elements[0].str, "TIME") * 1000 +
           integer_of(r.elements[1].str, "TIME") / 1000;
  }

  std::vector<std::string> stale(std::string_view scope, std::int64_t cutoff, std::uint64_t skip,
                                 std::uint32_t limit) override {
    ZRangeQuery q;
    q.by = ZRangeQuery::By::score;
    q.max = static_cast<double>(cutoff);
    q.offset = static_cast<std::int64_t>(skip);
    q.count = limit;
    std::vector<std::string> out;
    for (ScoredMember &m : cache_.zrange(scope_key_names(prefix_, scope).index, q)) {
      out.push_back(std::move(m.member));
    }
    return out;
  }

 private:
  TranscriptKeyNames names(const TranscriptRef &t) const {
    return transcript_key_names(prefix_, t.scope, t.session_id, t.subpath);
  }

  static std::vector<std::string> strings_of(Reply r) {
    std::vector<std::string> out;
    out.reserve(r.elements.size());
    for (Reply &e : r.elements) out.push_back(std::move(e.str));
    return out;
  }

  // Cluster listings: one pipelined read of the page's sessions' mtimes (each on its own
  // slot); the index entries of sessions that are gone are dropped, their mtime taken otherwise.
  void check_sessions(const ScopeKeyNames &s, BackendPage &page) {
    if (page.sessions.empty()) return;
    Batch b;
    for (const auto &info : page.sessions) {
      b.add(
          {"GET", fmt::format("{}{{{}}}:mtime", prefix_, session_tag(s.digest, info.session_id))});
    }
    const std::vector<Reply> r = cache_.execute(b);
    std::vector<std::string> gone;
    std::vector<TranscriptSessionInfo> kept;
    for (std::size_t i = 0; i < page.sessions.size(); ++i) {
      check(r.at(i), "list");
      if (r[i].is_nil()) {
        gone.push_back(page.sessions[i].session_id);
        gone.push_back(std::to_string(page.sessions[i].mtime));
        continue;
      }
      page.sessions[i].mtime = integer_of(r[i].str, "list");
      kept.push_back(std::move(page.sessions[i]));
    }
    page.sessions = std::move(kept);
    if (gone.empty()) return;
    const Reply d = run_script(cache_, drop_script(), {s.index, s.summaries}, std::move(gone));
    page.repairs += static_cast<std::uint64_t>(d.integer);
    page.total -= std::min<std::uint64_t>(page.total, static_cast<std::uint64_t>(d.integer));
  }

  CacheClient &cache_;
  const std::string prefix_;
  const std::string ttl_ms_;
  const bool cluster_;
};

}  // namespace

std::unique_ptr<TranscriptBackend> make_redis_transcripts(CacheClient &cache,
                                                          const TranscriptStoreOptions &options) {
  return std::make_unique<RedisTranscripts>(cache, options);
}

}  // namespace agenthost::detail
