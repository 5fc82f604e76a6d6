# CacheClient core: the memory:// interpreter's pieces (unit), the contract suite run against
# memory:// and against the shared redis-server fixture (one set of bodies, compiled once), and
# the cache part of the C ABI (a C99 file using only agenthost.h).

# The contract bodies: compiled once, linked into both programs.
add_library(cache_contract_cases OBJECT
  integration/cache/contract_client.cpp
  integration/cache/contract_strings_test.cpp
  integration/cache/contract_collections_test.cpp
  integration/cache/contract_coordination_test.cpp)
target_link_libraries(cache_contract_cases PRIVATE agenthost agenthost_test_support Catch2::Catch2)
target_include_directories(cache_contract_cases PRIVATE ${PROJECT_SOURCE_DIR}/src)
agenthost_set_warnings(cache_contract_cases)

agenthost_add_catch_test(cache_contract_memory
  SOURCES integration/cache/contract_memory.cpp $<TARGET_OBJECTS:cache_contract_cases>)
agenthost_add_catch_test(cache_contract_redis
  SOURCES integration/cache/contract_redis.cpp $<TARGET_OBJECTS:cache_contract_cases>
  REDIS)
# The multi-threaded contract cases also run under TSan (label `concurrency`).
foreach(target cache_contract_memory cache_contract_redis)
  agenthost_label_tests(${target} concurrency "threads|waiter gets the lock")
endforeach()

# The cache C ABI, exercised from C99 code that sees only agenthost.h.
add_library(capi_cache_checks OBJECT capi/cache_c_checks.c)
set_target_properties(capi_cache_checks PROPERTIES
  C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
target_include_directories(capi_cache_checks PRIVATE
  $<TARGET_PROPERTY:agenthost_c,INTERFACE_INCLUDE_DIRECTORIES>)
agenthost_set_warnings(capi_cache_checks)

agenthost_add_catch_test(capi_cache
  SOURCES capi/cache_c_test.cpp $<TARGET_OBJECTS:capi_cache_checks>
  LIBS agenthost_c Threads::Threads)
target_include_directories(capi_cache PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
agenthost_add_catch_test(capi_cache_redis
  SOURCES capi/cache_c_redis_test.cpp $<TARGET_OBJECTS:capi_cache_checks>
  LIBS agenthost_c Threads::Threads
  REDIS)
target_include_directories(capi_cache_redis PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})

# memory:// against Redis, command by command (needs the fixture).
agenthost_add_catch_test(cache_memory_vs_redis
  SOURCES integration/cache/memory_vs_redis_test.cpp
  REDIS)

# The memory:// interpreter's pieces, on a virtual clock (no server).
agenthost_add_catch_test(unit_cache_memory
  SOURCES unit/cache/glob_match_test.cpp unit/cache/memory_commands_test.cpp)
