# The Python package (python/): installed offline into a venv by a fixture, then its unittest
# suites against memory://, the shared Redis fixture, the TLS Redis fixture, the shared
# PostgreSQL and real local webhook servers.
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

set(AGENTHOST_PY_ENV "AGENTHOST_TEST_REDIS_URL_FILE=${AGENTHOST_REDIS_FIXTURE_DIR}/url"
                     "AGENTHOST_TEST_TLS_FIXTURE_DIR=${AGENTHOST_TLS_FIXTURE_DIR}"
                     "AGENTHOST_TEST_PG_URL_FILE=${AGENTHOST_PG_FIXTURE_DIR}/url")

# agenthost_add_python_test(<name> <module> [BACKEND <b>] [FIXTURES <f...>] [LABELS <l...>]):
# runs `python -m unittest -v <module>` in the venv, from tests/python.
function(agenthost_add_python_test name module)
  cmake_parse_arguments(ARG "" "BACKEND" "FIXTURES;LABELS" ${ARGN})
  add_test(NAME ${name}
           COMMAND /usr/bin/env ${AGENTHOST_PY_VENV}/bin/python -m unittest -v ${module}
           WORKING_DIRECTORY ${AGENTHOST_PY_DIR})
  set(env ${AGENTHOST_PY_ENV})
  if(ARG_BACKEND)
    list(APPEND env "AGENTHOST_TEST_BACKEND=${ARG_BACKEND}")
  endif()
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" LABELS "python;${ARG_LABELS}"
                       TIMEOUT 180 FIXTURES_REQUIRED "python_venv;${ARG_FIXTURES}")
endfunction()

foreach(suite sync aio events)
  agenthost_add_python_test(python_package_${suite}_memory test_${suite} BACKEND memory)
  agenthost_add_python_test(python_package_${suite}_redis test_${suite} BACKEND redis
                            FIXTURES redis)
endforeach()
agenthost_add_python_test(python_package_tls test_tls FIXTURES redis_tls LABELS tls)
agenthost_add_python_test(python_package_durable test_durable FIXTURES redis postgres
                          LABELS postgres)

# The package's module graph has no import cycle (reads the sources: no venv, no library).
add_test(NAME python_package_module_graph
         COMMAND /usr/bin/python3 -m unittest -v test_structure
         WORKING_DIRECTORY ${AGENTHOST_PY_DIR})
set_tests_properties(python_package_module_graph PROPERTIES LABELS python TIMEOUT 60)

# `pip install ./python` on a copy of the checkout without AGENTHOST_C_LIBRARY: setup.py builds
# libagenthost_c with CMake (Release, -j2). Minutes, not seconds: label python_source_build
# (and packaging, which the sanitizer runs exclude) keeps it out of runs that want it.
add_test(NAME python_package_source_build
         COMMAND bash ${AGENTHOST_PY_DIR}/source_build.sh
                 ${CMAKE_CURRENT_BINARY_DIR}/python-source-build)
set_tests_properties(python_package_source_build PROPERTIES
                     LABELS "python;packaging;python_source_build" TIMEOUT 1800
                     ENVIRONMENT "CMAKE_BUILD_PARALLEL_LEVEL=2")
