# Redis Cluster: a shared 3-master cluster started once per ctest run (fixture `redis_cluster`,
# stopped by PID), the CacheClient and SessionStore contract suites run against it, and tests
# that move slots or stop masters on private clusters of their own. Every test is labelled
# `cluster`; the multi-threaded ones also `concurrency`.
set(AGENTHOST_CLUSTER_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/cluster-fixture)
set(AGENTHOST_CLUSTER_SCRIPT ${CMAKE_CURRENT_SOURCE_DIR}/support/cluster_fixture.sh)
add_test(NAME redis_cluster_start
         COMMAND bash ${AGENTHOST_CLUSTER_SCRIPT} start ${AGENTHOST_CLUSTER_FIXTURE_DIR})
add_test(NAME redis_cluster_stop
         COMMAND bash ${AGENTHOST_CLUSTER_SCRIPT} stop ${AGENTHOST_CLUSTER_FIXTURE_DIR})
set_tests_properties(redis_cluster_start PROPERTIES FIXTURES_SETUP redis_cluster LABELS cluster)
set_tests_properties(redis_cluster_stop PROPERTIES FIXTURES_CLEANUP redis_cluster LABELS cluster)
# The same cluster over TLS only (fixture `redis_tls_cluster`), with the certificates of the TLS
# fixture (`redis_tls`, which makes them).
set(AGENTHOST_TLS_CLUSTER_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/tls-cluster-fixture)
add_test(NAME redis_tls_cluster_start
         COMMAND bash ${AGENTHOST_CLUSTER_SCRIPT} start ${AGENTHOST_TLS_CLUSTER_FIXTURE_DIR}
                 ${AGENTHOST_TLS_FIXTURE_DIR}/certs)
add_test(NAME redis_tls_cluster_stop
         COMMAND bash ${AGENTHOST_CLUSTER_SCRIPT} stop ${AGENTHOST_TLS_CLUSTER_FIXTURE_DIR})
set_tests_properties(redis_tls_cluster_start PROPERTIES FIXTURES_SETUP redis_tls_cluster
  FIXTURES_REQUIRED redis_tls LABELS "cluster;tls")
set_tests_properties(redis_tls_cluster_stop PROPERTIES FIXTURES_CLEANUP redis_tls_cluster
  LABELS "cluster;tls")

