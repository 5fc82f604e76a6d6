# Sourced by the consumer scripts: the CMake arguments that give a consumer project the build's
# own toolchain and flags (AGENTHOST_PKG_GENERATOR, _MAKE_PROGRAM, _CC, _CXX, _CFLAGS, _CXXFLAGS,
# _LDFLAGS), as the array agenthost_toolchain_args.
# shellcheck shell=bash
agenthost_toolchain_args=(
  -G "$AGENTHOST_PKG_GENERATOR"
  -DCMAKE_MAKE_PROGRAM="$AGENTHOST_PKG_MAKE_PROGRAM"
  -DCMAKE_C_COMPILER="$AGENTHOST_PKG_CC" -DCMAKE_CXX_COMPILER="$AGENTHOST_PKG_CXX"
  -DCMAKE_C_FLAGS="$AGENTHOST_PKG_CFLAGS" -DCMAKE_CXX_FLAGS="$AGENTHOST_PKG_CXXFLAGS"
  -DCMAKE_EXE_LINKER_FLAGS="$AGENTHOST_PKG_LDFLAGS"
  -DCMAKE_SHARED_LINKER_FLAGS="$AGENTHOST_PKG_LDFLAGS"
)
