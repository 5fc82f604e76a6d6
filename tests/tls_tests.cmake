# Redis over TLS (rediss://), label `tls`: the CacheClient contract and the SessionStore contract
# on the shared TLS redis-server (fixture `redis_tls`, mutual TLS), and the TLS cases of their own
# (certificate errors, mismatches, stalls) on private servers using the fixture's certificates.
agenthost_add_catch_test(cache_contract_tls LABELS tls FIXTURES redis_tls
  SOURCES integration/cache/contract_tls.cpp $<TARGET_OBJECTS:cache_contract_cases>)
agenthost_add_catch_test(integration_sessions_tls LABELS tls FIXTURES redis_tls
  SOURCES integration/sessions/store_contract_test.cpp)
target_compile_definitions(integration_sessions_tls PRIVATE AGENTHOST_SESSIONS_ON_TLS)
agenthost_add_catch_test(integration_redis_tls LABELS tls FIXTURES redis_tls
  SOURCES integration/cache/redis_tls_test.cpp)
if(TARGET agenthost_c)
  agenthost_add_catch_test(capi_cache_tls LABELS tls FIXTURES redis_tls
    SOURCES capi/cache_c_tls_test.cpp $<TARGET_OBJECTS:capi_cache_checks>
    LIBS agenthost_c Threads::Threads)
  target_include_directories(capi_cache_tls PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endif()
