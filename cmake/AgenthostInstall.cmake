# Install rules: headers, the static C++ library, the shared C library, the CMake package
# (agenthostConfig.cmake, its version file and the exported targets of its components: C,
# agenthost::agenthost_c; CXX, agenthost::agenthost and agenthost::agenthost_shared) and the
# pkg-config files agenthost.pc and agenthost_c.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AGENTHOST_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/agenthost"
    CACHE STRING "Where agenthostConfig.cmake is installed, relative to the prefix")
set(AGENTHOST_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where agenthost.pc and agenthost_c.pc are installed, relative to the prefix")

# The targets already carry $<INSTALL_INTERFACE:include>; name the include directory only when
# GNUInstallDirs says otherwise, so the exported targets do not list it twice.
set(agenthost_install_includes)
if(NOT CMAKE_INSTALL_INCLUDEDIR STREQUAL "include")
  set(agenthost_install_includes INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
# Two export sets, one per component of the package: C (the shared libagenthost_c, which has
# its dependencies inside) and CXX (the static C++ library, and libagenthost_cxx.so when
# AGENTHOST_SHARED_CXX is on), so the config file finds dependencies only for CXX.
install(TARGETS agenthost_c
  EXPORT agenthostCTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ${agenthost_install_includes})
set(agenthost_cxx_targets agenthost)
if(TARGET agenthost_shared)
  list(APPEND agenthost_cxx_targets agenthost_shared)
endif()
install(TARGETS ${agenthost_cxx_targets}
  EXPORT agenthostCXXTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ${agenthost_install_includes})

# version.hpp.in is a template; the generated version.hpp comes from the build tree.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/agenthost
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/agenthost/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/agenthost)
install(FILES ${PROJECT_SOURCE_DIR}/capi/include/agenthost.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

foreach(component C CXX)
  install(EXPORT agenthost${component}Targets
    NAMESPACE agenthost::
    FILE agenthost${component}Targets.cmake
    DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR})
endforeach()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/agenthostConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/agenthostConfig.cmake
  INSTALL_DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR})
# The SONAME carries the major version, so only the same major is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/agenthostConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/agenthostConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/agenthostConfigVersion.cmake
  DESTINATION ${AGENTHOST_INSTALL_CMAKEDIR})

# The .pc files are written at install time, so that `cmake --install --prefix <dir>` gets
# prefix=<dir> rather than the prefix known at configure time. libdir and includedir stay relative
# to ${prefix} unless GNUInstallDirs made them absolute.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(agenthost_pc_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(agenthost_pc_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
foreach(pc agenthost agenthost_c)
  install(CODE "
    set(PROJECT_VERSION \"${PROJECT_VERSION}\")
    set(AGENTHOST_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    set(AGENTHOST_PC_LIBDIR [[${agenthost_pc_LIBDIR}]])
    set(AGENTHOST_PC_INCLUDEDIR [[${agenthost_pc_INCLUDEDIR}]])
    configure_file([[${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in]]
                   [[${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc]] @ONLY)
  ")
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc
    DESTINATION ${AGENTHOST_INSTALL_PKGCONFIGDIR})
endforeach()
