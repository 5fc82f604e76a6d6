// libagenthost_cxx.so (AGENTHOST_SHARED_CXX): a shared library needs a source of its own;
// everything in it comes from libagenthost.a, linked whole (see src/CMakeLists.txt and
// agenthost_cxx.map).
#include <agenthost/version.hpp>
