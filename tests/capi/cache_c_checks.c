/* Compiled as C99: proves agenthost.h is plain C and the wrappers behave as documented. */
#define _POSIX_C_SOURCE 200112L

#include "cache_c_checks.h"

#include <agenthost.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPECT(cond, ...)              \
  do {                                 \
    if (!(cond)) {                     \
      snprintf(why, cap, __VA_ARGS__); \
      return 0;                        \
    }                                  \
  } while (0)

/* status == expected and the thread's last error contains `needle`. */
static int failed_with(agenthost_status status, agenthost_status expected, const char *needle) {
  return status == expected && strstr(agenthost_last_error(), needle) != NULL;
}

static int expect_null_arg(agenthost_status status, const char *function, const char *argument,
                           char *why, size_t cap) {
  char needle[160];
  snprintf(needle, sizeof needle, "%s: %s is NULL", function, argument);
  EXPECT(failed_with(status, AGENTHOST_INVALID_ARGUMENT, needle),
         "%s with NULL %s: status %s, last error '%s'", function, argument,
         agenthost_status_name(status), agenthost_last_error());
  return 1;
}

static void join_key(char *out, size_t size, const char *prefix, const char *name) {
  snprintf(out, size, "%s%s", prefix, name);
}

int capi_check_null_arguments(char *why, size_t cap) {
  agenthost_cache_client *c = NULL;
  agenthost_cache_client *other = NULL;
  char *value = NULL;
  size_t len = 0;
  int removed = 0;
  agenthost_status st = agenthost_cache_client_open("memory://", NULL, &c);
  EXPECT(st == AGENTHOST_OK && c != NULL, "open memory:// failed: %s", agenthost_last_error());

  if (!expect_null_arg(agenthost_cache_client_open(NULL, NULL, &other),
                       "agenthost_cache_client_open", "url", why, cap) ||
      !expect_null_arg(agenthost_cache_client_open("memory://", NULL, NULL),
                       "agenthost_cache_client_open", "out", why, cap) ||
      !expect_null_arg(agenthost_cache_client_open_env(NULL), "agenthost_cache_client_open_env",
                       "out", why, cap) ||
      !expect_null_arg(agenthost_cache_client_ping(NULL), "agenthost_cache_client_ping", "c", why,
                       cap) ||
      !expect_null_arg(agenthost_cache_client_set(NULL, "k", "v", 1, 0),
                       "agenthost_cache_client_set", "c", why, cap) ||
      !expect_null_arg(agenthost_cache_client_set(c, NULL, "v", 1, 0), "agenthost_cache_client_set",
                       "key", why, cap) ||
      !expect_null_arg(agenthost_cache_client_set(c, "k", NULL, 1, 0), "agenthost_cache_client_set",
                       "value", why, cap) ||
      !expect_null_arg(agenthost_cache_client_get(NULL, "k", &value, &len),
                       "agenthost_cache_client_get", "c", why, cap) ||
      !expect_null_arg(agenthost_cache_client_get(c, NULL, &value, &len),
                       "agenthost_cache_client_get", "key", why, cap) ||
      !expect_null_arg(agenthost_cache_client_get(c, "k", NULL, &len), "agenthost_cache_client_get",
                       "value", why, cap) ||
      !expect_null_arg(agenthost_cache_client_get(c, "k", &value, NULL),
                       "agenthost_cache_client_get", "len", why, cap) ||
      !expect_null_arg(agenthost_cache_client_del(NULL, "k", &removed),
                       "agenthost_cache_client_del", "c", why, cap) ||
      !expect_null_arg(agenthost_cache_client_del(c, NULL, &removed), "agenthost_cache_client_del",
                       "key", why, cap)) {
    agenthost_cache_client_close(c);
    return 0;
  }
  /* NULL where the header allows it. */
  st = agenthost_cache_client_del(c, "k", NULL);
  agenthost_cache_client_close(c);
  EXPECT(st == AGENTHOST_OK, "del with removed NULL: %s", agenthost_last_error());
  agenthost_cache_client_close(NULL);
  agenthost_free(NULL);
  agenthost_cache_options_init(NULL);
  return 1;
}

