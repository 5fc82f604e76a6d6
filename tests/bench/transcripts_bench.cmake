# transcript_bench: TranscriptStore's append, load and summary pages beside raw hiredis floors
# (the same Lua scripts by EVALSHA; LRANGE). Starts its own redis-server. A program, not a test.
add_executable(transcript_bench ${CMAKE_CURRENT_LIST_DIR}/transcript_bench.cpp)
target_include_directories(transcript_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(transcript_bench PRIVATE agenthost agenthost_bench_support
                      agenthost_test_support PkgConfig::HIREDIS fmt::fmt)
agenthost_set_warnings(transcript_bench)
