# HookPolicy tests. Integration tests start tests/integration/hooks/webhook_server.py (stdlib
# only, run with /usr/bin/python3) on a free 127.0.0.1 port and stop it by PID.
add_library(agenthost_hooks_test_support STATIC integration/hooks/webhook_server.cpp)
target_include_directories(agenthost_hooks_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(agenthost_hooks_test_support PRIVATE
  AGENTHOST_WEBHOOK_SERVER_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/integration/hooks/webhook_server.py")
target_link_libraries(agenthost_hooks_test_support PUBLIC agenthost agenthost_test_support CURL::libcurl)
agenthost_set_warnings(agenthost_hooks_test_support)

agenthost_add_catch_test(unit_hooks
  SOURCES unit/hooks/config_test.cpp unit/hooks/reply_input_test.cpp
          unit/hooks/guard_signing_breaker_test.cpp
  LIBS OpenSSL::Crypto)

agenthost_add_catch_test(integration_hooks
  SOURCES integration/hooks/failure_matrix_test.cpp integration/hooks/policy_test.cpp
          integration/hooks/concurrency_test.cpp integration/hooks/capi_hooks_test.cpp
          integration/hooks/claude_code_test.cpp integration/hooks/async_test.cpp
          integration/hooks/capi_async_test.cpp integration/hooks/stray_reply_test.cpp
  LIBS agenthost_hooks_test_support agenthost_c)
# concurrency_test.cpp's 16 evaluating threads, stray_reply_test.cpp's 8, and the event loop
# thread with its cancellations and destruction (async_test.cpp, capi_async_test.cpp), also run
# under TSan (label `concurrency`).
agenthost_label_tests(integration_hooks concurrency
                      "threads evaluating|in flight|callback may|threads cancelling")