int capi_check_status_names(char *why, size_t cap) {
  static const struct {
    agenthost_status status;
    int number;
    const char *name;
  } expected[] = {
      {AGENTHOST_OK, 0, "ok"},
      {AGENTHOST_INVALID_ARGUMENT, 1, "invalid_argument"},
      {AGENTHOST_NOT_FOUND, 2, "not_found"},
      {AGENTHOST_CONFLICT, 3, "conflict"},
      {AGENTHOST_TIMEOUT, 4, "timeout"},
      {AGENTHOST_CONNECTION, 5, "connection"},
      {AGENTHOST_POOL_EXHAUSTED, 6, "pool_exhausted"},
      {AGENTHOST_PROTOCOL, 7, "protocol"},
      {AGENTHOST_CORRUPT, 8, "corrupt"},
      {AGENTHOST_UNSUPPORTED, 9, "unsupported"},
      {AGENTHOST_INTERNAL, 100, "internal"},
  };
  size_t i;
  for (i = 0; i < sizeof expected / sizeof expected[0]; ++i) {
    const char *name = agenthost_status_name(expected[i].status);
    EXPECT((int)expected[i].status == expected[i].number, "%s has number %d, expected %d",
           expected[i].name, (int)expected[i].status, expected[i].number);
    EXPECT(name != NULL && strcmp(name, expected[i].name) == 0,
           "status %d is named '%s', expected '%s'", expected[i].number, name ? name : "(null)",
           expected[i].name);
  }
  EXPECT(strcmp(agenthost_status_name((agenthost_status)42), "unknown") == 0,
         "status 42 is not 'unknown'");
  return 1;
}

int capi_check_version(const char *expected, char *why, size_t cap) {
  const char *v = agenthost_version();
  unsigned major = 0, minor = 0, patch = 0;
  char tail = 0;
  EXPECT(v != NULL, "agenthost_version() is NULL");
  EXPECT(sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &tail) == 3,
         "agenthost_version() '%s' is not MAJOR.MINOR.PATCH", v);
  EXPECT(strcmp(v, expected) == 0, "agenthost_version() '%s', expected '%s'", v, expected);
  return 1;
}

struct thread_result {
  int saw_own_error;
  char message[256];
};

static void *fail_in_thread(void *arg) {
  struct thread_result *r = (struct thread_result *)arg;
  agenthost_status st = agenthost_cache_client_ping(NULL);
  r->saw_own_error =
      failed_with(st, AGENTHOST_INVALID_ARGUMENT, "agenthost_cache_client_ping: c is NULL");
  snprintf(r->message, sizeof r->message, "%s", agenthost_last_error());
  return NULL;
}

int capi_check_last_error_is_per_thread(char *why, size_t cap) {
  pthread_t thread;
  struct thread_result result;
  agenthost_cache_client *c = NULL;
  memset(&result, 0, sizeof result);

  /* This thread: a distinct error of its own. */
  EXPECT(agenthost_cache_client_open(NULL, NULL, &c) == AGENTHOST_INVALID_ARGUMENT,
         "open with NULL url did not fail");
  EXPECT(strstr(agenthost_last_error(), "url is NULL") != NULL, "own error missing: '%s'",
         agenthost_last_error());

  EXPECT(pthread_create(&thread, NULL, fail_in_thread, &result) == 0, "pthread_create failed");
  pthread_join(thread, NULL);
  EXPECT(result.saw_own_error, "the other thread saw '%s'", result.message);
  EXPECT(strstr(agenthost_last_error(), "agenthost_cache_client_open: url is NULL") != NULL,
         "this thread's error changed to '%s' after another thread failed", agenthost_last_error());

  /* A thread that never failed has an empty last error; a success clears it. */
  EXPECT(agenthost_cache_client_open("memory://", NULL, &c) == AGENTHOST_OK, "open failed");
  EXPECT(agenthost_last_error()[0] == '\0', "a success left '%s'", agenthost_last_error());
  agenthost_cache_client_close(c);
  return 1;
}

