// agenthost C++ example: a cache, sessions of two owners listed page by page, and PreToolUse hooks
// evaluated by a policy webhook that fails closed. The same steps as examples/c/main.c.
//
//   ./agenthost-example-cpp [cache] [sessions] [policy] [fail-closed]   (no argument: all four)
//
// Environment: REDIS_URL (else memory://), AGENTHOST_EXAMPLE_PREFIX, AGENTHOST_POLICY_URL,
// AGENTHOST_POLICY_SECRET, AGENTHOST_POLICY_DOWN_URL (default http://127.0.0.1:9/hook).
// Exit status 0 when every step worked and every verdict was the expected one.
#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>
#include <agenthost/session_store.hpp>
#include <agenthost/version.hpp>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

std::string env_or(const char *name, const std::string &fallback) {
  const char *v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

// The example pastes these values into JSON; it refuses what would need escaping (a real host
// would use its JSON library).
std::string json_safe(const char *name, const std::string &value) {
  for (char c : value) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      throw std::runtime_error(std::string(name) +
                               " must not contain quotes, backslashes or control characters");
    }
  }
  return value;
}

agenthost::CacheClient open_client() {
  const bool use_env = !env_or("REDIS_URL", "").empty();
  agenthost::CacheOptions options;
  if (use_env) {
    options = agenthost::CacheOptions::from_env();
  } else {
    options.url = "memory://";
  }
  agenthost::CacheClient client(options);
  std::cout << "agenthost " << agenthost::version()
            << ", cache backend: " << (use_env ? "Redis (REDIS_URL)" : "memory://") << "\n";
  return client;
}

void cache_demo(agenthost::CacheClient &cache, const std::string &prefix) {
  const std::string key = prefix + "example:greeting";
  cache.ping();
  cache.set(key, "hello from agenthost", std::chrono::seconds(60));
  const std::string value = cache.get(key).value_or("");  // get() is nullopt when absent
  std::cout << "cache: " << key << " = \"" << value << "\" (" << value.size()
            << " bytes, expires in 60 s)\n";
  std::cout << "cache: deleted " << key << " (" << cache.del(key) << " key removed)\n";
}

std::vector<std::string> create_sessions(agenthost::SessionStore &store, const std::string &key,
                                         int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    agenthost::CreateRequest request;
    request.model = "claude-sonnet-4";
    request.owner_api_key = key;  // stored only as its SHA-256
    request.metadata_json = "{\"task\":" + std::to_string(i + 1) + "}";
    ids.push_back(store.create(request).id);
  }
  std::cout << "sessions: created " << n << " for the owner of key " << key << "\n";
  return ids;
}

// Lists one owner's sessions 3 per page, passing each page's next_cursor to the next call.
void list_pages(agenthost::SessionStore &store, const std::string &key) {
  agenthost::ListQuery query;
  query.owner_api_key = key;
  query.page_size = 3;
  for (int page_no = 1;; ++page_no) {
    const agenthost::SessionPage page = store.list(query);
    std::cout << "sessions: page " << page_no << " for key " << key << ": " << page.sessions.size()
              << " of " << page.total << ", newest first\n";
    for (const agenthost::Session &s : page.sessions) {
      std::cout << "  " << s.id << "  " << agenthost::session_status_name(s.status) << "\n";
    }
    if (!page.next_cursor) return;
    query.cursor = page.next_cursor;
  }
}

// Another owner's session reads exactly like an absent one; its owner can update it.
bool owner_demo(agenthost::SessionStore &store, const std::string &id) {
  const bool visible = store.get(id, std::string("sk-example-bob")).has_value();
  std::cout << "sessions: bob reads alice's session " << id << " -> "
            << (visible ? "found" : "not_found") << "\n";
  agenthost::SessionPatch patch;
  patch.status = agenthost::SessionStatus::completed;
  patch.increment_turns = true;
  const agenthost::Session updated = store.update(id, patch, std::string("sk-example-alice"));
  std::cout << "sessions: alice updates it -> status "
            << agenthost::session_status_name(updated.status) << ", one more turn\n";
  return !visible;
}

bool session_demo(agenthost::CacheClient &cache, const std::string &prefix) {
  agenthost::SessionStoreOptions options;
  options.key_prefix = prefix + "session:";
  options.index_prefix = prefix + "sessions:";
  options.ttl = std::chrono::seconds(600);
  agenthost::SessionStore store(cache, options);  // borrows the cache client
  std::vector<std::string> ids = create_sessions(store, "sk-example-alice", 7);
  for (const auto &id : create_sessions(store, "sk-example-bob", 2)) ids.push_back(id);
  list_pages(store, "sk-example-alice");
  const bool ok = owner_demo(store, ids[6]);
  for (const auto &id : ids) store.remove(id);
  std::cout << "sessions: deleted the " << ids.size() << " sessions\n";
  return ok;
}

