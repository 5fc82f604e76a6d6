# AGENTHOST_SANITIZE: a comma-separated list of sanitizers ("address,undefined", "thread") that
# every target in this project is compiled and linked with. The options are directory-wide (this
# file is included before any target is defined) so tests, examples and the C library all agree:
# mixing instrumented and uninstrumented agenthost code hides reports (TSan) or breaks container
# overflow checks (ASan). Errors halt the program (-fno-sanitize-recover=all), so a report fails
# the test that triggered it instead of scrolling by.
set(AGENTHOST_SANITIZE "" CACHE STRING
    "Sanitizers to build with, comma-separated (e.g. address,undefined or thread); empty for none")

if(AGENTHOST_SANITIZE)
  string(REPLACE " " "" _agenthost_sanitize "${AGENTHOST_SANITIZE}")
  string(REPLACE "," ";" _agenthost_sanitizers "${_agenthost_sanitize}")
  if("thread" IN_LIST _agenthost_sanitizers AND "address" IN_LIST _agenthost_sanitizers)
    message(FATAL_ERROR "AGENTHOST_SANITIZE: thread and address cannot be combined")
  endif()
  set(_agenthost_sanitize_flags
      -fsanitize=${_agenthost_sanitize} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  include(CheckCXXSourceCompiles)
  string(MAKE_C_IDENTIFIER "AGENTHOST_SANITIZE_WORKS_${_agenthost_sanitize}" _agenthost_works)
  string(REPLACE ";" " " CMAKE_REQUIRED_FLAGS "${_agenthost_sanitize_flags}")
  set(CMAKE_REQUIRED_LINK_OPTIONS ${_agenthost_sanitize_flags})
  check_cxx_source_compiles("int main() { return 0; }" ${_agenthost_works})
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT ${_agenthost_works})
    message(FATAL_ERROR "AGENTHOST_SANITIZE=${AGENTHOST_SANITIZE}: ${CMAKE_CXX_COMPILER_ID} "
                        "cannot compile and link with ${_agenthost_sanitize_flags} "
                        "(is the sanitizer runtime installed?)")
  endif()
  add_compile_options(${_agenthost_sanitize_flags})
  add_link_options(${_agenthost_sanitize_flags})
  message(STATUS "agenthost: building with ${_agenthost_sanitize_flags}")
endif()

# agenthost_label_tests(<target> <label> <regex>)
# Labels the Catch2 cases of <target> whose CTest name matches <regex> (e.g. the multi-threaded
# ones `concurrency`, which the TSan stage runs). Catch2 cases are discovered after the build, so
# the label is set at ctest time by a small file that runs after the discovered tests are defined
# (Catch names their list <target>_TESTS). It replaces the cases' LABELS: use it only on targets
# whose cases carry no other label.
function(agenthost_label_tests target label regex)
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${target}_${label}_label.cmake)
  file(WRITE ${file}
    "foreach(t IN LISTS ${target}_TESTS)\n"
    "  if(t MATCHES [==[${regex}]==])\n"
    "    set_tests_properties(\"\${t}\" PROPERTIES LABELS ${label})\n"
    "  endif()\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()
