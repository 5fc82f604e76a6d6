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
