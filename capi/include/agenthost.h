/* agenthost C ABI: opaque handles, status codes, per-thread last error.
 *
 * Conventions (see DESIGN.md):
 *  - every function returns agenthost_status unless it cannot fail; out-parameters come last;
 *  - handles are created and freed by the library;
 *  - strings are UTF-8 and NUL-terminated; strings and buffers the library returns through
 *    `char **` out-parameters are owned by the caller and freed with agenthost_free();
 *  - pointers returned by accessors (agenthost_session_page_item, agenthost_verdict_json, ...)
 *    stay valid until their handle is freed;
 *  - no exception crosses this boundary; agenthost_last_error() gives the calling thread's
 *    message of its last failed call.
 */
#ifndef AGENTHOST_H
#define AGENTHOST_H

#include <stddef.h>
#include <stdint.h>

#if defined(AGENTHOST_C_BUILDING)
#define AGENTHOST_API __attribute__((visibility("default")))
#else
#define AGENTHOST_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The numbers are part of the ABI. */
typedef enum agenthost_status {
  AGENTHOST_OK = 0,
  AGENTHOST_INVALID_ARGUMENT = 1,
  AGENTHOST_NOT_FOUND = 2,
  AGENTHOST_CONFLICT = 3,
  AGENTHOST_TIMEOUT = 4,
  AGENTHOST_CONNECTION = 5,
  AGENTHOST_POOL_EXHAUSTED = 6,
  AGENTHOST_PROTOCOL = 7,
  AGENTHOST_CORRUPT = 8,
  AGENTHOST_UNSUPPORTED = 9,
  AGENTHOST_INTERNAL = 100
} agenthost_status;

/* "MAJOR.MINOR.PATCH" of the loaded library. Static storage. */
AGENTHOST_API const char *agenthost_version(void);
/* "ok", "invalid_argument", ...; "unknown" for other values. Static storage. */
AGENTHOST_API const char *agenthost_status_name(agenthost_status status);
/* The calling thread's message of its last failed call ("" if none). Valid until the thread's
 * next agenthost call. */
AGENTHOST_API const char *agenthost_last_error(void);
/* Frees memory the library returned through a char ** out-parameter. NULL is ignored. */
AGENTHOST_API void agenthost_free(void *p);

/* ---- CacheClient ------------------------------------------------------------------------- */
typedef struct agenthost_cache_client agenthost_cache_client;

typedef struct agenthost_cache_options {
  uint32_t struct_size; /* sizeof(agenthost_cache_options), set by agenthost_cache_options_init */
  uint32_t max_connections;
  uint32_t connect_timeout_ms;
  uint32_t socket_timeout_ms;
  uint32_t pool_wait_timeout_ms;
} agenthost_cache_options;

/* Fills *opts with the defaults (50 connections, 5000 ms timeouts). */
AGENTHOST_API void agenthost_cache_options_init(agenthost_cache_options *opts);
/* Opens a client for url (redis://, unix://, memory://). Connections are made lazily, so a
 * server that is down shows up on the first call, not here. opts NULL = defaults. Thread-safe
 * handle: share one per process. */
AGENTHOST_API agenthost_status agenthost_cache_client_open(const char *url,
                                                           const agenthost_cache_options *opts,
                                                           agenthost_cache_client **out);
/* Opens a client configured from REDIS_URL and the REDIS_* variables. */
AGENTHOST_API agenthost_status agenthost_cache_client_open_env(agenthost_cache_client **out);
/* Closes and frees the client. NULL is ignored. */
AGENTHOST_API void agenthost_cache_client_close(agenthost_cache_client *c);
AGENTHOST_API agenthost_status agenthost_cache_client_ping(agenthost_cache_client *c);
/* Binary-safe value of len bytes; ttl_s 0 = no expiry. */
AGENTHOST_API agenthost_status agenthost_cache_client_set(agenthost_cache_client *c,
                                                          const char *key, const char *value,
                                                          size_t len, uint32_t ttl_s);
/* *value is a NUL-terminated copy (also binary-safe through *len), freed with agenthost_free.
 * AGENTHOST_NOT_FOUND when absent. */
AGENTHOST_API agenthost_status agenthost_cache_client_get(agenthost_cache_client *c,
                                                          const char *key, char **value,
                                                          size_t *len);
/* *removed = 1 when the key existed, else 0. removed may be NULL. */
AGENTHOST_API agenthost_status agenthost_cache_client_del(agenthost_cache_client *c,
                                                          const char *key, int *removed);

/* ---- SessionStore ------------------------------------------------------------------------ */
typedef struct agenthost_session_store agenthost_session_store;
typedef struct agenthost_session_page agenthost_session_page;

