/* agenthost C ABI: opaque handles, status codes, per-thread last error.
 * docs/c-abi.md and docs/design.md ("The C ABI") say the same at more length.
 *
 * Calls
 *  - Every function returns agenthost_status unless it cannot fail; out-parameters come last.
 *  - No exception crosses this boundary; agenthost_last_error() gives the calling thread's
 *    message of its last failed call.
 *  - A NULL argument that is not documented as optional is AGENTHOST_INVALID_ARGUMENT.
 *  - Every JSON text passed in (options, requests, queries, patches, hook configurations and
 *    input) with a key given twice in any of its objects, nested ones included, is
 *    AGENTHOST_INVALID_ARGUMENT naming the key's path (never a value): JSON readers disagree on
 *    which of the two counts, so the library reads neither.
 *  - On failure, pointer out-parameters are set to NULL (and lengths/counts to 0) whenever the
 *    out-parameter itself is not NULL, so a host never frees garbage. The one exception,
 *    agenthost_hook_policy_evaluate, hands out a DENY verdict instead.
 *
 * Lifecycle: which verb pair ends which handle
 *  - A handle the library makes is ended by the library; the verb pair says what kind it is:
 *    - open / close: handles that stand for a data store and its connections:
 *      agenthost_cache_client_open[_env] / agenthost_cache_client_close,
 *      agenthost_session_store_open / agenthost_session_store_close;
 *    - create / free: an object built in memory from a configuration:
 *      agenthost_hook_policy_create / agenthost_hook_policy_free;
 *    - free alone: results a call hands out (agenthost_session_page_free,
 *      agenthost_verdict_free) and strings and buffers returned through `char **`
 *      out-parameters (agenthost_free, which never takes a handle or an accessor's pointer).
 *  - Every close / free function accepts NULL; ending a handle twice, or while another thread
 *    still uses it, is undefined behaviour (as with free()).
 *  - A handle that borrows another (a session store borrows its cache client) is ended first.
 *
 * Strings and memory
 *  - Strings are UTF-8 and NUL-terminated. Those the library returns through `char **`
 *    out-parameters belong to the caller (agenthost_free). Pointers returned by accessors
 *    (agenthost_session_page_item, agenthost_verdict_json, the view structs' fields, ...) belong
 *    to their handle and stay valid until it is freed. Binary data comes with a length.
 *
 * Booleans
 *  - A boolean is an `int` (one field, agenthost_cache_options.tls_insecure_skip_verify, is a
 *    `uint32_t`): 0 is false and 1 is true. The library writes only 0 or 1. It reads any
 *    non-zero value as true, except tls_insecure_skip_verify, which turns certificate checks off
 *    and so accepts only 0 and 1 (anything else is AGENTHOST_INVALID_ARGUMENT).
 *
 * struct_size: every struct that crosses the boundary starts with `uint32_t struct_size`
 *  - Fields are only ever appended; a struct's layout up to its last field never changes.
 *  - Option structs (agenthost_cache_options, agenthost_hook_options) are written by the host:
 *    fill them with the *_init macro, which sets struct_size to the sizeof of the header the
 *    host is compiled with, and then set fields. The library reads the fields that fit in
 *    struct_size and gives later ones their defaults; fields it does not know are ignored.
 *    A struct_size of 0, or too small to hold the first field after it, is
 *    AGENTHOST_INVALID_ARGUMENT (never "all defaults").
 *  - Result structs (agenthost_session_view, agenthost_session_page_meta) are written by the
 *    library: the host sets struct_size to its sizeof; the library fills the fields that fit and
 *    sets struct_size to the bytes it filled. Smaller than the struct of its first release is
 *    AGENTHOST_INVALID_ARGUMENT, and the struct is left as it was.
 *  - Structs the library passes to a callback (agenthost_event) carry the library's sizeof.
 *
 * Threads
 *  - A cache client, session store and hook policy may be used from many threads at once; a
 *    session page and a verdict are immutable and may be read from any thread.
 *
 * Versions
 *  - Enum numbers are part of the ABI. Functions are exported in the version node of the
 *    release that added them (AGENTHOST_0.1, AGENTHOST_0.2, ...); an exported function never
 *    changes meaning.
 *
 * Errors every call that talks to Redis can return (besides those listed per function):
 * AGENTHOST_TIMEOUT, AGENTHOST_CONNECTION, AGENTHOST_POOL_EXHAUSTED, AGENTHOST_PROTOCOL (an error
 * reply; Redis' text is in the last error), AGENTHOST_INTERNAL (a bug, or out of memory).
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

/* The version of this header; agenthost_version() gives the loaded library's. A host checks at
 * run time that the library's MAJOR matches AGENTHOST_VERSION_MAJOR (the SONAME carries it).
 * The build refuses to configure when these differ from the project's version. */
