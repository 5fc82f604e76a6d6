// Parsing of CacheOptions::url into the endpoint the Redis backend connects to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agenthost::detail {

struct RedisEndpoint {
  enum class Kind { tcp, unix_socket, memory };
  Kind kind = Kind::tcp;
  std::string host;      // tcp: name or address (IPv6 without brackets)
  int port = 6379;       // tcp
  std::string path;      // unix_socket
  std::string user;      // empty = default user
  std::string password;  // empty = no AUTH
  std::uint32_t db = 0;

  // "127.0.0.1:6379", "[::1]:6379" or "unix:/path" for messages; never the credentials.
  std::string describe() const;
};

// Accepts redis://[[user]:password@]host[:port][/db], unix://[[user]:password@]/path[?db=N]
// and memory://. User and password are percent-decoded. Throws Error(unsupported) for rediss://
// and Error(invalid_argument) for anything else; messages show the URL with its password redacted.
RedisEndpoint parse_redis_url(std::string_view url);

// The URL with the password (or a user-info part without ':') and everything after the first
// '?' or '#' (query and fragment) replaced by "***".
std::string redact_redis_url(std::string_view url);

}  // namespace agenthost::detail