/* Borrows the cache client, which must outlive the store. options_json NULL = defaults:
 * {"key_prefix": "session:", "ttl_s": 3600}. */
AGENTHOST_API agenthost_status agenthost_session_store_open(agenthost_cache_client *c,
                                                            const char *options_json,
                                                            agenthost_session_store **out);
AGENTHOST_API void agenthost_session_store_close(agenthost_session_store *s);
/* request_json: {"model": str, "id"?: str, "parent_session_id"?: str, "owner_api_key"?: str,
 * "metadata"?: object}. *session_json freed with agenthost_free. */
AGENTHOST_API agenthost_status agenthost_session_store_create(agenthost_session_store *s,
                                                              const char *request_json,
                                                              char **session_json);
AGENTHOST_API agenthost_status agenthost_session_store_get(agenthost_session_store *s,
                                                           const char *id,
                                                           const char *owner_api_key,
                                                           char **session_json);
/* patch_json: {"status"?, "total_turns"?, "increment_turns"?: bool, "total_cost_usd"?,
 * "metadata"?}. */
AGENTHOST_API agenthost_status agenthost_session_store_update(agenthost_session_store *s,
                                                              const char *id,
                                                              const char *owner_api_key,
                                                              const char *patch_json,
                                                              char **session_json);
AGENTHOST_API agenthost_status agenthost_session_store_delete(agenthost_session_store *s,
                                                              const char *id,
                                                              const char *owner_api_key);
/* Adds every session:* record to the indexes it belongs in (add-only: stale entries are removed
 * by the listings that meet them); *indexed = number of sessions indexed. */
AGENTHOST_API agenthost_status agenthost_session_store_reindex(agenthost_session_store *s,
                                                               uint64_t *indexed);
/* query_json: {"owner_api_key"?, "status"?, "page"?, "page_size"?, "cursor"?}; NULL = defaults. */
AGENTHOST_API agenthost_status agenthost_session_store_list(agenthost_session_store *s,
                                                            const char *query_json,
                                                            agenthost_session_page **out);
AGENTHOST_API size_t agenthost_session_page_count(const agenthost_session_page *p);
AGENTHOST_API uint64_t agenthost_session_page_total(const agenthost_session_page *p);
/* One session's JSON; NULL when i is out of range. */
AGENTHOST_API const char *agenthost_session_page_item(const agenthost_session_page *p, size_t i,
                                                      size_t *len);
/* {"sessions":[...],"total":N,"page":P,"page_size":S,"next_cursor":str|null,"skipped_corrupt":K} */
AGENTHOST_API const char *agenthost_session_page_json(const agenthost_session_page *p, size_t *len);
AGENTHOST_API void agenthost_session_page_free(agenthost_session_page *p);

/* ---- HookPolicy -------------------------------------------------------------------------- */
typedef struct agenthost_hook_policy agenthost_hook_policy;
typedef struct agenthost_verdict agenthost_verdict;

typedef struct agenthost_hook_options {
  uint32_t struct_size; /* sizeof(agenthost_hook_options), set by agenthost_hook_options_init */
  int allow_private_networks;
  uint32_t max_response_bytes;
  uint32_t breaker_failure_threshold;
  uint32_t breaker_cooldown_ms;
} agenthost_hook_options;

AGENTHOST_API void agenthost_hook_options_init(agenthost_hook_options *opts);
AGENTHOST_API agenthost_status agenthost_hook_policy_create(const char *config_json,
                                                            const agenthost_hook_options *opts,
                                                            agenthost_hook_policy **out);
AGENTHOST_API void agenthost_hook_policy_free(agenthost_hook_policy *p);
/* On any non-OK status, *out (when out is not NULL) is still a DENY verdict: a host that
 * ignores the status fails closed. */
AGENTHOST_API agenthost_status agenthost_hook_policy_evaluate(agenthost_hook_policy *p,
                                                              const char *input_json, size_t len,
                                                              agenthost_verdict **out);

typedef enum agenthost_decision {
  AGENTHOST_ALLOW = 0,
  AGENTHOST_DENY = 1,
  AGENTHOST_ASK = 2
} agenthost_decision;

/* NULL verdict = AGENTHOST_DENY. */
AGENTHOST_API agenthost_decision agenthost_verdict_decision(const agenthost_verdict *v);
AGENTHOST_API const char *agenthost_verdict_reason(const agenthost_verdict *v);
/* {"decision","reason","failed":bool,"error":str|null,"updated_input":obj|null,
 *  "hooks":[{"url","status","latency_ms","error"}]} */
AGENTHOST_API const char *agenthost_verdict_json(const agenthost_verdict *v, size_t *len);
AGENTHOST_API void agenthost_verdict_free(agenthost_verdict *v);

#ifdef __cplusplus
}
#endif

#endif /* AGENTHOST_H */