#define AGENTHOST_VERSION_MAJOR 0
#define AGENTHOST_VERSION_MINOR 3
#define AGENTHOST_VERSION_PATCH 0

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
/* The calling thread's message of its last failed call ("" after a successful call that can
 * fail). Owned by the library, UTF-8; valid until the thread's next agenthost call. Never NULL.
 * Never contains a password, API key or webhook secret. */
AGENTHOST_API const char *agenthost_last_error(void);
/* Frees memory the library returned through a char ** out-parameter. NULL is ignored. Never
 * pass it a handle (they have their own free functions) or a pointer from an accessor. */
AGENTHOST_API void agenthost_free(void *p);

/* ---- CacheClient ------------------------------------------------------------------------- */
typedef struct agenthost_cache_client agenthost_cache_client;

/* Out-of-range values are AGENTHOST_INVALID_ARGUMENT naming the field, never clamped. */
typedef struct agenthost_cache_options {
  uint32_t struct_size; /* sizeof(agenthost_cache_options), set by agenthost_cache_options_init */
  uint32_t max_connections;      /* 1..1000 */
  uint32_t connect_timeout_ms;   /* 1..300000 */
  uint32_t socket_timeout_ms;    /* 1..300000 */
  uint32_t pool_wait_timeout_ms; /* 0..300000; how long a call waits for a free connection */
  /* TLS, for rediss:// and rediss+cluster:// only (any of them set with another URL is
   * AGENTHOST_INVALID_ARGUMENT). NULL or "" = unset; the strings are read during the open call
   * only. The server's certificate is verified by default (against the CAs given, else the
   * system's), including its host name. */
  const char *tls_ca_file;           /* PEM bundle of trusted CAs */
  const char *tls_ca_dir;            /* directory of hashed CA certificates */
  const char *tls_cert_file;         /* client certificate (PEM), for mutual TLS */
  const char *tls_key_file;          /* its key (PEM, no passphrase); NULL = inside tls_cert_file */
  const char *tls_server_name;       /* SNI and the name to verify; NULL = the URL's host */
  uint32_t tls_insecure_skip_verify; /* 1 = accept any certificate (no authentication); 0 */
} agenthost_cache_options;

/* Fills *opts with the defaults (50 connections, 5000 ms timeouts, no TLS options) and sets
 * struct_size. NULL is ignored. It is a macro passing sizeof(agenthost_cache_options) of the
 * header it is compiled with to agenthost_cache_options_init_sized, which writes only the
 * fields that fit in `size` bytes: a program built against an older header (a shorter struct)
 * keeps working with a newer library. The exported function of the same name (for bindings
 * such as ctypes, and programs whose struct ends before the TLS fields) fills the five fields of
 * the 0.1 struct only. */
AGENTHOST_API void agenthost_cache_options_init_sized(agenthost_cache_options *opts, size_t size);
AGENTHOST_API void agenthost_cache_options_init(agenthost_cache_options *opts);
#define agenthost_cache_options_init(opts) \
  agenthost_cache_options_init_sized((opts), sizeof(agenthost_cache_options))
