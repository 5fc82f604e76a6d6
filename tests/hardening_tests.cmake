# Hardening (issue 6): faults with real servers, the soak, and the C ABI bad input tour.
# Labels: `faults` (servers killed, hung, paused, pools exhausted), `concurrency` (the
# multi-threaded ones; the TSan stage runs `ctest -L concurrency`), `soak` (the bounded load and
# memory run), `bad_input` (the C ABI tour).

# The bad input tour: C ABI only (agenthost.h), against memory:// and the shared Redis fixture.
if(TARGET agenthost_c)
  agenthost_add_catch_test(capi_bad_input_memory
    SOURCES capi/bad_input_tour_test.cpp LIBS agenthost_c LABELS bad_input)
  agenthost_add_catch_test(capi_bad_input_redis
    SOURCES capi/bad_input_tour_test.cpp LIBS agenthost_c REDIS LABELS bad_input)
  target_compile_definitions(capi_bad_input_redis PRIVATE AGENTHOST_BAD_INPUT_ON_REDIS)
endif()
