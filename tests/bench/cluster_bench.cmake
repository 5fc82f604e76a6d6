# cluster_list_bench: a 100-session page listed on a private 3-master Redis Cluster against a
# private single redis-server, same run. A program, not a test.
add_executable(cluster_list_bench ${CMAKE_CURRENT_LIST_DIR}/cluster_list_bench.cpp)
target_link_libraries(cluster_list_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support agenthost_cluster_support PkgConfig::HIREDIS fmt::fmt)
target_include_directories(cluster_list_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
agenthost_set_warnings(cluster_list_bench)
