/* agenthost C example: runs against memory:// unless REDIS_URL is set.
 *
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
  agenthost_status st = (url != NULL && *url != '\0') ? agenthost_cache_client_open_env(&client)
                                                      : agenthost_cache_client_open("memory://", NULL, &client);
  if (!check(st, "open cache client")) return NULL;
  printf("agenthost %s, cache backend: %s\n", agenthost_version(),
         (url != NULL && *url != '\0') ? "Redis (REDIS_URL)" : "memory://");
  return client;
}

static int cache_demo(agenthost_cache_client *client) {
  char *value = NULL;
  size_t len = 0;
  int removed = 0;
  const char *greeting = "hello from agenthost";
  if (!check(agenthost_cache_client_ping(client), "ping")) return 0;
  if (!check(agenthost_cache_client_set(client, "example:greeting", greeting, strlen(greeting), 60),
             "set")) return 0;
  if (!check(agenthost_cache_client_get(client, "example:greeting", &value, &len), "get")) return 0;
  printf("cache: example:greeting = \"%s\" (%zu bytes, expires in 60 s)\n", value, len);
  agenthost_free(value);
  if (!check(agenthost_cache_client_del(client, "example:greeting", &removed), "del")) return 0;
  printf("cache: deleted example:greeting (%d key removed)\n", removed);
  if (agenthost_cache_client_get(client, "example:greeting", &value, &len) == AGENTHOST_NOT_FOUND) {
    printf("cache: example:greeting is gone (AGENTHOST_NOT_FOUND: %s)\n", agenthost_last_error());
  }
  return 1;
}

int main(void) {
  agenthost_cache_client *client = open_client();
  int ok = client != NULL && cache_demo(client);
  agenthost_cache_client_close(client);
  return ok ? 0 : 1;
}
