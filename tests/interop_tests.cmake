# Interop with the real npm packages: the Claude Agent SDK's declarations and the official
# Standard Webhooks verifiers, pinned in tests/interop/package-lock.json and installed by the
# interop_npm fixture (npm ci from the npm registry) into the build tree.
set(AGENTHOST_INTEROP_PREFIX ${CMAKE_CURRENT_BINARY_DIR}/interop)
add_test(NAME interop_npm_install
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/interop/install.sh ${AGENTHOST_INTEROP_PREFIX})
set_tests_properties(interop_npm_install PROPERTIES FIXTURES_SETUP interop_npm LABELS interop)

agenthost_add_catch_test(integration_interop
  SOURCES interop/sdk_interop_test.cpp
  LIBS agenthost_hooks_test_support simdjson::simdjson
  LABELS interop
  FIXTURES interop_npm)
target_compile_definitions(integration_interop PRIVATE
  AGENTHOST_INTEROP_DIR="${CMAKE_CURRENT_SOURCE_DIR}/interop"
  AGENTHOST_INTEROP_MODULES="${AGENTHOST_INTEROP_PREFIX}/node_modules")