int capi_check_options(char *why, size_t cap) {
  agenthost_cache_options opts;
  struct {
    agenthost_cache_options known;
    uint32_t future_field[4];
  } longer;
  agenthost_cache_client *c = NULL;
  agenthost_status st;

  memset(&opts, 0xAB, sizeof opts);
  agenthost_cache_options_init(&opts);
  EXPECT(opts.struct_size == sizeof opts, "init: struct_size %u", (unsigned)opts.struct_size);
  EXPECT(opts.max_connections == 50 && opts.connect_timeout_ms == 5000 &&
             opts.socket_timeout_ms == 5000 && opts.pool_wait_timeout_ms == 5000,
         "init: defaults %u/%u/%u/%u", (unsigned)opts.max_connections,
         (unsigned)opts.connect_timeout_ms, (unsigned)opts.socket_timeout_ms,
         (unsigned)opts.pool_wait_timeout_ms);

  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(st == AGENTHOST_OK, "open with defaults: %s", agenthost_last_error());
  agenthost_cache_client_close(c);

  /* Too small to hold the first field. */
  opts.struct_size = 4;
  c = (agenthost_cache_client *)&opts; /* must be reset to NULL on failure */
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "struct_size"),
         "struct_size 4: status %s, '%s'", agenthost_status_name(st), agenthost_last_error());
  EXPECT(c == NULL, "*out not NULL after a failure");

  /* An older caller's prefix: fields beyond it (garbage here) keep their defaults. */
  agenthost_cache_options_init(&opts);
  opts.struct_size = (uint32_t)offsetof(agenthost_cache_options, socket_timeout_ms);
  opts.socket_timeout_ms = 0;
  opts.pool_wait_timeout_ms = 0xFFFFFFFFu;
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(st == AGENTHOST_OK, "prefix struct_size: %s", agenthost_last_error());
  agenthost_cache_client_close(c);

  /* 0 is never "all fields": an uninitialised struct is rejected. A newer caller's longer
     struct is read up to the known fields. */
  agenthost_cache_options_init(&opts);
  opts.struct_size = 0;
  c = (agenthost_cache_client *)&opts;
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "struct_size"),
         "struct_size 0: status %s, '%s'", agenthost_status_name(st), agenthost_last_error());
  EXPECT(c == NULL, "*out not NULL after a failure");
  opts.struct_size = (uint32_t)offsetof(agenthost_cache_options, max_connections);
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "struct_size"),
         "struct_size before max_connections: status %s", agenthost_status_name(st));
  agenthost_cache_options_init(&longer.known);
  longer.known.struct_size = sizeof longer;
  memset(longer.future_field, 0xFF, sizeof longer.future_field);
  st = agenthost_cache_client_open("memory://", &longer.known, &c);
  EXPECT(st == AGENTHOST_OK, "longer struct: %s", agenthost_last_error());
  agenthost_cache_client_close(c);

  /* Values are validated, never clamped. */
  agenthost_cache_options_init(&opts);
  opts.max_connections = 0;
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(st == AGENTHOST_INVALID_ARGUMENT && c == NULL, "max_connections 0: status %s",
         agenthost_status_name(st));

  st = agenthost_cache_client_open("not a url", NULL, &c);
  EXPECT(st == AGENTHOST_INVALID_ARGUMENT && c == NULL, "bad url: status %s",
         agenthost_status_name(st));
  return 1;
}

