/* agenthost C example: a cache, sessions of two owners listed page by page, and PreToolUse hooks
 * evaluated by a policy webhook that fails closed.
 *
 *   ./agenthost-example-c [cache] [sessions] [policy] [fail-closed]   (no argument: all four)
 *
 * Environment:
 *   REDIS_URL                  use Redis instead of memory:// (and the other REDIS_* settings)
 *   AGENTHOST_EXAMPLE_PREFIX   put every key under this prefix (tests share one Redis)
 *   AGENTHOST_POLICY_URL       the policy webhook, e.g. examples/policy_server/policy_server.py
 *   AGENTHOST_POLICY_SECRET    its Standard Webhooks secret (whsec_...): requests are signed
 *   AGENTHOST_POLICY_DOWN_URL  a webhook with no server behind it (default http://127.0.0.1:9/hook)
 *
 * Exit status 0 when every step worked and every verdict was the expected one.
 */
#include <agenthost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SESSIONS 16

static int check(agenthost_status st, const char *what) {
  if (st == AGENTHOST_OK) return 1;
  fprintf(stderr, "%s failed: %s: %s\n", what, agenthost_status_name(st), agenthost_last_error());
  return 0;
}

static const char *env_or(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' ? v : fallback;
}

/* The example pastes these values into JSON; it refuses the characters that would need escaping
 * rather than escape them (a real host would use its JSON library). */
static int json_safe(const char *name, const char *value) {
  const char *p;
  for (p = value; *p != '\0'; ++p) {
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) {
      fprintf(stderr, "%s must not contain quotes, backslashes or control characters\n", name);
      return 0;
    }
  }
  return 1;
}

/* Copies the string value of "field" in a flat JSON object (enough for session ids and times). */
static int json_string_field(const char *json, const char *field, char *out, size_t size) {
  char pattern[64];
  const char *start;
  size_t n;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", field);
  start = strstr(json, pattern);
  if (start == NULL) return 0;
  start += strlen(pattern);
  n = strcspn(start, "\"");
  if (n >= size) return 0;
  memcpy(out, start, n);
  out[n] = '\0';
  return 1;
}

/* ---- cache ------------------------------------------------------------------------------- */

static agenthost_cache_client *open_client(void) {
  agenthost_cache_client *client = NULL;
  int use_env = getenv("REDIS_URL") != NULL && *getenv("REDIS_URL") != '\0';
  agenthost_status st = use_env ? agenthost_cache_client_open_env(&client)
                                : agenthost_cache_client_open("memory://", NULL, &client);
  if (!check(st, "open cache client")) return NULL;
  printf("agenthost %s, cache backend: %s\n", agenthost_version(),
         use_env ? "Redis (REDIS_URL)" : "memory://");
  return client;
}

static int cache_demo(agenthost_cache_client *client, const char *prefix) {
  char key[256];
  char *value = NULL;
  size_t len = 0;
  int removed = 0;
  const char *greeting = "hello from agenthost";
  snprintf(key, sizeof key, "%sexample:greeting", prefix);
  if (!check(agenthost_cache_client_ping(client), "ping")) return 0;
  if (!check(agenthost_cache_client_set(client, key, greeting, strlen(greeting), 60), "set"))
    return 0;
  if (!check(agenthost_cache_client_get(client, key, &value, &len), "get")) return 0;
  printf("cache: %s = \"%s\" (%zu bytes, expires in 60 s)\n", key, value, len);
  agenthost_free(value); /* every char ** out-parameter is freed with agenthost_free */
  if (!check(agenthost_cache_client_del(client, key, &removed), "del")) return 0;
  printf("cache: deleted %s (%d key removed)\n", key, removed);
  return 1;
}

/* ---- sessions ---------------------------------------------------------------------------- */

struct created {
  char ids[MAX_SESSIONS][64];
  int count;
};

static int create_sessions(agenthost_session_store *store, const char *owner_key, int n,
                           struct created *created) {
  char request[256];
  int i;
  for (i = 0; i < n && created->count < MAX_SESSIONS; ++i) {
    char *session = NULL;
    snprintf(request, sizeof request,
             "{\"model\":\"claude-sonnet-4\",\"owner_api_key\":\"%s\",\"metadata\":{\"task\":%d}}",
             owner_key, i + 1);
    if (!check(agenthost_session_store_create(store, request, &session), "create session"))
      return 0;
    json_string_field(session, "id", created->ids[created->count++], sizeof created->ids[0]);
    agenthost_free(session);
  }
  printf("sessions: created %d for the owner of key %s\n", n, owner_key);
  return 1;
}

