/* C99 checks of the hook option struct's initialisation (agenthost_hook_options_init and
 * agenthost_hook_options_init_sized). They use only agenthost.h; hook_options_c_test.cpp calls
 * them. Each returns 1 when the check passed, otherwise 0 with the first failure in why[cap]. */
#ifndef AGENTHOST_TEST_HOOK_OPTIONS_C_CHECKS_H
#define AGENTHOST_TEST_HOOK_OPTIONS_C_CHECKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int capi_check_hook_options_init_macro(char *why, size_t cap);
int capi_check_hook_options_init_sized_prefix(char *why, size_t cap);
int capi_check_hook_options_init_sized_longer(char *why, size_t cap);
int capi_check_hook_options_init_exported(char *why, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* AGENTHOST_TEST_HOOK_OPTIONS_C_CHECKS_H */
