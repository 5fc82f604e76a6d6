# agenthost_set_warnings(<target>): the project's warning flags (errors unless AGENTHOST_WERROR=OFF).
function(agenthost_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(AGENTHOST_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
