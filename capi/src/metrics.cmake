target_sources(agenthost_c PRIVATE ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp)
