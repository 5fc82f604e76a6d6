# The SessionStore's extern "C" wrappers. They need the cache client handle's definition
# (cache_handle.hpp, from the CacheClient wrappers); until it exists they are left out.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/cache_handle.hpp)
  target_sources(agenthost_c PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sessions.cpp)
endif()