int capi_check_open_env(const char *url, char *why, size_t cap) {
  agenthost_cache_client *c = NULL;
  agenthost_status st;
  EXPECT(setenv("REDIS_URL", url, 1) == 0, "setenv failed");
  setenv("REDIS_MAX_CONNECTIONS", "500", 1);
  st = agenthost_cache_client_open_env(&c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "REDIS_MAX_CONNECTIONS") && c == NULL,
         "REDIS_MAX_CONNECTIONS=500: status %s, '%s'", agenthost_status_name(st),
         agenthost_last_error());
  unsetenv("REDIS_MAX_CONNECTIONS");
  st = agenthost_cache_client_open_env(&c);
  EXPECT(st == AGENTHOST_OK && c != NULL, "open_env: %s", agenthost_last_error());
  st = agenthost_cache_client_ping(c);
  agenthost_cache_client_close(c);
  unsetenv("REDIS_URL");
  EXPECT(st == AGENTHOST_OK, "ping after open_env: %s", agenthost_last_error());
  return 1;
}

static agenthost_cache_client *open_or_report(const char *url, char *why, size_t cap) {
  agenthost_cache_client *c = NULL;
  if (agenthost_cache_client_open(url, NULL, &c) != AGENTHOST_OK) {
    snprintf(why, cap, "open %s: %s", url, agenthost_last_error());
    return NULL;
  }
  return c;
}

static int set_get_del(agenthost_cache_client *c, const char *key, char *why, size_t cap) {
  char *value = NULL;
  size_t len = 99;
  int removed = -1;
  agenthost_status st;
  EXPECT(agenthost_cache_client_ping(c) == AGENTHOST_OK, "ping: %s", agenthost_last_error());
  st = agenthost_cache_client_set(c, key, "hello", 5, 0);
  EXPECT(st == AGENTHOST_OK, "set: %s", agenthost_last_error());
  st = agenthost_cache_client_get(c, key, &value, &len);
  EXPECT(st == AGENTHOST_OK && value != NULL, "get: %s", agenthost_last_error());
  EXPECT(len == 5 && strcmp(value, "hello") == 0 && value[len] == '\0', "get returned '%s' (%zu)",
         value, len);
  agenthost_free(value);
  st = agenthost_cache_client_set(c, key, "", 0, 0);
  EXPECT(st == AGENTHOST_OK, "set empty: %s", agenthost_last_error());
  st = agenthost_cache_client_get(c, key, &value, &len);
  EXPECT(st == AGENTHOST_OK && len == 0 && value != NULL && value[0] == '\0',
         "get of an empty value: %s", agenthost_status_name(st));
  agenthost_free(value);
  EXPECT(agenthost_cache_client_del(c, key, &removed) == AGENTHOST_OK && removed == 1,
         "del of a present key: removed %d", removed);
  EXPECT(agenthost_cache_client_del(c, key, &removed) == AGENTHOST_OK && removed == 0,
         "del of an absent key: removed %d", removed);
  st = agenthost_cache_client_set(c, "", "v", 1, 0);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "key is empty"), "empty key: %s",
         agenthost_last_error());
  return 1;
}

int capi_check_set_get_del(const char *url, const char *prefix, char *why, size_t cap) {
  char key[256];
  int ok;
  agenthost_cache_client *c = open_or_report(url, why, cap);
  if (c == NULL) return 0;
  join_key(key, sizeof key, prefix, "greeting");
  ok = set_get_del(c, key, why, cap);
  agenthost_cache_client_close(c);
  return ok;
}

int capi_check_not_found(const char *url, const char *prefix, char *why, size_t cap) {
  char key[256];
  char *value = (char *)"sentinel";
  size_t len = 7;
  agenthost_status st;
  agenthost_cache_client *c = open_or_report(url, why, cap);
  if (c == NULL) return 0;
  join_key(key, sizeof key, prefix, "absent");
  st = agenthost_cache_client_get(c, key, &value, &len);
  agenthost_cache_client_close(c);
  EXPECT(failed_with(st, AGENTHOST_NOT_FOUND, "not found"), "get of an absent key: %s, '%s'",
         agenthost_status_name(st), agenthost_last_error());
  EXPECT(value == NULL && len == 0, "out-parameters not reset on NOT_FOUND");
  return 1;
}