/* Opens a client for url (redis://, rediss://, redis+cluster://, rediss+cluster://, unix://,
 * memory://). Connections are made lazily, so a
 * server that is down shows up on the first call, not here. opts NULL = defaults. Thread-safe
 * handle: share one per process; free it with agenthost_cache_client_close.
 * Errors: AGENTHOST_INVALID_ARGUMENT (malformed URL, option out of range, bad struct_size, a TLS
 * file that cannot be loaded or a key that does not match its certificate, TLS options with a
 * URL that is not rediss://). A certificate the server presents is checked on the first call. */
AGENTHOST_API agenthost_status agenthost_cache_client_open(const char *url,
                                                           const agenthost_cache_options *opts,
                                                           agenthost_cache_client **out);
/* Opens a client configured from REDIS_URL and the REDIS_* variables (docs/configuration.md).
 * Errors: as agenthost_cache_client_open; AGENTHOST_INVALID_ARGUMENT names the variable whose
 * value is out of range or not a whole number. */
AGENTHOST_API agenthost_status agenthost_cache_client_open_env(agenthost_cache_client **out);
/* Closes its connections and frees the client. NULL is ignored. Close the session stores that
 * borrow it first, and only once no other thread is using it. */
AGENTHOST_API void agenthost_cache_client_close(agenthost_cache_client *c);
/* PING: AGENTHOST_OK when the server answers (always, for memory://). */
AGENTHOST_API agenthost_status agenthost_cache_client_ping(agenthost_cache_client *c);
/* Stores a binary-safe value of len bytes (value may contain NULs; it is copied); ttl_s 0 = no
 * expiry. An empty key is AGENTHOST_INVALID_ARGUMENT. */
AGENTHOST_API agenthost_status agenthost_cache_client_set(agenthost_cache_client *c,
                                                          const char *key, const char *value,
                                                          size_t len, uint32_t ttl_s);
/* *value is a NUL-terminated copy (also binary-safe through *len), owned by the caller and freed
 * with agenthost_free. AGENTHOST_NOT_FOUND when absent (*value NULL, *len 0). */
AGENTHOST_API agenthost_status agenthost_cache_client_get(agenthost_cache_client *c,
                                                          const char *key, char **value,
                                                          size_t *len);
/* Deletes key. *removed = 1 when the key existed, else 0 (deleting an absent key is not an
 * error). removed may be NULL. */
AGENTHOST_API agenthost_status agenthost_cache_client_del(agenthost_cache_client *c,
                                                          const char *key, int *removed);

/* ---- SessionStore ------------------------------------------------------------------------ */
typedef struct agenthost_session_store agenthost_session_store;
typedef struct agenthost_session_page agenthost_session_page;

/* Opens a store on the cache client, which it borrows: the client must outlive the store.
 * options_json: {"key_prefix"?: "session:", "index_prefix"?: "sessions:", "ttl_s"?: 60..86400};
 * an absent ttl_s (or options_json NULL) takes REDIS_SESSION_TTL, else 3600. Thread-safe handle;
 * free it with agenthost_session_store_close. No call to Redis is made here.
 * The durable tier (PostgreSQL the source of truth, Redis its cache): "database_url"?
 * (postgresql://, postgres:// or postgresql+driver://), "db_pool_size"? (1..1000, default 5),
 * "db_table"? ("sessions"), "db_connect_timeout_ms"?, "db_statement_timeout_ms"?,
 * "db_pool_wait_ms"? (default 5000 each), "db_cache_circuit_threshold"? (1..1000, default 3) and
 * "db_cache_circuit_cooldown_ms"? (default 5000): after that many consecutive Redis connection
 * failures the durable tier skips Redis for the cooldown, then probes it with the next call.
 * options_json NULL reads DATABASE_URL and DB_POOL_SIZE.
 * No connection is made here either.
 * Errors: AGENTHOST_INVALID_ARGUMENT (malformed JSON, unknown field, value out of range, an
 * index prefix inside the record keyspace, a database URL of another scheme),
 * AGENTHOST_UNSUPPORTED (a database URL on a Redis Cluster client). */
