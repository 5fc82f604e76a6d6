# Redis backend of CacheClient: URL/options parsing (no server) and fault tests (real
# redis-server: the shared fixture, or private servers the tests stop, pause and restart).
agenthost_add_catch_test(unit_cache_redis
  SOURCES unit/cache/redis_url_test.cpp unit/cache/cache_options_test.cpp)

# Private redis-servers (stopped, paused, restarted, password-protected): no shared fixture.
agenthost_add_catch_test(integration_cache_redis_faults
  SOURCES integration/cache/redis_faults_test.cpp integration/cache/redis_endpoint_test.cpp
          integration/cache/redis_pool_test.cpp)
target_include_directories(integration_cache_redis_faults PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
# The cases with borrower threads also run under TSan (label `concurrency`).
agenthost_label_tests(integration_cache_redis_faults concurrency
  "borrower|pool is full|recovers after restart")

agenthost_add_catch_test(integration_cache_redis_concurrency REDIS
  SOURCES integration/cache/redis_concurrency_test.cpp LABELS concurrency)
target_include_directories(integration_cache_redis_concurrency PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})

# The C ABI's exception guard, with allocation failures injected (operator new is replaced in
# this executable, so it compiles the C ABI's guard.cpp itself rather than linking agenthost_c).
agenthost_add_catch_test(unit_capi_guard
  SOURCES capi/guard_test.cpp support/failing_new.cpp
          ${PROJECT_SOURCE_DIR}/capi/src/guard.cpp)
target_include_directories(unit_capi_guard PRIVATE
  ${PROJECT_SOURCE_DIR}/capi/src ${PROJECT_SOURCE_DIR}/capi/include ${PROJECT_SOURCE_DIR}/src)

# An allocation failure injected while replies are read (operator new is replaced in this
# executable only).
agenthost_add_catch_test(integration_cache_redis_alloc_failure REDIS
  SOURCES integration/cache/redis_alloc_failure_test.cpp support/failing_new.cpp)
target_include_directories(integration_cache_redis_alloc_failure PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR})