int capi_check_binary_values(const char *url, const char *prefix, char *why, size_t cap) {
  static const char bytes[] = {'a', '\0', 'b', '\xff', '\r', '\n', '\0'};
  char key[256];
  char *value = NULL;
  size_t len = 0;
  agenthost_status st;
  agenthost_cache_client *c = open_or_report(url, why, cap);
  if (c == NULL) return 0;
  join_key(key, sizeof key, prefix, "binary");
  st = agenthost_cache_client_set(c, key, bytes, sizeof bytes, 60);
  if (st == AGENTHOST_OK) st = agenthost_cache_client_get(c, key, &value, &len);
  agenthost_cache_client_close(c);
  EXPECT(st == AGENTHOST_OK, "binary set/get: %s", agenthost_last_error());
  EXPECT(len == sizeof bytes && memcmp(value, bytes, len) == 0 && value[len] == '\0',
         "binary value came back as %zu bytes", len);
  agenthost_free(value);
  return 1;
}

int capi_check_ttl(const char *url, const char *prefix, char *why, size_t cap) {
  char key[256];
  char *value = NULL;
  size_t len = 0;
  int polls;
  agenthost_status st = AGENTHOST_OK;
  struct timespec pause = {0, 50 * 1000 * 1000};
  agenthost_cache_client *c = open_or_report(url, why, cap);
  if (c == NULL) return 0;
  join_key(key, sizeof key, prefix, "ttl");
  if (agenthost_cache_client_set(c, key, "v", 1, 1) != AGENTHOST_OK) {
    snprintf(why, cap, "set with ttl: %s", agenthost_last_error());
    agenthost_cache_client_close(c);
    return 0;
  }
  /* Bounded poll: the key must be gone well within 5 s of a 1 s TTL. */
  for (polls = 0; polls < 100; ++polls) {
    st = agenthost_cache_client_get(c, key, &value, &len);
    agenthost_free(value);
    value = NULL;
    if (st != AGENTHOST_OK) break;
    nanosleep(&pause, NULL);
  }
  agenthost_cache_client_close(c);
  EXPECT(st == AGENTHOST_NOT_FOUND, "key with a 1 s TTL still there after 5 s (status %s)",
         agenthost_status_name(st));
  EXPECT(polls > 0, "key with a 1 s TTL was gone at once");
  return 1;
}