AGENTHOST_API agenthost_status agenthost_session_store_open(agenthost_cache_client *c,
                                                            const char *options_json,
                                                            agenthost_session_store **out);
/* Frees the store (not the cache client it borrows). NULL is ignored. */
AGENTHOST_API void agenthost_session_store_close(agenthost_session_store *s);
/* request_json: {"model": str, "id"?: str, "parent_session_id"?: str, "owner_api_key"?: str,
 * "metadata"?: object}. *session_json is the new session (without the owner's key or its hash),
 * owned by the caller and freed with agenthost_free.
 * Errors: AGENTHOST_INVALID_ARGUMENT (malformed JSON, unknown field, missing model, bad id or
 * metadata), AGENTHOST_CONFLICT (the id is in use). */
AGENTHOST_API agenthost_status agenthost_session_store_create(agenthost_session_store *s,
                                                              const char *request_json,
                                                              char **session_json);
/* owner_api_key NULL = any owner. *session_json is owned by the caller (agenthost_free).
 * Errors: AGENTHOST_NOT_FOUND (absent, expired, or another owner's: indistinguishable),
 * AGENTHOST_CORRUPT (the record cannot be decoded; with an owner key it reads as absent). */
AGENTHOST_API agenthost_status agenthost_session_store_get(agenthost_session_store *s,
                                                           const char *id,
                                                           const char *owner_api_key,
                                                           char **session_json);
/* Atomic partial update; refreshes updated_at and the TTL. patch_json: {"status"?,
 * "total_turns"?, "increment_turns"?: bool, "total_cost_usd"?, "metadata"?} (total_turns and
 * increment_turns exclude each other). owner_api_key NULL = any owner. *session_json is the
 * updated session, owned by the caller (agenthost_free).
 * Errors: AGENTHOST_INVALID_ARGUMENT (bad patch), AGENTHOST_NOT_FOUND (as for get),
 * AGENTHOST_CORRUPT, AGENTHOST_CONFLICT (too many concurrent writers to the same session). */
AGENTHOST_API agenthost_status agenthost_session_store_update(agenthost_session_store *s,
                                                              const char *id,
                                                              const char *owner_api_key,
                                                              const char *patch_json,
                                                              char **session_json);
/* Removes the record and its index entries together. owner_api_key NULL = any owner.
 * Errors: AGENTHOST_NOT_FOUND (as for get; an undecodable record can only be deleted without an
 * owner key). */
AGENTHOST_API agenthost_status agenthost_session_store_delete(agenthost_session_store *s,
                                                              const char *id,
                                                              const char *owner_api_key);
/* Adds every session:* record to the indexes it belongs in (add-only: stale entries are removed
 * by the listings that meet them); *indexed = number of sessions indexed. */
AGENTHOST_API agenthost_status agenthost_session_store_reindex(agenthost_session_store *s,
                                                               uint64_t *indexed);
/* One page of sessions, newest first. query_json: {"owner_api_key"?, "status"?, "page"? (>= 1),
 * "page_size"? (1..100, default 20), "cursor"?, and the metadata filters "mode"?, "project_id"?,
 * "tags"? (array: all present), "title"? (substring, case-insensitive), which need the durable
 * tier (AGENTHOST_UNSUPPORTED otherwise)}; NULL = defaults (every owner, page 1). *out is
 * freed with agenthost_session_page_free. Undecodable records are skipped and counted, not
 * errors.
 * Errors: AGENTHOST_INVALID_ARGUMENT (malformed query, value out of range, page > 1 with a
 * cursor, a cursor that is not a next_cursor passed back unchanged). */
AGENTHOST_API agenthost_status agenthost_session_store_list(agenthost_session_store *s,
                                                            const char *query_json,
                                                            agenthost_session_page **out);
