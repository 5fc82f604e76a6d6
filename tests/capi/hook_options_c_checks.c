/* Compiled as C99: the hook option struct's init functions write exactly the fields that fit in
 * the size they are given, and a struct they filled creates a policy with the defaults. */
#include "hook_options_c_checks.h"

#include <agenthost.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXPECT(cond, ...)              \
  do {                                 \
    if (!(cond)) {                     \
      snprintf(why, cap, __VA_ARGS__); \
      return 0;                        \
    }                                  \
  } while (0)

/* The bytes of `p` from `from` to `to` all still hold the fill pattern. */
static int untouched(const void *p, size_t from, size_t to) {
  const unsigned char *bytes = (const unsigned char *)p;
  size_t i;
  for (i = from; i < to; ++i) {
    if (bytes[i] != 0xAB) return 0;
  }
  return 1;
}

static int defaults_in_full(const agenthost_hook_options *opts) {
  return opts->allow_private_networks == 0 && opts->max_response_bytes == 65536u &&
         opts->breaker_failure_threshold == 5u && opts->breaker_cooldown_ms == 10000u;
}

int capi_check_hook_options_init_macro(char *why, size_t cap) {
  agenthost_hook_options opts;
  agenthost_hook_policy *policy = NULL;
  agenthost_status st;

  memset(&opts, 0xAB, sizeof opts);
  agenthost_hook_options_init(&opts); /* the macro: agenthost_hook_options_init_sized */
  EXPECT(opts.struct_size == sizeof opts, "init: struct_size %u, sizeof %u",
         (unsigned)opts.struct_size, (unsigned)sizeof opts);
  EXPECT(defaults_in_full(&opts), "init: not the defaults (max_response_bytes %u)",
         (unsigned)opts.max_response_bytes);
  st = agenthost_hook_policy_create("{}", &opts, &policy);
  EXPECT(st == AGENTHOST_OK, "create with init's struct: %s", agenthost_last_error());
  agenthost_hook_policy_free(policy);

  agenthost_hook_options_init(NULL); /* ignored */
  agenthost_hook_options_init_sized(NULL, sizeof opts);
  return 1;
}

int capi_check_hook_options_init_sized_prefix(char *why, size_t cap) {
  agenthost_hook_options opts;
  agenthost_hook_policy *policy = NULL;
  const size_t prefix = offsetof(agenthost_hook_options, max_response_bytes);
  agenthost_status st;

  /* A struct that ends after allow_private_networks: nothing after it is written. */
  memset(&opts, 0xAB, sizeof opts);
  agenthost_hook_options_init_sized(&opts, prefix);
  EXPECT(opts.struct_size == prefix && opts.allow_private_networks == 0,
         "init_sized(prefix): struct_size %u, allow_private_networks %d",
         (unsigned)opts.struct_size, opts.allow_private_networks);
  EXPECT(untouched(&opts, prefix, sizeof opts), "init_sized(prefix) wrote past %u bytes",
         (unsigned)prefix);
  /* The library reads only that prefix: the garbage after it is not validated. */
  st = agenthost_hook_policy_create("{}", &opts, &policy);
  EXPECT(st == AGENTHOST_OK, "create with a prefix struct: %s", agenthost_last_error());
  agenthost_hook_policy_free(policy);

  /* Room for struct_size only: struct_size is set, which create then refuses. */
  memset(&opts, 0xAB, sizeof opts);
  agenthost_hook_options_init_sized(&opts, sizeof(uint32_t));
  EXPECT(opts.struct_size == sizeof(uint32_t), "init_sized(4): struct_size %u",
         (unsigned)opts.struct_size);
  EXPECT(untouched(&opts, sizeof(uint32_t), sizeof opts), "init_sized(4) wrote past 4 bytes");
  policy = (agenthost_hook_policy *)&opts;
  st = agenthost_hook_policy_create("{}", &opts, &policy);
  EXPECT(st == AGENTHOST_INVALID_ARGUMENT && policy == NULL &&
             strstr(agenthost_last_error(), "struct_size") != NULL,
         "create with struct_size 4: %s, '%s'", agenthost_status_name(st), agenthost_last_error());

  /* Less than struct_size itself: nothing is written. */
  memset(&opts, 0xAB, sizeof opts);
  agenthost_hook_options_init_sized(&opts, 2);
  EXPECT(untouched(&opts, 0, sizeof opts), "init_sized(2) wrote into the struct");
  return 1;
}

int capi_check_hook_options_init_sized_longer(char *why, size_t cap) {
  /* A host built against a newer header (a longer struct): the fields this library knows get
     their defaults, struct_size says how many bytes that was, the rest is left alone. */
  struct {
    agenthost_hook_options known;
    uint32_t future[4];
  } longer;
  agenthost_hook_policy *policy = NULL;
  agenthost_status st;

  memset(&longer, 0xAB, sizeof longer);
  agenthost_hook_options_init_sized(&longer.known, sizeof longer);
  EXPECT(longer.known.struct_size == sizeof longer.known, "init_sized(longer): struct_size %u",
         (unsigned)longer.known.struct_size);
  EXPECT(defaults_in_full(&longer.known), "init_sized(longer): not the defaults");
  EXPECT(
      untouched(&longer, offsetof(agenthost_hook_options, breaker_cooldown_ms) + 4, sizeof longer),
      "init_sized(longer) wrote past the fields it knows");
  st = agenthost_hook_policy_create("{}", &longer.known, &policy);
  EXPECT(st == AGENTHOST_OK, "create with a filled longer struct: %s", agenthost_last_error());
  agenthost_hook_policy_free(policy);
  return 1;
}

int capi_check_hook_options_init_exported(char *why, size_t cap) {
  /* The exported function itself (what ctypes calls): the five fields of the 0.1 struct. */
  agenthost_hook_options opts;
  const size_t first = offsetof(agenthost_hook_options, breaker_cooldown_ms) + sizeof(uint32_t);

  memset(&opts, 0xAB, sizeof opts);
  (agenthost_hook_options_init)(&opts);
  EXPECT(opts.struct_size == first, "exported init: struct_size %u, expected %u",
         (unsigned)opts.struct_size, (unsigned)first);
  EXPECT(defaults_in_full(&opts), "exported init: not the defaults");
  EXPECT(untouched(&opts, first, sizeof opts), "exported init wrote past the 0.1 struct");
  (agenthost_hook_options_init)(NULL);
  return 1;
}
