#include "transcripts/memory_transcripts.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_set>

namespace agenthost::detail {

namespace {

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Transcript {
  std::vector<std::string> entries;
  std::vector<std::string> ids;  // parallel to entries; empty = none
  std::unordered_set<std::string> id_set;
  std::int64_t expires = 0;  // ms; 0 = never
};

struct Session {
  std::map<std::string, Transcript> transcripts;  // "" = main
  std::int64_t mtime = 0;
};

struct Scope {
  std::map<std::string, Session, std::less<>> sessions;
  std::map<std::string, TranscriptSummary, std::less<>> summaries;
};

class MemoryTranscripts final : public TranscriptBackend {
 public:
  explicit MemoryTranscripts(std::chrono::milliseconds ttl) : ttl_(ttl.count()) {}

  AppendResult append(const TranscriptRef &t, const std::vector<std::string> &entries,
                      const std::vector<std::string> &ids) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = system_ms();
    Scope &scope = scopes_[std::string(t.scope)];
    Session &session = scope.sessions[std::string(t.session_id)];
    expire(session, now);
    Transcript &tr = session.transcripts[std::string(t.subpath)];
    std::unordered_set<std::string> seen;
    AppendResult r;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!ids[i].empty()) {
        if (!seen.insert(ids[i]).second || tr.id_set.count(ids[i]) != 0) continue;
        tr.id_set.insert(ids[i]);
      }
      tr.entries.push_back(entries[i]);
      tr.ids.push_back(ids[i]);
      ++r.appended;
    }
    if (r.appended > 0 || session.mtime == 0) session.mtime = std::max(session.mtime, now);
    if (ttl_ > 0) tr.expires = now + ttl_;
    r.mtime = session.mtime;
    return r;
  }

  std::optional<std::vector<std::string>> load(const TranscriptRef &t) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const Transcript *tr = find(t);
    if (tr == nullptr) return std::nullopt;
    return tr->entries;
  }

  std::vector<std::string> range(const TranscriptRef &t, std::int64_t start,
                                 std::int64_t stop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const Transcript *tr = find(t);
    if (tr == nullptr) return {};
    const auto n = static_cast<std::int64_t>(tr->entries.size());
    if (start < 0) start = std::max<std::int64_t>(n + start, 0);
    if (stop < 0) stop = n + stop;
    stop = std::min(stop, n - 1);
    if (start > stop) return {};
    return {tr->entries.begin() + start, tr->entries.begin() + stop + 1};
  }

  std::optional<std::string> pop(const TranscriptRef &t) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transcript *tr = find(t);
    if (tr == nullptr || tr->entries.empty()) return std::nullopt;
    std::string entry = std::move(tr->entries.back());
    tr->entries.pop_back();
    if (!tr->ids.back().empty()) tr->id_set.erase(tr->ids.back());
    tr->ids.pop_back();
    return entry;
  }

  void clear(const TranscriptRef &t) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transcript *tr = find(t);
    if (tr == nullptr) return;
    tr->entries.clear();
    tr->ids.clear();
    tr->id_set.clear();
  }

  std::optional<bool> remove(std::string_view scope_name, std::string_view session_id,
                             std::optional<std::int64_t> cutoff) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return false;
    Scope &scope = s->second;
    auto it = scope.sessions.find(session_id);
    if (it != scope.sessions.end() && cutoff && it->second.mtime > *cutoff) return std::nullopt;
    const bool summary = scope.summaries.erase(std::string(session_id)) > 0;
    if (it == scope.sessions.end()) return summary;
    expire(it->second, system_ms());
    const bool existed = !it->second.transcripts.empty();
    scope.sessions.erase(it);
    return existed || summary;
  }

  BackendPage list(std::string_view scope_name, std::uint64_t offset, std::uint32_t limit,
                   bool summaries) override {
    std::lock_guard<std::mutex> lock(mutex_);
    BackendPage page;
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return page;
    Scope &scope = s->second;
    const std::int64_t now = system_ms();
    std::vector<std::pair<std::int64_t, const std::string *>> order;
    for (auto it = scope.sessions.begin(); it != scope.sessions.end();) {
      expire(it->second, now);
      if (it->second.transcripts.empty()) {
        scope.summaries.erase(it->first);
        it = scope.sessions.erase(it);
        ++page.repairs;
        continue;
      }
      order.emplace_back(it->second.mtime, &it->first);
      ++it;
    }
    // Newest first; ties by id descending, as Redis' ZREVRANGE orders equal scores.
    std::sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
      return a.first != b.first ? a.first > b.first : *a.second > *b.second;
    });
    page.total = order.size();
    for (std::size_t i = offset; i < order.size() && page.sessions.size() < limit; ++i) {
      TranscriptSessionInfo info;
      info.session_id = *order[i].second;
      info.mtime = order[i].first;
      if (summaries) {
        auto sum = scope.summaries.find(info.session_id);
        if (sum != scope.summaries.end()) info.summary = sum->second;
      }
      page.sessions.push_back(std::move(info));
    }
    return page;
  }

  std::vector<std::string> subkeys(std::string_view scope_name,
                                   std::string_view session_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    Session *session = find_session(scope_name, session_id);
    if (session == nullptr) return out;
    for (const auto &[sub, tr] : session->transcripts) {
      if (!sub.empty()) out.push_back(sub);
    }
    return out;
  }

  std::optional<TranscriptSummary> summary(std::string_view scope_name,
                                           std::string_view session_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return std::nullopt;
    auto it = s->second.summaries.find(session_id);
    if (it == s->second.summaries.end()) return std::nullopt;
    return it->second;
  }

  std::optional<TranscriptSummary> put_summary(std::string_view scope_name,
                                               std::string_view session_id, std::string_view data,
                                               std::uint64_t expected) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto &summaries = scopes_[std::string(scope_name)].summaries;
    auto it = summaries.find(session_id);
    const std::uint64_t current = it == summaries.end() ? 0 : it->second.version;
    if (current != expected) return std::nullopt;
    TranscriptSummary next;
    next.data = std::string(data);
    next.version = current + 1;
    next.mtime = std::max(system_ms(), it == summaries.end() ? 0 : it->second.mtime);
    summaries[std::string(session_id)] = next;
    return next;
  }

  std::int64_t now_ms() override { return system_ms(); }

  std::vector<std::string> stale(std::string_view scope_name, std::int64_t cutoff,
                                 std::uint64_t skip, std::uint32_t limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return out;
    for (const auto &[id, session] : s->second.sessions) {
      if (session.mtime > cutoff) continue;
      if (skip > 0) {
        --skip;
        continue;
      }
      if (out.size() >= limit) break;
      out.push_back(id);
    }
    return out;
  }

 private:
  // Drops the session's transcripts whose TTL has passed.
  void expire(Session &session, std::int64_t now) const {
    if (ttl_ <= 0) return;
    for (auto it = session.transcripts.begin(); it != session.transcripts.end();) {
      it = it->second.expires != 0 && it->second.expires <= now ? session.transcripts.erase(it)
                                                                : std::next(it);
    }
  }

  Session *find_session(std::string_view scope_name, std::string_view session_id) {
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return nullptr;
    auto it = s->second.sessions.find(session_id);
    if (it == s->second.sessions.end()) return nullptr;
    expire(it->second, system_ms());
    return &it->second;
  }

  Transcript *find(const TranscriptRef &t) {
    Session *session = find_session(t.scope, t.session_id);
    if (session == nullptr) return nullptr;
    auto it = session->transcripts.find(std::string(t.subpath));
    return it == session->transcripts.end() ? nullptr : &it->second;
  }

  const std::int64_t ttl_;
  std::mutex mutex_;
  std::map<std::string, Scope, std::less<>> scopes_;
};

}  // namespace

std::unique_ptr<TranscriptBackend> make_memory_transcripts(std::chrono::milliseconds ttl) {
  return std::make_unique<MemoryTranscripts>(ttl);
}

}  // namespace agenthost::detail
