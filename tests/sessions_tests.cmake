# SessionStore tests. The store contract runs twice from one source: against memory:// and
# against the shared redis-server fixture (REDIS).
agenthost_add_catch_test(unit_sessions
  SOURCES unit/sessions/time_codec_test.cpp unit/sessions/cursor_requests_test.cpp
          unit/sessions/pg_url_test.cpp
  LIBS PkgConfig::LIBPQ)
agenthost_add_catch_test(integration_sessions_memory
  SOURCES integration/sessions/store_contract_test.cpp)
agenthost_add_catch_test(integration_sessions_redis
  SOURCES integration/sessions/store_contract_test.cpp REDIS)
target_compile_definitions(integration_sessions_redis PRIVATE AGENTHOST_SESSIONS_ON_REDIS)
# The same contract with the durable tier (PostgreSQL fixture, label `postgres`), and the durable
# tier's own cases (FLUSHALL, restarts, PostgreSQL down, Python rows, metadata filters).
agenthost_add_catch_test(integration_sessions_durable
  SOURCES integration/sessions/store_contract_test.cpp REDIS POSTGRES)
target_compile_definitions(integration_sessions_durable PRIVATE AGENTHOST_SESSIONS_ON_REDIS
  AGENTHOST_SESSIONS_DURABLE)
agenthost_add_catch_test(integration_durable_sessions
  SOURCES integration/sessions/durable_sessions_test.cpp LIBS PkgConfig::LIBPQ REDIS POSTGRES)
target_compile_definitions(integration_durable_sessions PRIVATE
  AGENTHOST_SQL_DIR="${PROJECT_SOURCE_DIR}/sql")
# The multi-threaded store cases also run under TSan (label `concurrency`).
foreach(target integration_sessions_memory integration_sessions_redis)
  agenthost_label_tests(${target} concurrency
    "concurrency:|racing|while sessions are being created")
endforeach()
if(TARGET agenthost_c)
  agenthost_add_catch_test(capi_sessions_memory
    SOURCES capi/sessions_test.cpp LIBS agenthost_c)
  agenthost_add_catch_test(capi_sessions_redis
    SOURCES capi/sessions_test.cpp LIBS agenthost_c REDIS)
  target_compile_definitions(capi_sessions_redis PRIVATE AGENTHOST_SESSIONS_ON_REDIS)
  agenthost_add_catch_test(capi_sessions_durable
    SOURCES capi/durable_test.cpp LIBS agenthost_c REDIS POSTGRES)
endif()
agenthost_add_catch_test(integration_session_repair_memory
  SOURCES integration/sessions/index_repair_test.cpp)
agenthost_add_catch_test(integration_session_repair_redis
  SOURCES integration/sessions/index_repair_test.cpp REDIS)
target_compile_definitions(integration_session_repair_redis PRIVATE AGENTHOST_SESSIONS_ON_REDIS)
