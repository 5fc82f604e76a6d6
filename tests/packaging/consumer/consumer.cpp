// A host program that uses agenthost through its public C++ API only, as a consumer of an
// installed copy (or of add_subdirectory) would. argv[1], when given, is the version it expects.
#include <agenthost/cache_client.hpp>
#include <agenthost/error.hpp>
#include <agenthost/hook_policy.hpp>
#include <agenthost/metrics.hpp>
#include <agenthost/session_store.hpp>
#include <agenthost/version.hpp>
#include <cstdio>
#include <cstring>

namespace {

int fail(const char *what) {
  std::fprintf(stderr, "consumer_cpp: FAILED: %s\n", what);
  return 1;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::strcmp(agenthost::version(), argv[1]) != 0) return fail("version");
  if (std::strcmp(agenthost::version(), AGENTHOST_VERSION_STRING) != 0) {
    return fail("version() differs from the header's AGENTHOST_VERSION_STRING");
  }

  agenthost::CacheOptions options;
  options.url = "memory://";
  agenthost::CacheClient cache(options);
  cache.set("greeting", "hello");
  if (cache.get("greeting").value_or("") != "hello") return fail("cache get after set");

  agenthost::SessionStore store(cache);
  agenthost::CreateRequest request;
  request.model = "claude-sonnet";
  request.owner_api_key = "key-of-alice";
  const agenthost::Session created = store.create(request);

  agenthost::ListQuery query;
  query.owner_api_key = "key-of-alice";
  const agenthost::SessionPage page = store.list(query);
  if (page.total != 1 || page.sessions.size() != 1 || page.sessions[0].id != created.id) {
    return fail("list of the owner's sessions");
  }
  query.owner_api_key = "key-of-bob";
  if (store.list(query).total != 0) return fail("another owner sees no sessions");

  // Errors reach the host as agenthost::Error carrying an Errc.
  request.id = created.id;
  try {
    store.create(request);
    return fail("create with an id in use did not throw");
  } catch (const agenthost::Error &e) {
    if (e.code() != agenthost::Errc::conflict) return fail("create with an id in use: code");
  }

  const auto policy = agenthost::HookPolicy::create("{}");
  const agenthost::Verdict verdict =
      policy->evaluate(R"({"hook_event_name":"PreToolUse","session_id":"s","tool_name":"Read"})");
  if (verdict.decision != agenthost::Decision::allow) return fail("no hook configured: allow");

  agenthost::MetricsSources sources;
  sources.sessions = &store;
  const std::string metrics = agenthost::prometheus_text(sources);
  if (metrics.find("agenthost_session_operations_total{operation=\"create\"} 2\n") ==
      std::string::npos) {
    return fail("prometheus_text counts the two creates (one refused)");
  }

  std::printf("consumer_cpp: ok (agenthost %s, session %s)\n", agenthost::version(),
              created.id.c_str());
  return 0;
}
