# The examples and the Python binding, tested end to end: the C and C++ examples and the Python
# example against the sample policy server (tests/examples/run_example.sh), the binding's and the
# policy server's unit tests (stdlib unittest). Python is Debian's /usr/bin/python3, stdlib only.
set(AGENTHOST_EXAMPLES_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/examples)
set(AGENTHOST_EXAMPLES_REDIS_ENV "AGENTHOST_TEST_REDIS_URL_FILE=${AGENTHOST_REDIS_FIXTURE_DIR}/url")
set(AGENTHOST_EXAMPLES_LIB_ENV "AGENTHOST_C_LIBRARY=$<TARGET_FILE:agenthost_c>")

# agenthost_add_example_test(<name> <backend memory|redis> <command...>)
function(agenthost_add_example_test name backend)
  add_test(NAME ${name}
           COMMAND bash ${AGENTHOST_EXAMPLES_TEST_DIR}/run_example.sh ${backend} ${ARGN})
  set(env "${AGENTHOST_EXAMPLES_LIB_ENV}" "${AGENTHOST_EXAMPLES_REDIS_ENV}")
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" LABELS examples TIMEOUT 120)
  if(backend STREQUAL "redis")
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED redis)
  endif()
endfunction()

if(AGENTHOST_BUILD_EXAMPLES)
  foreach(backend memory redis)
    agenthost_add_example_test(example_c_${backend} ${backend} $<TARGET_FILE:agenthost_example_c>)
    agenthost_add_example_test(example_cpp_${backend} ${backend}
                               $<TARGET_FILE:agenthost_example_cpp>)
  endforeach()
endif()

# /usr/bin/python3 is not instrumented: it cannot load a sanitized libagenthost_c (the ASan
# runtime must come first), so the tests that load the library from Python need a plain build.
if(AGENTHOST_SANITIZE)
  message(STATUS "agenthost: the Python binding tests are skipped in a sanitizer build")
else()
  # The Python example runs with the venv python_tests.cmake installs the package into.
  foreach(backend memory redis)
    agenthost_add_example_test(example_python_${backend} ${backend}
                               ${CMAKE_CURRENT_BINARY_DIR}/python-venv/bin/python
                               ${PROJECT_SOURCE_DIR}/examples/python/example.py)
    set_tests_properties(example_python_${backend} PROPERTIES FIXTURES_REQUIRED python_venv)
  endforeach()
  set_tests_properties(example_python_redis PROPERTIES FIXTURES_REQUIRED "python_venv;redis")
endif()

add_test(NAME policy_server_test
         COMMAND /usr/bin/python3 ${AGENTHOST_EXAMPLES_TEST_DIR}/test_policy_server.py -v)
set_tests_properties(policy_server_test PROPERTIES LABELS examples TIMEOUT 60)