/* Sessions on this page (0 for NULL). */
AGENTHOST_API size_t agenthost_session_page_count(const agenthost_session_page *p);
/* Sessions matching the query across all pages (0 for NULL). */
AGENTHOST_API uint64_t agenthost_session_page_total(const agenthost_session_page *p);
/* One session's JSON, NUL-terminated, owned by the page (valid until it is freed); *len (len may
 * be NULL) is its length. NULL (and *len 0) when p is NULL, i is out of range, or (only the first
 * time an item is read, when the page's items are built) memory runs out. */
AGENTHOST_API const char *agenthost_session_page_item(const agenthost_session_page *p, size_t i,
                                                      size_t *len);
/* The whole page, owned by the page (valid until it is freed), built the first time it is asked
 * for (agenthost_session_store_list builds no JSON); NULL for NULL, or when memory runs out:
 * {"sessions":[...],"total":N,"page":P,"page_size":S,"next_cursor":str|null,"skipped_corrupt":K,
 *  "corrupt_ids":[...]} */
AGENTHOST_API const char *agenthost_session_page_json(const agenthost_session_page *p, size_t *len);
/* One session of a page as fields, for hosts that build their own objects (the Python package
 * builds dicts from these without any JSON). Every pointer is owned by the page and stays valid
 * until it is freed; strings are UTF-8 and NUL-terminated, and their lengths are given because a
 * model name may hold U+0000. The values are those of the session's JSON (agenthost_session_page
 * _item) field for field. Since 0.2.
 * struct_size: the caller sets it to sizeof(agenthost_session_view); the library fills the fields
 * that fit in it and sets it to the number of bytes it filled, so a host built against a newer
 * header (with appended fields) can tell which fields an older library filled. */
typedef struct agenthost_session_view {
  uint32_t struct_size;
  const char *id;
  size_t id_len;
  const char *model;
  size_t model_len;
  const char *status;     /* "active", "completed" or "error" */
  const char *created_at; /* ISO-8601 as in the JSON ("2026-01-09T17:00:00.123456+00:00") */
  const char *updated_at;
  int64_t created_at_us; /* the same instants in microseconds since the Unix epoch, UTC */
  int64_t updated_at_us;
  int64_t total_turns;
  int has_total_cost_usd; /* 0 when the JSON's total_cost_usd is null */
  double total_cost_usd;
  const char *parent_session_id; /* NULL when null */
  size_t parent_session_id_len;
  const char *metadata_json; /* a minified JSON object; NULL when null */
  size_t metadata_json_len;
} agenthost_session_view;

/* Fills *out with session i of the page. Errors: AGENTHOST_INVALID_ARGUMENT (p or out NULL, i
 * out of range, struct_size smaller than the struct of 0.2), AGENTHOST_INTERNAL (out of memory
 * the first time a view of the page is read, when its times are written). *out is left as it was
 * on error. Since 0.2. */
AGENTHOST_API agenthost_status agenthost_session_page_view(const agenthost_session_page *p,
                                                           size_t i, agenthost_session_view *out);

/* The page apart from its sessions; struct_size as for agenthost_session_view. Since 0.2. */
typedef struct agenthost_session_page_meta {
  uint32_t struct_size;
  size_t count;   /* sessions on this page */
  uint64_t total; /* sessions matching the query across all pages */
  uint32_t page;
  uint32_t page_size;
  const char *next_cursor; /* NUL-terminated, owned by the page; NULL on the last page */
  uint64_t skipped_corrupt;
  size_t corrupt_id_count;
  const char *const *corrupt_ids; /* corrupt_id_count ids, NUL-terminated, owned by the page */
} agenthost_session_page_meta;

/* Fills *out. Errors: AGENTHOST_INVALID_ARGUMENT (p or out NULL, struct_size too small),
 * AGENTHOST_INTERNAL (out of memory). *out is left as it was on error. Since 0.2. */
AGENTHOST_API agenthost_status agenthost_session_page_describe(const agenthost_session_page *p,
                                                               agenthost_session_page_meta *out);
/* Frees the page and every string its accessors returned. NULL is ignored. */
AGENTHOST_API void agenthost_session_page_free(agenthost_session_page *p);

