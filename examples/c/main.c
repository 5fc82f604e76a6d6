/* agenthost C example: cache, sessions and a fail-closed hook policy.
 * Runs against memory:// unless REDIS_URL is set:
 *
 *   ./agenthost-example-c
 *   REDIS_URL=redis://127.0.0.1:6379/0 ./agenthost-example-c
 */
#include <agenthost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check(agenthost_status st, const char *what) {
  if (st == AGENTHOST_OK) return 1;
  fprintf(stderr, "%s failed: %s: %s\n", what, agenthost_status_name(st), agenthost_last_error());
  return 0;
}

static agenthost_cache_client *open_client(void) {
  agenthost_cache_client *client = NULL;
  const char *url = getenv("REDIS_URL");
  int use_env = url != NULL && *url != '\0';
  agenthost_status st = use_env ? agenthost_cache_client_open_env(&client)
                                : agenthost_cache_client_open("memory://", NULL, &client);
  if (!check(st, "open cache client")) return NULL;
  printf("agenthost %s, cache backend: %s\n", agenthost_version(),
         use_env ? "Redis (REDIS_URL)" : "memory://");
  return client;
}

static int cache_demo(agenthost_cache_client *client) {
  char *value = NULL;
  size_t len = 0;
  int removed = 0;
  const char *greeting = "hello from agenthost";
  if (!check(agenthost_cache_client_ping(client), "ping")) return 0;
  if (!check(agenthost_cache_client_set(client, "example:greeting", greeting, strlen(greeting), 60),
             "set"))
    return 0;
  if (!check(agenthost_cache_client_get(client, "example:greeting", &value, &len), "get")) return 0;
  printf("cache: example:greeting = \"%s\" (%zu bytes, expires in 60 s)\n", value, len);
  agenthost_free(value);
  if (!check(agenthost_cache_client_del(client, "example:greeting", &removed), "del")) return 0;
  printf("cache: deleted example:greeting (%d key removed)\n", removed);
  return 1;
}

static int create_sessions(agenthost_session_store *store, const char *owner_key, int n) {
  char request[256];
  char *session = NULL;
  int i;
  for (i = 0; i < n; ++i) {
    snprintf(request, sizeof request,
             "{\"model\":\"claude-sonnet-4\",\"owner_api_key\":\"%s\",\"metadata\":{\"n\":%d}}",
             owner_key, i);
    if (!check(agenthost_session_store_create(store, request, &session), "create session"))
      return 0;
    agenthost_free(session);
  }
  printf("sessions: created %d for the owner of key %s\n", n, owner_key);
  return 1;
}

/* Lists one owner's sessions 3 per page, following next_cursor. */
static int list_pages(agenthost_session_store *store, const char *owner_key) {
  char query[512];
  char cursor[256] = "";
  int page_no = 0;
  for (;;) {
    agenthost_session_page *page = NULL;
    size_t i, len = 0;
    const char *json, *next;
    if (cursor[0] == '\0') {
      snprintf(query, sizeof query, "{\"owner_api_key\":\"%s\",\"page_size\":3}", owner_key);
    } else {
      snprintf(query, sizeof query, "{\"owner_api_key\":\"%s\",\"page_size\":3,\"cursor\":\"%s\"}",
               owner_key, cursor);
    }
    if (!check(agenthost_session_store_list(store, query, &page), "list sessions")) return 0;
    printf("sessions: page %d for key %s (%zu of %llu, newest first):\n", ++page_no, owner_key,
           agenthost_session_page_count(page),
           (unsigned long long)agenthost_session_page_total(page));
    for (i = 0; i < agenthost_session_page_count(page); ++i) {
      printf("  %.*s...\n", 100, agenthost_session_page_item(page, i, &len));
    }
    /* The page JSON carries "next_cursor": "..." or null. */
    json = agenthost_session_page_json(page, &len);
    next = strstr(json, "\"next_cursor\":\"");
    cursor[0] = '\0';
    if (next != NULL) {
      size_t n = strcspn(next + 15, "\"");
      if (n < sizeof cursor) {
        memcpy(cursor, next + 15, n);
        cursor[n] = '\0';
      }
    }
    agenthost_session_page_free(page);
    if (cursor[0] == '\0') return 1;
  }
}

static int session_demo(agenthost_cache_client *client) {
  agenthost_session_store *store = NULL;
  int ok;
  if (!check(agenthost_session_store_open(client, "{\"ttl_s\":600}", &store), "open store"))
    return 0;
  ok = create_sessions(store, "sk-example-alice", 7) &&
       create_sessions(store, "sk-example-bob", 2) && list_pages(store, "sk-example-alice");
  agenthost_session_store_close(store);
  return ok;
}

/* The webhook points at a loopback address, which is refused while private networks are not
 * allowed: the hook fails, and a failed PreToolUse hook is a deny. */
static int hook_demo(void) {
  const char *config =
      "{\"PreToolUse\":{\"url\":\"http://127.0.0.1:9/hook\",\"matcher\":\"Bash\"}}";
  const char *input =
      "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"s1\","
      "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf /\"}}";
  agenthost_hook_policy *policy = NULL;
  agenthost_verdict *verdict = NULL;
  agenthost_decision decision;
  if (!check(agenthost_hook_policy_create(config, NULL, &policy), "create hook policy")) return 0;
  check(agenthost_hook_policy_evaluate(policy, input, strlen(input), &verdict), "evaluate");
  decision = agenthost_verdict_decision(verdict);
  printf("hooks: PreToolUse Bash \"rm -rf /\" -> %s (%s)\n",
         decision == AGENTHOST_ALLOW ? "allow"
         : decision == AGENTHOST_ASK ? "ask"
                                     : "deny",
         agenthost_verdict_reason(verdict));
  agenthost_verdict_free(verdict);
  agenthost_hook_policy_free(policy);
  return decision == AGENTHOST_DENY;
}

int main(void) {
  agenthost_cache_client *client = open_client();
  int ok = client != NULL && cache_demo(client) && session_demo(client) && hook_demo();
  agenthost_cache_client_close(client);
  return ok ? 0 : 1;
}