agenthost::HookPolicy open_policy(const std::string &url, const std::string &secret) {
  std::string hook = "{\"url\":\"" + json_safe("the policy URL", url) + "\",\"timeout_ms\":2000";
  if (!secret.empty()) hook += ",\"secret\":\"" + json_safe("the secret", secret) + "\"";
  agenthost::HookPolicyOptions options;
  // The SSRF guard refuses loopback and private addresses by default. This example's policy
  // server runs on 127.0.0.1, so it opts in; leave it off for webhooks on the internet.
  options.allow_private_networks = true;
  return agenthost::HookPolicy("{\"PreToolUse\":" + hook + "}}", options);
}

// Evaluates PreToolUse for one tool call and prints the verdict; true when it is `expected` and
// comes from the policy itself (fail_closed false) or from a failure (fail_closed true).
bool evaluate(const agenthost::HookPolicy &policy, const std::string &tool, const std::string &arg,
              agenthost::Decision expected, bool fail_closed) {
  const std::string field = tool == "Bash" ? "command" : "file_path";
  const agenthost::Verdict v = policy.evaluate(
      "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"example\",\"tool_name\":\"" + tool +
      "\",\"tool_input\":{\"" + field + "\":\"" + arg + "\"}}");
  std::cout << "hooks: PreToolUse " << tool << " \"" << arg << "\" -> "
            << agenthost::decision_name(v.decision) << " (" << (v.failed ? "fail-closed" : "policy")
            << ": " << v.reason << ")\n";
  return v.decision == expected && v.failed == fail_closed;
}

bool policy_demo() {
  const std::string url = env_or("AGENTHOST_POLICY_URL", "");
  const std::string secret = env_or("AGENTHOST_POLICY_SECRET", "");
  if (url.empty()) {
    std::cout << "hooks: AGENTHOST_POLICY_URL is not set: skipping the policy server "
                 "(scripts/run-example.sh starts one)\n";
    return true;
  }
  std::cout << "hooks: asking the policy server at " << url << " ("
            << (secret.empty() ? "unsigned" : "signed") << " requests)\n";
  const agenthost::HookPolicy policy = open_policy(url, secret);
  bool ok = evaluate(policy, "Bash", "rm -rf /", agenthost::Decision::deny, false);
  ok = evaluate(policy, "Read", "README.md", agenthost::Decision::allow, false) && ok;
  return ok;
}

bool fail_closed_demo() {
  const std::string url = env_or("AGENTHOST_POLICY_DOWN_URL", "http://127.0.0.1:9/hook");
  std::cout << "hooks: asking a policy server that is down (" << url
            << "): PreToolUse fails closed\n";
  return evaluate(open_policy(url, ""), "Bash", "ls", agenthost::Decision::deny, true);
}

bool run(const std::set<std::string> &sections) {
  const auto wants = [&](const char *s) { return sections.empty() || sections.count(s) > 0; };
  const std::string prefix =
      json_safe("AGENTHOST_EXAMPLE_PREFIX", env_or("AGENTHOST_EXAMPLE_PREFIX", ""));
  bool ok = true;
  if (wants("cache") || wants("sessions")) {
    agenthost::CacheClient cache = open_client();
    if (wants("cache")) cache_demo(cache, prefix);
    if (wants("sessions")) ok = session_demo(cache, prefix);
  }
  if (ok && wants("policy")) ok = policy_demo();
  if (ok && wants("fail-closed")) ok = fail_closed_demo();
  return ok;
}

}  // namespace

int main(int argc, char **argv) {
  const std::set<std::string> known = {"cache", "sessions", "policy", "fail-closed"};
  std::set<std::string> sections;
  for (int i = 1; i < argc; ++i) {
    if (known.count(argv[i]) == 0) {
      std::cerr << "usage: " << argv[0] << " [cache] [sessions] [policy] [fail-closed]\n";
      return 2;
    }
    sections.insert(argv[i]);
  }
  try {
    if (run(sections)) return 0;
    std::cerr << "the example did not complete as expected\n";
  } catch (const agenthost::Error &e) {
    // Every agenthost failure is an Error with a code (Errc) and a message naming what failed.
    std::cerr << "agenthost error (" << agenthost::errc_name(e.code()) << "): " << e.what() << "\n";
  } catch (const std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return 1;
}
