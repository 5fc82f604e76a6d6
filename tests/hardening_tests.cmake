# Hardening: faults with real servers, the soak, and the C ABI bad input tour.
# Labels: `faults` (servers killed, hung, paused, pools exhausted), `concurrency` (the
# multi-threaded ones; the TSan stage runs `ctest -L concurrency`), `soak` (the bounded load and
# memory run), `bad_input` (the C ABI tour).

# agenthost_add_catch_test passes LABELS through catch_discover_tests, which splits a list value
# into separate properties, so only a single label survives it.
# hardening_set_properties(<target> LABELS <labels...> [RUN_SERIAL]) sets the full list (and
# RUN_SERIAL) at ctest time instead, from a small include file that runs after the discovered
# tests are defined (Catch names their list <target>_TESTS).
function(hardening_set_properties target)
  cmake_parse_arguments(ARG "RUN_SERIAL" "" "LABELS" ${ARGN})
  string(REPLACE ";" "\\;" labels "${ARG_LABELS}")
  set(props "LABELS \"${labels}\"")
  if(ARG_RUN_SERIAL)
    string(APPEND props " RUN_SERIAL TRUE")
  endif()
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${target}_properties.cmake)
  file(WRITE ${file}
    "if(DEFINED ${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES ${props})\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()

# The bad input tour: C ABI only (agenthost.h), against memory:// and the shared Redis fixture.
if(TARGET agenthost_c)
  agenthost_add_catch_test(capi_bad_input_memory
    SOURCES capi/bad_input_tour_test.cpp LIBS agenthost_c LABELS bad_input)
  agenthost_add_catch_test(capi_bad_input_redis
    SOURCES capi/bad_input_tour_test.cpp LIBS agenthost_c REDIS LABELS bad_input)
  target_compile_definitions(capi_bad_input_redis PRIVATE AGENTHOST_BAD_INPUT_ON_REDIS)
endif()

# Faults with real servers, all multi-threaded: Redis killed and restarted (AOF always) and paused
# under SessionStore traffic, a pool of 5 under 64 threads, the webhook server killed, hung and
# restarted under 16 evaluating threads. Private servers only (never the shared fixture).
agenthost_add_catch_test(hardening_faults
  SOURCES integration/hardening/redis_restart_test.cpp
          integration/hardening/pool_exhaustion_test.cpp
          integration/hardening/webhook_outage_test.cpp
  LIBS agenthost_hooks_test_support
  LABELS faults)
hardening_set_properties(hardening_faults LABELS faults concurrency)

# The soak: mixed session and hook traffic at concurrency 8 for AGENTHOST_SOAK_SECONDS (default
# 60 s, 20 s in sanitized builds), ops/s per kind and flat RSS. Run alone: it saturates the CPUs,
# which would only slow the other tests down.
agenthost_add_catch_test(hardening_soak
  SOURCES integration/hardening/soak_test.cpp
  LIBS agenthost_hooks_test_support
  LABELS soak)
hardening_set_properties(hardening_soak LABELS soak RUN_SERIAL)
