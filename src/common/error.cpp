#include <agenthost/error.hpp>

namespace agenthost {

const char *errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::ok:
      return "ok";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::not_found:
      return "not_found";
    case Errc::conflict:
      return "conflict";
    case Errc::timeout:
      return "timeout";
    case Errc::connection:
      return "connection";
    case Errc::pool_exhausted:
      return "pool_exhausted";
    case Errc::protocol:
      return "protocol";
    case Errc::corrupt:
      return "corrupt";
    case Errc::unsupported:
      return "unsupported";
    case Errc::internal:
      return "internal";
  }
  return "unknown";
}

Error::Error(Errc code, const std::string &message) : std::runtime_error(message), code_(code) {}

}  // namespace agenthost