int capi_check_tls_options(char *why, size_t cap) {
  agenthost_cache_options opts;
  agenthost_cache_client *c = NULL;
  agenthost_status st;

  memset(&opts, 0xAB, sizeof opts);
  agenthost_cache_options_init(&opts);
  EXPECT(opts.tls_ca_file == NULL && opts.tls_ca_dir == NULL && opts.tls_cert_file == NULL &&
             opts.tls_key_file == NULL && opts.tls_server_name == NULL &&
             opts.tls_insecure_skip_verify == 0,
         "init left TLS fields set");

  /* The exported function itself (a binding, or a program built before the TLS fields) fills
     the first five fields only: an older, shorter struct is never overrun. */
  memset(&opts, 0xAB, sizeof opts);
  (agenthost_cache_options_init)(&opts);
  EXPECT(opts.struct_size == offsetof(agenthost_cache_options, pool_wait_timeout_ms) + 4 &&
             opts.max_connections == 50 && opts.pool_wait_timeout_ms == 5000,
         "original init: struct_size %u", (unsigned)opts.struct_size);
  {
    const unsigned char *tail = (const unsigned char *)&opts.tls_ca_file;
    size_t i, n = sizeof opts - offsetof(agenthost_cache_options, tls_ca_file);
    for (i = 0; i < n; ++i)
      EXPECT(tail[i] == 0xAB, "original init wrote byte %u of the TLS fields", (unsigned)i);
  }
  memset(&opts, 0xAB, sizeof opts);
  agenthost_cache_options_init_sized(&opts, 8);
  EXPECT(
      opts.struct_size == 8 && opts.max_connections == 50 && opts.connect_timeout_ms == 0xABABABABu,
      "init_sized(8): struct_size %u, connect_timeout_ms %u", (unsigned)opts.struct_size,
      (unsigned)opts.connect_timeout_ms);

  /* A caller built before the TLS fields: its struct ends before them, never read (garbage). */
  agenthost_cache_options_init(&opts);
  opts.struct_size = (uint32_t)offsetof(agenthost_cache_options, tls_ca_file);
  memset(&opts.tls_ca_file, 0xAB, sizeof opts - offsetof(agenthost_cache_options, tls_ca_file));
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(st == AGENTHOST_OK, "pre-TLS struct_size: %s", agenthost_last_error());
  agenthost_cache_client_close(c);

  /* TLS options with a URL that is not rediss:// would go unused: refused. */
  agenthost_cache_options_init(&opts);
  opts.tls_ca_file = "/etc/ssl/certs/ca-certificates.crt";
  st = agenthost_cache_client_open("memory://", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "not rediss://"),
         "TLS options with memory://: status %s, '%s'", agenthost_status_name(st),
         agenthost_last_error());

  agenthost_cache_options_init(&opts);
  opts.tls_insecure_skip_verify = 2;
  st = agenthost_cache_client_open("rediss://127.0.0.1:1/0", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "tls_insecure_skip_verify"),
         "skip_verify 2: status %s, '%s'", agenthost_status_name(st), agenthost_last_error());

  agenthost_cache_options_init(&opts);
  opts.tls_ca_file = "/nonexistent/ca.pem";
  st = agenthost_cache_client_open("rediss://127.0.0.1:1/0", &opts, &c);
  EXPECT(failed_with(st, AGENTHOST_INVALID_ARGUMENT, "ca_file '/nonexistent/ca.pem'"),
         "missing CA file: status %s, '%s'", agenthost_status_name(st), agenthost_last_error());
  EXPECT(c == NULL, "*out not NULL after a failure");
  return 1;
}

int capi_check_tls_round_trip(const char *url, const char *ca, const char *cert, const char *key,
                              const char *prefix, char *why, size_t cap) {
  agenthost_cache_options opts;
  agenthost_cache_client *c = NULL;
  agenthost_status st;
  char k[256];
  char *value = NULL;
  size_t len = 0;

  agenthost_cache_options_init(&opts);
  opts.tls_ca_file = ca;
  opts.tls_cert_file = cert;
  opts.tls_key_file = key;
  st = agenthost_cache_client_open(url, &opts, &c);
  EXPECT(st == AGENTHOST_OK, "open %s: %s", url, agenthost_last_error());
  join_key(k, sizeof k, prefix, "tls");
  st = agenthost_cache_client_set(c, k, "over-tls", 8, 0);
  EXPECT(st == AGENTHOST_OK, "set over TLS: %s", agenthost_last_error());
  st = agenthost_cache_client_get(c, k, &value, &len);
  EXPECT(st == AGENTHOST_OK && len == 8 && memcmp(value, "over-tls", 8) == 0, "get over TLS: %s",
         agenthost_last_error());
  agenthost_free(value);
  agenthost_cache_client_close(c);

  /* Without the client certificate, the server (mutual TLS) refuses: a connection error. */
  opts.tls_cert_file = NULL;
  opts.tls_key_file = NULL;
  st = agenthost_cache_client_open(url, &opts, &c);
  EXPECT(st == AGENTHOST_OK, "open without a client certificate: %s", agenthost_last_error());
  st = agenthost_cache_client_ping(c);
  EXPECT(failed_with(st, AGENTHOST_CONNECTION, "client certificate"),
         "ping without a client certificate: status %s, '%s'", agenthost_status_name(st),
         agenthost_last_error());
  agenthost_cache_client_close(c);
  return 1;
}
