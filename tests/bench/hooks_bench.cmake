# hook_eval_bench: HookPolicy::evaluate against a raw libcurl POST on a reused handle, both to the
# same in-process keep-alive HTTP server; fail-closed latency with an open circuit; throughput.
# A program, not a test.
add_executable(hook_eval_bench ${CMAKE_CURRENT_LIST_DIR}/hook_eval_bench.cpp)
target_link_libraries(hook_eval_bench PRIVATE agenthost CURL::libcurl fmt::fmt Threads::Threads)
agenthost_set_warnings(hook_eval_bench)