static void print_page(agenthost_session_page *page, int page_no, const char *owner_key) {
  size_t i;
  printf("sessions: page %d for key %s: %zu of %llu, newest first\n", page_no, owner_key,
         agenthost_session_page_count(page),
         (unsigned long long)agenthost_session_page_total(page));
  for (i = 0; i < agenthost_session_page_count(page); ++i) {
    const char *item = agenthost_session_page_item(page, i, NULL); /* owned by the page */
    char id[64] = "?", status[32] = "?";
    json_string_field(item, "id", id, sizeof id);
    json_string_field(item, "status", status, sizeof status);
    printf("  %s  %s\n", id, status);
  }
}

/* Lists one owner's sessions 3 per page, passing each page's next_cursor to the next call. */
static int list_pages(agenthost_session_store *store, const char *owner_key) {
  char query[512];
  char cursor[256] = "";
  int page_no = 0;
  do {
    agenthost_session_page *page = NULL;
    if (cursor[0] == '\0') {
      snprintf(query, sizeof query, "{\"owner_api_key\":\"%s\",\"page_size\":3}", owner_key);
    } else {
      snprintf(query, sizeof query, "{\"owner_api_key\":\"%s\",\"page_size\":3,\"cursor\":\"%s\"}",
               owner_key, cursor);
    }
    if (!check(agenthost_session_store_list(store, query, &page), "list sessions")) return 0;
    print_page(page, ++page_no, owner_key);
    /* The page JSON carries "next_cursor": "..." (more pages) or null (the last page). */
    cursor[0] = '\0';
    json_string_field(agenthost_session_page_json(page, NULL), "next_cursor", cursor,
                      sizeof cursor);
    agenthost_session_page_free(page);
  } while (cursor[0] != '\0');
  return 1;
}

/* Another owner's session reads exactly like an absent one; its owner can update it. */
static int owner_demo(agenthost_session_store *store, const char *id) {
  char *session = NULL;
  char status[32] = "?";
  agenthost_status st = agenthost_session_store_get(store, id, "sk-example-bob", &session);
  printf("sessions: bob reads alice's session %s -> %s\n", id, agenthost_status_name(st));
  if (st != AGENTHOST_NOT_FOUND) return 0;
  if (!check(agenthost_session_store_update(store, id, "sk-example-alice",
                                            "{\"status\":\"completed\",\"increment_turns\":true}",
                                            &session),
             "update session"))
    return 0;
  json_string_field(session, "status", status, sizeof status);
  printf("sessions: alice updates it -> status %s, one more turn\n", status);
  agenthost_free(session);
  return 1;
}

static int session_demo(agenthost_cache_client *client, const char *prefix) {
  agenthost_session_store *store = NULL;
  struct created created;
  char options[512];
  int ok, i;
  created.count = 0;
  snprintf(options, sizeof options,
           "{\"key_prefix\":\"%ssession:\",\"index_prefix\":\"%ssessions:\",\"ttl_s\":600}", prefix,
           prefix);
  if (!check(agenthost_session_store_open(client, options, &store), "open session store")) return 0;
  ok = create_sessions(store, "sk-example-alice", 7, &created) &&
       create_sessions(store, "sk-example-bob", 2, &created) &&
       list_pages(store, "sk-example-alice") && owner_demo(store, created.ids[6]);
  for (i = 0; i < created.count; ++i) {
    ok = check(agenthost_session_store_delete(store, created.ids[i], NULL), "delete session") && ok;
  }
  if (ok) printf("sessions: deleted the %d sessions\n", created.count);
  agenthost_session_store_close(store);
  return ok;
}

/* ---- hooks ------------------------------------------------------------------------------- */

static agenthost_hook_policy *open_policy(const char *url, const char *secret) {
  char config[1024];
  agenthost_hook_options options;
  agenthost_hook_policy *policy = NULL;
  if (!json_safe("the policy URL", url) || (secret != NULL && !json_safe("the secret", secret)))
    return NULL;
  if (secret != NULL) {
    snprintf(config, sizeof config,
             "{\"PreToolUse\":{\"url\":\"%s\",\"timeout_ms\":2000,\"secret\":\"%s\"}}", url,
             secret);
  } else {
    snprintf(config, sizeof config, "{\"PreToolUse\":{\"url\":\"%s\",\"timeout_ms\":2000}}", url);
  }
  agenthost_hook_options_init(&options);
  /* The SSRF guard refuses loopback and private addresses by default. This example's policy
   * server runs on 127.0.0.1, so it opts in; leave it off for webhooks on the internet. */
  options.allow_private_networks = 1;
  if (!check(agenthost_hook_policy_create(config, &options, &policy), "create hook policy"))
    return NULL;
  return policy;
}

