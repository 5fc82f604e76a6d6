#include <agenthost/version.hpp>

namespace agenthost {

const char *version() noexcept { return AGENTHOST_VERSION_STRING; }

}  // namespace agenthost
