# session_list_bench: agenthost's owner listing against raw hiredis baselines on a private
# redis-server with 1,000,000 other keys. A program, not a test.
add_executable(session_list_bench ${CMAKE_CURRENT_LIST_DIR}/session_list_bench.cpp)
target_link_libraries(session_list_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support agenthost_c PkgConfig::HIREDIS fmt::fmt)
agenthost_set_warnings(session_list_bench)
