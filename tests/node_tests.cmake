# The Node package (node/): installed by a fixture with `npm ci` from its pinned lock file (the
# addon built against this build's libagenthost_c), then node:test suites against memory://, the
# shared Redis fixture and real local webhooks; tsc --strict over the declarations and a file
# typed with the Claude Agent SDK's own types; the Node example; a fresh project installing the
# packed tarball offline. Label `node` (the sanitizer runs exclude it: node is not instrumented).
if(AGENTHOST_SANITIZE)
  message(STATUS "agenthost: the Node package tests are skipped in a sanitizer build")
  return()
endif()

set(AGENTHOST_NODE_DIR ${CMAKE_CURRENT_BINARY_DIR}/node)
set(AGENTHOST_NODE_PKG ${AGENTHOST_NODE_DIR}/agenthost)
add_test(NAME node_package_install
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/node/install.sh ${AGENTHOST_NODE_DIR}
                 $<TARGET_FILE:agenthost_c>)
set_tests_properties(node_package_install PROPERTIES
                     FIXTURES_SETUP node_package LABELS node TIMEOUT 600
                     ENVIRONMENT "CMAKE_BUILD_PARALLEL_LEVEL=2")

set(AGENTHOST_NODE_ENV "AGENTHOST_TEST_REDIS_URL_FILE=${AGENTHOST_REDIS_FIXTURE_DIR}/url"
                       "AGENTHOST_SOURCE_DIR=${PROJECT_SOURCE_DIR}")

# agenthost_add_node_test(<name> <file> [BACKEND <b>] [FIXTURES <f...>]): node --test <file>.
function(agenthost_add_node_test name file)
  cmake_parse_arguments(ARG "" "BACKEND" "FIXTURES" ${ARGN})
  add_test(NAME ${name} COMMAND node --test ${AGENTHOST_NODE_PKG}/test/${file}
           WORKING_DIRECTORY ${AGENTHOST_NODE_PKG})
  set(env ${AGENTHOST_NODE_ENV})
  if(ARG_BACKEND)
    list(APPEND env "AGENTHOST_TEST_BACKEND=${ARG_BACKEND}")
  endif()
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" LABELS node TIMEOUT 180
                       FIXTURES_REQUIRED "node_package;${ARG_FIXTURES}")
endfunction()

foreach(suite cache sessions)
  agenthost_add_node_test(node_package_${suite}_memory ${suite}.test.mjs BACKEND memory)
  agenthost_add_node_test(node_package_${suite}_redis ${suite}.test.mjs BACKEND redis
                          FIXTURES redis)
endforeach()
agenthost_add_node_test(node_package_hooks hooks.test.mjs)
agenthost_add_node_test(node_package_claude_hooks claude_hooks.test.mjs)

# tsc --strict --noEmit over test/types_check.ts (and so the package's declarations, which it
# imports), which assigns claudeHooks(...) to the SDK's Options['hooks'] and calls its callbacks
# with the SDK's types.
add_test(NAME node_package_types
         COMMAND node_modules/.bin/tsc -p test/tsconfig.json
         WORKING_DIRECTORY ${AGENTHOST_NODE_PKG})
set_tests_properties(node_package_types PROPERTIES LABELS node TIMEOUT 180
                     FIXTURES_REQUIRED node_package)

# A fresh project installs `npm pack`'s tarball offline and uses it.
add_test(NAME node_package_pack_install
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/node/pack_install.sh ${AGENTHOST_NODE_PKG}
                 ${AGENTHOST_NODE_DIR}/pack-install)
set_tests_properties(node_package_pack_install PROPERTIES LABELS "node;packaging" TIMEOUT 300
                     FIXTURES_REQUIRED node_package)

# `npm install <checkout>/node` in a fresh project: the install script builds libagenthost_c and
# the addon with CMake. Minutes: label node_source_build (and packaging).
add_test(NAME node_package_source_build
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/node/source_build.sh
                 ${AGENTHOST_NODE_DIR}/source-build)
set_tests_properties(node_package_source_build PROPERTIES
                     LABELS "node;packaging;node_source_build" TIMEOUT 1800
                     ENVIRONMENT "CMAKE_BUILD_PARALLEL_LEVEL=2")

# The Node example against the sample policy server (tests/examples/run_example.sh).
foreach(backend memory redis)
  add_test(NAME example_node_${backend}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/examples/run_example.sh ${backend}
                   node ${AGENTHOST_NODE_PKG}/examples/example.mjs)
  set_tests_properties(example_node_${backend} PROPERTIES LABELS "node;examples" TIMEOUT 120
                       ENVIRONMENT "AGENTHOST_TEST_REDIS_URL_FILE=${AGENTHOST_REDIS_FIXTURE_DIR}/url"
                       FIXTURES_REQUIRED node_package)
endforeach()
set_tests_properties(example_node_redis PROPERTIES FIXTURES_REQUIRED "node_package;redis")
