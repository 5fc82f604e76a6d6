/* A host program that uses agenthost through its C ABI only (agenthost.h and the shared
 * libagenthost_c). argv[1], when given, is the version it expects. */
#include <agenthost.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, agenthost_status status) {
  fprintf(stderr, "consumer_c: FAILED: %s: %s (%s)\n", what, agenthost_status_name(status),
          agenthost_last_error());
  return 1;
}

int main(int argc, char **argv) {
  agenthost_cache_client *cache = NULL;
  agenthost_session_store *store = NULL;
  agenthost_session_page *page = NULL;
  agenthost_hook_policy *policy = NULL;
  agenthost_verdict *verdict = NULL;
  char *session = NULL;
  agenthost_status st;
  int rc = 1;

  if (argc > 1 && strcmp(agenthost_version(), argv[1]) != 0) return fail("version", AGENTHOST_OK);
  {
    char from_macros[32];
    snprintf(from_macros, sizeof from_macros, "%d.%d.%d", AGENTHOST_VERSION_MAJOR,
             AGENTHOST_VERSION_MINOR, AGENTHOST_VERSION_PATCH);
    if (strcmp(agenthost_version(), from_macros) != 0) {
      return fail("agenthost_version() differs from AGENTHOST_VERSION_MAJOR/MINOR/PATCH",
                  AGENTHOST_OK);
    }
  }
  st = agenthost_cache_client_open("memory://", NULL, &cache);
  if (st != AGENTHOST_OK) return fail("open memory://", st);
  st = agenthost_session_store_open(cache, NULL, &store);
  if (st != AGENTHOST_OK) {
    rc = fail("open session store", st);
    goto done;
  }
  st = agenthost_session_store_create(
      store, "{\"model\":\"claude-sonnet\",\"owner_api_key\":\"k\"}", &session);
  if (st != AGENTHOST_OK) {
    rc = fail("create session", st);
    goto done;
  }
  agenthost_free(session);
  session = NULL;
  st = agenthost_session_store_list(store, "{\"owner_api_key\":\"k\"}", &page);
  if (st != AGENTHOST_OK || agenthost_session_page_total(page) != 1 ||
      agenthost_session_page_count(page) != 1) {
    rc = fail("list the owner's sessions", st);
    goto done;
  }
  st = agenthost_session_store_get(store, "no-such-session", NULL, &session);
  if (st != AGENTHOST_NOT_FOUND || session != NULL) {
    rc = fail("get an absent session is AGENTHOST_NOT_FOUND", st);
    goto done;
  }
  st = agenthost_hook_policy_create("{}", NULL, &policy);
  if (st != AGENTHOST_OK) {
    rc = fail("create hook policy", st);
    goto done;
  }
  {
    const char input[] = "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Read\"}";
    st = agenthost_hook_policy_evaluate(policy, input, sizeof input - 1, &verdict);
  }
  if (st != AGENTHOST_OK || agenthost_verdict_decision(verdict) != AGENTHOST_ALLOW) {
    rc = fail("no hook configured: allow", st);
    goto done;
  }
  {
    char *metrics = NULL;
    st = agenthost_metrics_prometheus(cache, store, policy, &metrics);
    if (st != AGENTHOST_OK ||
        strstr(metrics, "agenthost_session_operations_total{operation=\"create\"} 1\n") == NULL) {
      agenthost_free(metrics);
      rc = fail("metrics count the one create", st);
      goto done;
    }
    agenthost_free(metrics);
  }
  printf("consumer_c: ok (agenthost %s)\n", agenthost_version());
  rc = 0;
done:
  agenthost_verdict_free(verdict);
  agenthost_hook_policy_free(policy);
  agenthost_session_page_free(page);
  agenthost_free(session);
  agenthost_session_store_close(store);
  agenthost_cache_client_close(cache);
  return rc;
}
