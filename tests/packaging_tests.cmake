# Packaging: install into a temporary prefix and consume it with find_package and with
# pkg-config, embed with add_subdirectory, the C library's exported symbols, the public headers
# on their own. Label `packaging`. The install step copies the current build tree (ctest runs
# after the build), so only the add_subdirectory consumer compiles agenthost again.
set(agenthost_pkg_dir ${CMAKE_CURRENT_SOURCE_DIR}/packaging)
set(agenthost_pkg_work ${CMAKE_CURRENT_BINARY_DIR}/packaging)
# In a sanitized build (AGENTHOST_SANITIZE, directory-wide options) the installed static library
# is instrumented, so the consumers are compiled and linked with the same sanitizers.
set(agenthost_pkg_cflags "${CMAKE_C_FLAGS}")
set(agenthost_pkg_cxxflags "${CMAKE_CXX_FLAGS}")
set(agenthost_pkg_ldflags "${CMAKE_EXE_LINKER_FLAGS}")
if(AGENTHOST_SANITIZE)
  string(REPLACE " " "" agenthost_pkg_sanitize "${AGENTHOST_SANITIZE}")
  set(agenthost_pkg_sanitize_flags
      "-fsanitize=${agenthost_pkg_sanitize} -fno-omit-frame-pointer -fno-sanitize-recover=all")
  string(APPEND agenthost_pkg_cflags " ${agenthost_pkg_sanitize_flags}")
  string(APPEND agenthost_pkg_cxxflags " ${agenthost_pkg_sanitize_flags}")
  string(APPEND agenthost_pkg_ldflags " ${agenthost_pkg_sanitize_flags}")
endif()
set(agenthost_pkg_env
  "AGENTHOST_PKG_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "AGENTHOST_PKG_BUILD_DIR=${PROJECT_BINARY_DIR}"
  "AGENTHOST_PKG_WORK=${agenthost_pkg_work}"
  "AGENTHOST_PKG_PREFIX=${agenthost_pkg_work}/prefix"
  "AGENTHOST_PKG_LIBDIR=${CMAKE_INSTALL_LIBDIR}"
  "AGENTHOST_PKG_VERSION=${PROJECT_VERSION}"
  "AGENTHOST_PKG_SHARED_CXX=${AGENTHOST_SHARED_CXX}"
  "AGENTHOST_PKG_GENERATOR=${CMAKE_GENERATOR}"
  "AGENTHOST_PKG_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
  "AGENTHOST_PKG_CC=${CMAKE_C_COMPILER}"
  "AGENTHOST_PKG_CXX=${CMAKE_CXX_COMPILER}"
  "AGENTHOST_PKG_CFLAGS=${agenthost_pkg_cflags}"
  "AGENTHOST_PKG_CXXFLAGS=${agenthost_pkg_cxxflags}"
  "AGENTHOST_PKG_LDFLAGS=${agenthost_pkg_ldflags}")

function(agenthost_add_packaging_test name script timeout)
  add_test(NAME packaging_${name} COMMAND bash ${agenthost_pkg_dir}/${script} ${ARGN})
  set_tests_properties(packaging_${name} PROPERTIES
    LABELS packaging TIMEOUT ${timeout} ENVIRONMENT "${agenthost_pkg_env}")
endfunction()

agenthost_add_packaging_test(exported_symbols exported_symbols.sh 60
  $<TARGET_FILE:agenthost_c> ${PROJECT_SOURCE_DIR}/capi/include/agenthost.h
  ${PROJECT_VERSION_MAJOR})
if(TARGET agenthost_shared)
  agenthost_add_packaging_test(exported_symbols_cxx exported_symbols_cxx.sh 60
    $<TARGET_FILE:agenthost_shared> ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
endif()
agenthost_add_packaging_test(header_compiles header_compiles.sh 300
  ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR} ${CMAKE_C_COMPILER} ${CMAKE_CXX_COMPILER})

# A --prefix install needs a libdir relative to the prefix (GNUInstallDirs' default).
if(DEFINED CMAKE_INSTALL_LIBDIR AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  agenthost_add_packaging_test(install install.sh 120)
  set_tests_properties(packaging_install PROPERTIES FIXTURES_SETUP agenthost_installed)
  agenthost_add_packaging_test(find_package consume_cmake.sh 600)
  agenthost_add_packaging_test(pkg_config consume_pkgconfig.sh 600)
  set_tests_properties(packaging_find_package packaging_pkg_config PROPERTIES
    FIXTURES_REQUIRED agenthost_installed)
endif()

# Compiles agenthost once more (unoptimised) inside a host project; on 2 cores that takes minutes.
# Not in sanitized builds: it would compile agenthost yet again and find nothing sanitizer-related.
if(NOT AGENTHOST_SANITIZE)
  agenthost_add_packaging_test(add_subdirectory consume_subdirectory.sh 1800)
  set_tests_properties(packaging_add_subdirectory PROPERTIES PROCESSORS 2)
endif()