add_library(agenthost_cluster_support STATIC support/redis_cluster.cpp)
target_include_directories(agenthost_cluster_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(agenthost_cluster_support PRIVATE
  AGENTHOST_CLUSTER_SCRIPT="${AGENTHOST_CLUSTER_SCRIPT}")
target_link_libraries(agenthost_cluster_support PUBLIC agenthost fmt::fmt)
agenthost_set_warnings(agenthost_cluster_support)

# agenthost_add_cluster_test(<name> SOURCES <files...> [SHARED | SHARED_TLS] [LABELS <labels...>])
# SHARED: every case requires the shared cluster; SHARED_TLS: the shared TLS cluster instead
# (label `tls` too). catch_discover_tests splits list-valued
# properties apart, so the labels (a list) and the fixture are set at ctest time by a small
# include file that runs after the discovered tests are defined (Catch lists them in
# <name>_TESTS).
function(agenthost_add_cluster_test name)
  cmake_parse_arguments(ARG "SHARED;SHARED_TLS" "" "SOURCES;LABELS" ${ARGN})
  set(url_file ${AGENTHOST_CLUSTER_FIXTURE_DIR}/url)
  if(ARG_SHARED_TLS)
    set(url_file ${AGENTHOST_TLS_CLUSTER_FIXTURE_DIR}/url)
    list(APPEND ARG_LABELS tls)
  endif()
  add_executable(${name} ${ARG_SOURCES} $<TARGET_OBJECTS:agenthost_catch_main>)
  target_link_libraries(${name} PRIVATE agenthost agenthost_test_support
                        agenthost_cluster_support Catch2::Catch2 Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
  agenthost_set_warnings(${name})
  catch_discover_tests(${name} TEST_PREFIX "${name}:" EXTRA_ARGS -w NoTests PROPERTIES
    ENVIRONMENT "AGENTHOST_TEST_CLUSTER_URL_FILE=${url_file}")
  set(props "LABELS \"cluster;${ARG_LABELS}\"")
  if(ARG_SHARED)
    string(APPEND props " FIXTURES_REQUIRED redis_cluster")
  elseif(ARG_SHARED_TLS)
    string(APPEND props " FIXTURES_REQUIRED \"redis_tls_cluster;redis_tls\"")
  endif()
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${name}_cluster_properties.cmake)
  file(WRITE ${file}
    "if(DEFINED ${name}_TESTS)\n"
    "  set_tests_properties(\${${name}_TESTS} PROPERTIES ${props})\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()

# URL parsing, slot hashing, command splitting: no server.
agenthost_add_cluster_test(unit_cluster SOURCES unit/cache/cluster_unit_test.cpp)

# The CacheClient contract bodies (compiled once for memory:// and Redis) on the cluster.
agenthost_add_cluster_test(cache_contract_cluster SHARED LABELS concurrency
  SOURCES integration/cluster/contract_cluster.cpp $<TARGET_OBJECTS:cache_contract_cases>)

# The CacheClient and SessionStore contracts on a cluster over TLS: every node, including the
# MOVED/ASK targets, is reached over mutual TLS.
agenthost_add_cluster_test(cache_contract_tls_cluster SHARED_TLS
  SOURCES integration/cluster/contract_cluster.cpp $<TARGET_OBJECTS:cache_contract_cases>)
agenthost_add_cluster_test(integration_sessions_tls_cluster SHARED_TLS
  SOURCES integration/sessions/store_contract_test.cpp)
target_compile_definitions(integration_sessions_tls_cluster PRIVATE AGENTHOST_SESSIONS_ON_CLUSTER)

# The SessionStore contract on the cluster (records and indexes in different slots).
agenthost_add_cluster_test(integration_sessions_cluster SHARED LABELS concurrency
  SOURCES integration/sessions/store_contract_test.cpp)
target_compile_definitions(integration_sessions_cluster PRIVATE AGENTHOST_SESSIONS_ON_CLUSTER)
# The listing's index repairs racing writers, on the cluster (no transaction spans record and index).
agenthost_add_cluster_test(integration_session_repair_cluster SHARED
  SOURCES integration/sessions/index_repair_test.cpp)
target_compile_definitions(integration_session_repair_cluster PRIVATE AGENTHOST_SESSIONS_ON_CLUSTER)

# Cross-slot MGET order and transactions on the shared cluster; slot migration and a stopped
# master on private clusters.
agenthost_add_cluster_test(integration_cluster SHARED LABELS concurrency
  SOURCES integration/cluster/cluster_routing_test.cpp)
agenthost_add_cluster_test(integration_cluster_faults LABELS concurrency
  SOURCES integration/cluster/cluster_faults_test.cpp)

# The SessionStore C ABI on the cluster.
if(TARGET agenthost_c)
  agenthost_add_cluster_test(capi_sessions_cluster SHARED
    SOURCES capi/sessions_test.cpp)
  target_link_libraries(capi_sessions_cluster PRIVATE agenthost_c)
  target_compile_definitions(capi_sessions_cluster PRIVATE AGENTHOST_SESSIONS_ON_CLUSTER)
endif()

# The TranscriptStore contract on the cluster (a session's keys in one slot, its scope's index
# and summaries in another).
agenthost_add_cluster_test(integration_transcripts_cluster SHARED LABELS concurrency
  SOURCES integration/transcripts/transcript_contract_test.cpp)
target_compile_definitions(integration_transcripts_cluster PRIVATE AGENTHOST_SESSIONS_ON_CLUSTER)
# A session's slot moved to another master while threads append to it (a private cluster).
agenthost_add_cluster_test(integration_transcripts_cluster_migration LABELS concurrency
  SOURCES integration/transcripts/transcript_migration_test.cpp)
