# session_list_bench: agenthost's owner listing against raw hiredis baselines on a private
# redis-server with 1,000,000 other keys. A program, not a test.
add_executable(session_list_bench ${CMAKE_CURRENT_LIST_DIR}/session_list_bench.cpp)
target_link_libraries(session_list_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support agenthost_c PkgConfig::HIREDIS fmt::fmt)
agenthost_set_warnings(session_list_bench)

# durable_list_bench: a 100-session page with the durable tier, warm (Redis) and cold
# (PostgreSQL), beside raw hiredis and raw libpq floors. Starts its own servers.
add_executable(durable_list_bench ${CMAKE_CURRENT_LIST_DIR}/durable_list_bench.cpp)
target_include_directories(durable_list_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(durable_list_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support PkgConfig::HIREDIS PkgConfig::LIBPQ fmt::fmt)
agenthost_set_warnings(durable_list_bench)

# tls_list_bench: a 100-session page over rediss:// beside plain TCP and the raw floors of both
# (raw OpenSSL + hiredis' reader; raw hiredis). Starts its own redis-server; makes its own
# certificates with tests/support/tls_certs.sh.
add_executable(tls_list_bench ${CMAKE_CURRENT_LIST_DIR}/tls_list_bench.cpp)
target_link_libraries(tls_list_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support PkgConfig::HIREDIS OpenSSL::SSL fmt::fmt)
target_compile_definitions(tls_list_bench PRIVATE
  AGENTHOST_TLS_CERTS_SCRIPT="${PROJECT_SOURCE_DIR}/tests/support/tls_certs.sh")
agenthost_set_warnings(tls_list_bench)
