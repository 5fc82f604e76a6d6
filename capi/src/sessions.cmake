# The SessionStore's extern "C" wrappers (they share cache_handle.hpp with the CacheClient's).
target_sources(agenthost_c PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sessions.cpp)