/* ---- HookPolicy -------------------------------------------------------------------------- */
typedef struct agenthost_hook_policy agenthost_hook_policy;
typedef struct agenthost_verdict agenthost_verdict;

/* Out-of-range values are AGENTHOST_INVALID_ARGUMENT naming the field, never clamped. */
typedef struct agenthost_hook_options {
  uint32_t struct_size; /* sizeof(agenthost_hook_options), set by agenthost_hook_options_init */
  /* 0 (default): connections to loopback, private and link-local addresses are refused */
  int allow_private_networks;
  uint32_t max_response_bytes;        /* 1..67108864, default 65536 */
  uint32_t breaker_failure_threshold; /* 1..1000000 consecutive failures, default 5 */
  uint32_t breaker_cooldown_ms;       /* 1..86400000, default 10000 */
} agenthost_hook_options;

/* Fills *opts with the defaults and sets struct_size. NULL is ignored. As for
 * agenthost_cache_options_init, it is a macro passing sizeof(agenthost_hook_options) of the
 * header it is compiled with to agenthost_hook_options_init_sized, which writes only the fields
 * that fit in `size` bytes and sets struct_size to the bytes it filled. The exported function of
 * the same name (for bindings such as ctypes) fills the fields of the 0.1 struct only, so a
 * caller whose struct is that one is never written past its end. agenthost_hook_options_init_sized
 * since 0.3. */
AGENTHOST_API void agenthost_hook_options_init_sized(agenthost_hook_options *opts, size_t size);
AGENTHOST_API void agenthost_hook_options_init(agenthost_hook_options *opts);
#define agenthost_hook_options_init(opts) \
  agenthost_hook_options_init_sized((opts), sizeof(agenthost_hook_options))
/* Parses and checks config_json (docs/hooks.md: event -> hook | [hook...], or Claude Code's
 * settings file {"hooks": {event: [{"matcher", "hooks": [{"type": "http", ...}]}]}}); opts NULL =
 * defaults. Nothing is sent here. Thread-safe handle, freed with agenthost_hook_policy_free.
 * Errors: AGENTHOST_INVALID_ARGUMENT naming the event, the hook index and the field (malformed
 * JSON, bad URL, invalid matcher regex, timeout out of range, ...), or a bad option. */
AGENTHOST_API agenthost_status agenthost_hook_policy_create(const char *config_json,
                                                            const agenthost_hook_options *opts,
                                                            agenthost_hook_policy **out);
/* Frees the policy. NULL is ignored; no agenthost_hook_policy_evaluate may be running on it.
 * Asynchronous evaluations still in flight are cancelled: their callbacks run (with the
 * cancelled verdict) before this returns, and no callback runs after it. May be called from
 * inside a verdict callback. */
AGENTHOST_API void agenthost_hook_policy_free(agenthost_hook_policy *p);
/* Evaluates the hook input (len bytes of JSON; no NUL needed) against the matching hooks,
 * concurrently, blocking at most the longest matching hook's timeout. Safe to call from many
 * threads at once. Hook failures (timeout, refused, non-2xx, bad reply, open circuit) are not
 * errors: they return AGENTHOST_OK with the hook's on_failure decision and "failed": true.
 * *out is freed with agenthost_verdict_free.
 * Errors: AGENTHOST_INVALID_ARGUMENT (input not a JSON object, too large or deep, no event name,
 * a key given twice).
 * On any non-OK status, *out (when out is not NULL) is still a DENY verdict: a host that
 * ignores the status fails closed. */
AGENTHOST_API agenthost_status agenthost_hook_policy_evaluate(agenthost_hook_policy *p,
                                                              const char *input_json, size_t len,
                                                              agenthost_verdict **out);

/* Receives the verdict of an asynchronous evaluation, which it owns (free it with
 * agenthost_verdict_free). status is AGENTHOST_OK, or AGENTHOST_INTERNAL when the verdict could
 * not be allocated (verdict is then a static DENY verdict that agenthost_verdict_free ignores);
 * verdict is never NULL. `user` is the pointer given to agenthost_hook_policy_evaluate_async. */
