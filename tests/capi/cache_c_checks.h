/* C99 checks of the CacheClient part of the C ABI. They use only agenthost.h; the Catch2 cases in
 * cache_c_test.cpp call them. Each returns 1 when the check passed, otherwise 0 with a
 * description of the first failure in why[cap]. */
#ifndef AGENTHOST_TEST_CACHE_C_CHECKS_H
#define AGENTHOST_TEST_CACHE_C_CHECKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int capi_check_null_arguments(char *why, size_t cap);
int capi_check_status_names(char *why, size_t cap);
int capi_check_version(const char *expected, char *why, size_t cap);
int capi_check_last_error_is_per_thread(char *why, size_t cap);
int capi_check_options(char *why, size_t cap);
int capi_check_tls_options(char *why, size_t cap);
int capi_check_tls_round_trip(const char *url, const char *ca, const char *cert, const char *key,
                              const char *prefix, char *why, size_t cap);
int capi_check_open_env(const char *url, char *why, size_t cap);
/* Against a server: url is memory:// or the Redis fixture; keys start with prefix. */
int capi_check_set_get_del(const char *url, const char *prefix, char *why, size_t cap);
int capi_check_not_found(const char *url, const char *prefix, char *why, size_t cap);
int capi_check_binary_values(const char *url, const char *prefix, char *why, size_t cap);
int capi_check_ttl(const char *url, const char *prefix, char *why, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
