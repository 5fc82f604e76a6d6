// Parsing of CacheOptions::url into the endpoint the Redis backend connects to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::detail {

class TlsContext;

struct RedisEndpoint {
  enum class Kind { tcp, unix_socket, memory };
  Kind kind = Kind::tcp;
  std::string host;      // tcp: name or address (IPv6 without brackets)
  int port = 6379;       // tcp
  std::string path;      // unix_socket
  std::string user;      // empty = default user
  std::string password;  // empty = no AUTH
  std::uint32_t db = 0;
  bool tls = false;  // rediss:// or rediss+cluster://
  // Set by the backend from CacheOptions::tls when `tls`; shared by every connection to every
  // node of the client.
  std::shared_ptr<const TlsContext> tls_context;

  // "127.0.0.1:6379", "[::1]:6379" or "unix:/path" for messages; never the credentials.
  std::string describe() const;
};

// Accepts redis://[[user]:password@]host[:port][/db], the same with rediss:// (TLS),
// unix://[[user]:password@]/path[?db=N] and memory://. User and password are percent-decoded.
// Throws Error(invalid_argument) for anything else; messages show the URL with its password
// redacted.
RedisEndpoint parse_redis_url(std::string_view url);

// redis+cluster://[[user]:password@]host:port[,host:port...] (rediss+cluster:// for TLS): the
// seed nodes of a Redis Cluster (port default 6379; no database other than 0, no query).
// parse_redis_url accepts such a URL too and returns its first seed. Throws Error(invalid_argument)
// naming the offending part.
bool is_cluster_url(std::string_view url);
std::vector<RedisEndpoint> parse_cluster_url(std::string_view url);

// The URL with the password (or a user-info part without ':') and everything after the first
// '?' or '#' (query and fragment) replaced by "***".
std::string redact_redis_url(std::string_view url);

}  // namespace agenthost::detail