typedef void (*agenthost_verdict_callback)(void *user, agenthost_status status,
                                           agenthost_verdict *verdict);

/* Starts the evaluation agenthost_hook_policy_evaluate would make, without blocking: the hooks run
 * on the policy's own event loop thread (started on first use; one libcurl multi handle drives
 * every evaluation in flight, so 1,000 of them need no thread each). callback is called exactly
 * once, on that thread, with the verdict the synchronous call would have returned (the same
 * failures fail closed the same way; breakers, counters and the decision log count it), or with
 * the cancelled verdict (DENY, "failed": true, "error": "cancelled") when it is cancelled or the
 * policy is freed first. The callback may run before this function returns; it must not block
 * for long (it holds up the policy's other evaluations). *ticket (ticket may be NULL) identifies
 * the evaluation for agenthost_hook_policy_cancel; never 0.
 * Errors: AGENTHOST_INVALID_ARGUMENT (the input agenthost_hook_policy_evaluate refuses, NULL
 * callback), AGENTHOST_INTERNAL (out of memory, no thread). On any error the callback is never
 * called and *ticket is 0. */
AGENTHOST_API agenthost_status agenthost_hook_policy_evaluate_async(
    agenthost_hook_policy *p, const char *input_json, size_t len,
    agenthost_verdict_callback callback, void *user, uint64_t *ticket);
/* Cancels an asynchronous evaluation whose callback has not started: its requests are dropped
 * (its hooks' circuit breakers count it neither way) and its callback runs with the cancelled
 * verdict before this returns (on the loop thread, or on the calling thread when that is the
 * loop thread: it may be called from a callback).
 * Errors: AGENTHOST_NOT_FOUND (the callback has already started or run, or no such ticket). */
AGENTHOST_API agenthost_status agenthost_hook_policy_cancel(agenthost_hook_policy *p,
                                                            uint64_t ticket);

/* AGENTHOST_DEFER: the hooks abstain and the host applies its normal permission flow (Claude
 * Code's permissionDecision "defer"); it is a decision, not a failure. A host that only acts on
 * AGENTHOST_ALLOW fails closed on every other value. */
typedef enum agenthost_decision {
  AGENTHOST_ALLOW = 0,
  AGENTHOST_DENY = 1,
  AGENTHOST_ASK = 2,
  AGENTHOST_DEFER = 3
} agenthost_decision;

/* "allow", "deny", "ask" or "defer"; "deny" for a value that is none of them. Never NULL. */
AGENTHOST_API const char *agenthost_decision_name(agenthost_decision d);
/* The combined decision (deny > defer > ask > allow). NULL verdict = AGENTHOST_DENY. */
AGENTHOST_API agenthost_decision agenthost_verdict_decision(const agenthost_verdict *v);
/* The reasons of the deciding hooks, joined by "; " (or why nothing was called). Owned by the
 * verdict (valid until it is freed). Never NULL: for a NULL verdict, "no verdict". */
AGENTHOST_API const char *agenthost_verdict_reason(const agenthost_verdict *v);
/* The whole verdict, owned by the verdict (valid until it is freed); *len (len may be NULL) is
 * its length. Never NULL: a NULL verdict reads as a failed deny.
 * {"decision","reason","failed":bool,"error":str|null,"updated_input":obj|null,
 *  "updated_permissions":array|null,"continue":bool,"stop_reason":str|null,
 *  "additional_context":[str...],"system_message":str|null,"suppress_output":bool,
 *  "interrupt":bool,"hooks":[{"url","status","latency_ms","decision","error",
 *  "hook_specific_output":obj|null}]} */
AGENTHOST_API const char *agenthost_verdict_json(const agenthost_verdict *v, size_t *len);
/* Frees the verdict and the strings its accessors returned. NULL is ignored. */
AGENTHOST_API void agenthost_verdict_free(agenthost_verdict *v);