/* Evaluates PreToolUse for one tool call and prints the verdict; 1 when it is `expected` and
 * comes from the policy itself (fail_closed 0) or from a failure (fail_closed 1). */
static int evaluate(agenthost_hook_policy *policy, const char *tool, const char *arg,
                    agenthost_decision expected, int fail_closed) {
  char input[512];
  agenthost_verdict *verdict = NULL;
  agenthost_decision decision;
  int failed;
  snprintf(input, sizeof input,
           "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"example\",\"tool_name\":\"%s\","
           "\"tool_input\":{\"%s\":\"%s\"}}",
           tool, strcmp(tool, "Bash") == 0 ? "command" : "file_path", arg);
  /* Even on an error status the verdict is a deny: a host that ignores the status fails closed. */
  check(agenthost_hook_policy_evaluate(policy, input, strlen(input), &verdict), "evaluate");
  decision = agenthost_verdict_decision(verdict);
  failed = strstr(agenthost_verdict_json(verdict, NULL), "\"failed\":true") != NULL;
  printf("hooks: PreToolUse %s \"%s\" -> %s (%s: %s)\n", tool, arg,
         agenthost_decision_name(decision), failed ? "fail-closed" : "policy",
         agenthost_verdict_reason(verdict));
  agenthost_verdict_free(verdict);
  return decision == expected && failed == fail_closed;
}

static int policy_demo(void) {
  const char *url = getenv("AGENTHOST_POLICY_URL");
  const char *secret = getenv("AGENTHOST_POLICY_SECRET");
  agenthost_hook_policy *policy;
  int ok;
  if (url == NULL || *url == '\0') {
    printf(
        "hooks: AGENTHOST_POLICY_URL is not set: skipping the policy server "
        "(scripts/run-example.sh starts one)\n");
    return 1;
  }
  if (secret != NULL && *secret == '\0') secret = NULL;
  printf("hooks: asking the policy server at %s (%s)\n", url,
         secret != NULL ? "signed requests" : "unsigned requests");
  policy = open_policy(url, secret);
  if (policy == NULL) return 0;
  ok = evaluate(policy, "Bash", "rm -rf /", AGENTHOST_DENY, 0);
  ok = evaluate(policy, "Read", "README.md", AGENTHOST_ALLOW, 0) && ok;
  agenthost_hook_policy_free(policy);
  return ok;
}

static int fail_closed_demo(void) {
  const char *url = env_or("AGENTHOST_POLICY_DOWN_URL", "http://127.0.0.1:9/hook");
  agenthost_hook_policy *policy;
  int ok;
  printf("hooks: asking a policy server that is down (%s): PreToolUse fails closed\n", url);
  policy = open_policy(url, NULL);
  if (policy == NULL) return 0;
  ok = evaluate(policy, "Bash", "ls", AGENTHOST_DENY, 1);
  agenthost_hook_policy_free(policy);
  return ok;
}

/* ---- main -------------------------------------------------------------------------------- */

static const char *const kSections[] = {"cache", "sessions", "policy", "fail-closed"};

/* No argument runs every section; otherwise the sections named. */
static int wants(int argc, char **argv, const char *section) {
  int i;
  if (argc < 2) return 1;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], section) == 0) return 1;
  }
  return 0;
}

static int known_sections(int argc, char **argv) {
  int i;
  size_t k;
  for (i = 1; i < argc; ++i) {
    for (k = 0; k < sizeof kSections / sizeof kSections[0]; ++k) {
      if (strcmp(argv[i], kSections[k]) == 0) break;
    }
    if (k == sizeof kSections / sizeof kSections[0]) return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  const char *prefix = env_or("AGENTHOST_EXAMPLE_PREFIX", "");
  agenthost_cache_client *client = NULL;
  int ok = 1;
  if (!known_sections(argc, argv)) {
    fprintf(stderr, "usage: %s [cache] [sessions] [policy] [fail-closed]\n", argv[0]);
    return 2;
  }
  if (!json_safe("AGENTHOST_EXAMPLE_PREFIX", prefix)) return 2;
  if (wants(argc, argv, "cache") || wants(argc, argv, "sessions")) {
    client = open_client();
    ok = client != NULL;
  }
  if (ok && wants(argc, argv, "cache")) ok = cache_demo(client, prefix);
  if (ok && wants(argc, argv, "sessions")) ok = session_demo(client, prefix);
  agenthost_cache_client_close(client); /* after the store that borrowed it is closed */
  if (ok && wants(argc, argv, "policy")) ok = policy_demo();
  if (ok && wants(argc, argv, "fail-closed")) ok = fail_closed_demo();
  if (!ok) fprintf(stderr, "the example did not complete as expected\n");
  return ok ? 0 : 1;
}
