# The Python package (python/): installed offline into a venv by a fixture, then its unittest
# suites against memory://, the shared Redis fixture and a real local webhook server.
# /usr/bin/python3 cannot load a sanitized libagenthost_c: skipped in sanitizer builds.
if(AGENTHOST_SANITIZE)
  message(STATUS "agenthost: the Python package tests are skipped in a sanitizer build")
  return()
endif()

set(AGENTHOST_PY_DIR ${CMAKE_CURRENT_SOURCE_DIR}/python)
set(AGENTHOST_PY_VENV ${CMAKE_CURRENT_BINARY_DIR}/python-venv)

add_test(NAME python_package_install
         COMMAND bash ${AGENTHOST_PY_DIR}/install_venv.sh ${AGENTHOST_PY_VENV}
                 $<TARGET_FILE:agenthost_c>)
set_tests_properties(python_package_install PROPERTIES
                     FIXTURES_SETUP python_venv LABELS python TIMEOUT 180)

foreach(suite sync aio)
  foreach(backend memory redis)
    set(name python_package_${suite}_${backend})
    add_test(NAME ${name}
             COMMAND /usr/bin/env ${AGENTHOST_PY_VENV}/bin/python -m unittest -v test_${suite}
             WORKING_DIRECTORY ${AGENTHOST_PY_DIR})
    set(env "AGENTHOST_TEST_BACKEND=${backend}"
            "AGENTHOST_TEST_REDIS_URL_FILE=${AGENTHOST_REDIS_FIXTURE_DIR}/url")
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" LABELS python TIMEOUT 180
                         FIXTURES_REQUIRED python_venv)
    if(backend STREQUAL "redis")
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "python_venv;redis")
    endif()
  endforeach()
endforeach()