/* Metrics. Any of c, s and p may be NULL (left out); all three NULL gives an empty exposition
 * ("" or "{}"). Safe to call while other threads use the handles. *text / *json is the caller's
 * (agenthost_free); NULL on failure.
 *
 * agenthost_metrics_prometheus: the Prometheus text exposition format (0.0.4), for a host's
 * /metrics endpoint. Families: agenthost_redis_* (the pool: connections by state, created, waits,
 * wait timeouts, reconnects, idle checks, retries, errors by class), agenthost_session_*
 * (operations, errors and a latency histogram by operation; corrupt records; index repairs),
 * agenthost_hook_* (evaluations by event and decision; per hook, labelled event, hook (its index)
 * and url (without user-info, query or fragment): decisions, failures by error class, circuit
 * state, circuit openings, a call latency histogram). Render each handle once per exposition:
 * two cache clients in one text would repeat a family.
 * agenthost_metrics_json: the same families as {"<family>": {"type","help","samples":[{"labels":
 * {...},"value":N} or {"labels":{...},"buckets":[[le,cumulative]...,["+Inf",N]],"count","sum"}]}}.
 */
AGENTHOST_API agenthost_status agenthost_metrics_prometheus(const agenthost_cache_client *c,
                                                            const agenthost_session_store *s,
                                                            const agenthost_hook_policy *p,
                                                            char **text);
AGENTHOST_API agenthost_status agenthost_metrics_json(const agenthost_cache_client *c,
                                                      const agenthost_session_store *s,
                                                      const agenthost_hook_policy *p, char **json);

/* The library's internal events. The numbers are part of the ABI. */
typedef enum agenthost_event_kind {
  AGENTHOST_EVENT_REDIS_RECONNECT = 1,         /* a broken Redis connection was replaced */
  AGENTHOST_EVENT_REDIS_CONNECT_FAILED = 2,    /* opening a Redis connection failed */
  AGENTHOST_EVENT_REDIS_POOL_EXHAUSTED = 3,    /* a borrow gave up waiting for a connection */
  AGENTHOST_EVENT_HOOK_CIRCUIT_OPENED = 4,     /* a hook's circuit opened */
  AGENTHOST_EVENT_HOOK_CIRCUIT_CLOSED = 5,     /* a call succeeded: the circuit closed again */
  AGENTHOST_EVENT_SESSION_INDEX_REPAIRED = 6,  /* a listing repaired stale index entries */
  AGENTHOST_EVENT_SESSION_CORRUPT_RECORD = 7,  /* a session record could not be decoded */
  AGENTHOST_EVENT_SESSION_DB_INDEX_MISSING = 8 /* the durable table lacks listing indexes */
} agenthost_event_kind;

typedef struct agenthost_event {
  uint32_t struct_size; /* sizeof(agenthost_event) of the library; fields are only appended */
  agenthost_event_kind kind;
  const char *kind_name; /* "redis_reconnect", ... */
  const char *subject;   /* "127.0.0.1:6379", "PreToolUse[0]", a session id, an index key */
  const char *detail;    /* a short explanation; never a password, API key or secret */
} agenthost_event;

/* Receives an internal event. The event and its strings are valid only during the call. */
typedef void (*agenthost_event_callback)(void *user, const agenthost_event *event);

/* Sets the library's one event callback (NULL removes it); it hears the events of every handle
 * of this library in the process (a C++ copy of agenthost linked beside it has a listener of its
 * own). It is called on the thread where the
 * event happened, never while the library holds a lock; it must return quickly and must not wait
 * for other threads' agenthost calls. Events that happen inside the callback on its own thread are
 * not delivered. When this returns, no call of the previous callback is running and none will
 * start, so its `user` may be freed. Calling it from inside the callback is
 * AGENTHOST_INVALID_ARGUMENT. */
AGENTHOST_API agenthost_status agenthost_set_event_callback(agenthost_event_callback callback,
                                                            void *user);

#ifdef __cplusplus
}
#endif

#endif /* AGENTHOST_H */
