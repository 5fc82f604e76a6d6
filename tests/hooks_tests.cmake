# HookPolicy tests. Integration tests start tests/support/webhook_server.py (stdlib
# only, run with /usr/bin/python3) on a free 127.0.0.1 port and stop it by PID.
add_library(agenthost_hooks_test_support STATIC support/webhook_server.cpp)
target_include_directories(agenthost_hooks_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(agenthost_hooks_test_support PRIVATE
  AGENTHOST_WEBHOOK_SERVER_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/support/webhook_server.py")
target_link_libraries(agenthost_hooks_test_support PUBLIC agenthost agenthost_test_support CURL::libcurl)
agenthost_set_warnings(agenthost_hooks_test_support)

agenthost_add_catch_test(unit_hooks
  SOURCES unit/hooks/config_test.cpp unit/hooks/reply_input_test.cpp
          unit/hooks/guard_signing_breaker_test.cpp
  LIBS OpenSSL::Crypto)

agenthost_add_catch_test(integration_hooks
  SOURCES integration/hooks/failure_matrix_test.cpp integration/hooks/policy_test.cpp
          integration/hooks/concurrency_test.cpp capi/hooks_test.cpp
          integration/hooks/claude_code_test.cpp integration/hooks/async_test.cpp
          capi/hooks_async_test.cpp integration/hooks/stray_reply_test.cpp
  LIBS agenthost_hooks_test_support agenthost_c)
# concurrency_test.cpp's 16 evaluating threads, stray_reply_test.cpp's 8, and the event loop
# thread with its cancellations and destruction (async_test.cpp, capi/hooks_async_test.cpp), also
# run under TSan (label `concurrency`).
agenthost_label_tests(integration_hooks concurrency
                      "threads evaluating|in flight|callback may|threads cancelling")

# The hook option struct's init functions, from C99 code that sees only agenthost.h.
add_library(capi_hook_options_checks OBJECT capi/hook_options_c_checks.c)
set_target_properties(capi_hook_options_checks PROPERTIES
  C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
target_include_directories(capi_hook_options_checks PRIVATE
  $<TARGET_PROPERTY:agenthost_c,INTERFACE_INCLUDE_DIRECTORIES>)
agenthost_set_warnings(capi_hook_options_checks)
agenthost_add_catch_test(capi_hook_options
  SOURCES capi/hook_options_c_test.cpp $<TARGET_OBJECTS:capi_hook_options_checks>
  LIBS agenthost_c)
target_include_directories(capi_hook_options PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
