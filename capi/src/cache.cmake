# The CacheClient's extern "C" wrappers (cache_handle.hpp is shared with the SessionStore's).
target_sources(agenthost_c PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cache.cpp)
