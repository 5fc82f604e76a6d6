// Runs the C99 checks of the hook option struct's init functions (hook_options_c_checks.c).
#include <catch2/catch.hpp>

#include "capi/c_check.hpp"
#include "capi/hook_options_c_checks.h"

namespace {
using agenthost::test::why;
}  // namespace

TEST_CASE("capi hook options: the init macro fills the defaults and the whole struct_size") {
  C_CHECK(capi_check_hook_options_init_macro(why, sizeof why));
}

TEST_CASE("capi hook options: init_sized writes only the fields that fit in a shorter struct") {
  C_CHECK(capi_check_hook_options_init_sized_prefix(why, sizeof why));
}

TEST_CASE("capi hook options: init_sized fills the known fields of a longer struct") {
  C_CHECK(capi_check_hook_options_init_sized_longer(why, sizeof why));
}

TEST_CASE("capi hook options: the exported init fills the 0.1 struct") {
  C_CHECK(capi_check_hook_options_init_exported(why, sizeof why));
}
