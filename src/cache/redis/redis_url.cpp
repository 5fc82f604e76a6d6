#include "cache/redis/redis_url.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

#include "common/env.hpp"

namespace agenthost::detail {

namespace {

struct UrlParts {
  std::string_view scheme;
  std::string_view userinfo;  // without '@'; empty when absent
  bool has_userinfo = false;
  std::string_view location;  // redis: host[:port][/db]; unix: /path
  std::string_view query;     // without '?'
};

[[noreturn]] void fail(std::string_view url, std::string_view why) {
  throw Error(Errc::invalid_argument,
              fmt::format("invalid Redis URL '{}': {}", redact_redis_url(url), why));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string decode_or_fail(std::string_view url, std::string_view part, const char *what) {
  auto decoded = percent_decode(part);
  if (!decoded) fail(url, fmt::format("malformed percent-escape in the {}", what));
  return *decoded;
}

bool has_forbidden_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::iscntrl(c) != 0 || c == ' ' || c == '#'; });
}

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    fail(url, "expected redis://, rediss://, unix:// or memory://");
  }
  parts.scheme = url.substr(0, sep);
  std::string_view rest = url.substr(sep + 3);
  // Host, path and query never contain '@', a password may: the last '@' ends the user-info.
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    parts.has_userinfo = true;
    parts.userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    parts.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  parts.location = rest;
  return parts;
}

// Not echoed either: in "redis://user:123/password" (no '@'), the db is a password's end.
std::uint32_t parse_db(std::string_view url, std::string_view text) {
  try {
    return static_cast<std::uint32_t>(
        parse_ranged_uint("db", text, 0, std::numeric_limits<std::int32_t>::max()));
  } catch (const Error &) {
    fail(url, "the db is not a whole number in 0..2147483647");
  }
}

void apply_userinfo(std::string_view url, const UrlParts &parts, RedisEndpoint *ep) {
  if (!parts.has_userinfo) return;
  auto colon = parts.userinfo.find(':');
  if (colon == std::string_view::npos) {
    fail(url, "user-info must be [user]:password (a user without a password is not supported)");
  }
  ep->user = decode_or_fail(url, parts.userinfo.substr(0, colon), "user name");
  ep->password = decode_or_fail(url, parts.userinfo.substr(colon + 1), "password");
  if (!ep->user.empty() && ep->password.empty()) fail(url, "a user name needs a password");
}

// A parameter name is echoed only when it looks like one; the query text itself may hold a
// secret (e.g. ?password=...), so neither values nor odd names ever reach a message.
bool is_plain_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
         });
}

[[noreturn]] void fail_parameter(std::string_view url, std::string_view param) {
  auto eq = param.find('=');
  std::string_view name = param.substr(0, eq);
  if (eq != std::string_view::npos && is_plain_name(name)) {
    fail(url, fmt::format("unsupported URL parameter '{}' (only db=N is supported)", name));
  }
  fail(url, "unsupported URL parameter (only db=N is supported)");
}

// Only one "db=N" is understood; anything else is refused rather than ignored.
std::optional<std::uint32_t> parse_query(std::string_view url, std::string_view query) {
  if (query.empty()) return std::nullopt;
  std::string_view first = query.substr(0, query.find('&'));
  if (first.substr(0, 3) != "db=") fail_parameter(url, first);
  if (first.size() < query.size()) {
    std::string_view rest = query.substr(first.size() + 1);
    fail_parameter(url, rest.substr(0, rest.find('&')));
  }
  return parse_db(url, query.substr(3));
}

// Without the '@' of a user-info, "redis://user:password" reads as host "user", port
// "password": a port that is not one is never echoed.
int parse_port(std::string_view url, std::string_view text) {
  try {
    return static_cast<int>(parse_ranged_uint("port", text, 1, 65535));
  } catch (const Error &) {
    fail(url, "the port is not a whole number in 1..65535");
  }
}

// host[:port][/db] with an IPv6 address in brackets.
void parse_tcp_location(std::string_view url, std::string_view loc, RedisEndpoint *ep) {
  std::string_view host_port = loc.substr(0, loc.find('/'));
  std::string_view path =
      host_port.size() < loc.size() ? loc.substr(host_port.size()) : std::string_view{};
  std::string_view port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    auto close = host_port.find(']');
    if (close == std::string_view::npos) fail(url, "unterminated IPv6 address (missing ']')");
    ep->host = std::string(host_port.substr(1, close - 1));
    std::string_view after = host_port.substr(close + 1);
    if (!after.empty() && after.front() != ':') fail(url, "unexpected text after ']'");
    if (!after.empty()) port_text = after.substr(1);
    if (!after.empty() && port_text.empty()) fail(url, "empty port");
  } else {
    auto colon = host_port.find(':');
    ep->host = std::string(host_port.substr(0, colon));
    if (colon != std::string_view::npos) port_text = host_port.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) fail(url, "empty port");
  }
  if (ep->host.empty()) fail(url, "missing host");
  // No resolvable name is longer (RFC 1035); rejecting here beats a DNS failure on first use.
  if (ep->host.size() > 253) fail(url, "host is longer than 253 characters");
  if (has_forbidden_char(ep->host)) fail(url, "invalid character in host");
  if (!port_text.empty()) ep->port = parse_port(url, port_text);
  if (path.size() > 1) ep->db = parse_db(url, path.substr(1));
}

RedisEndpoint parse_tcp(std::string_view url, const UrlParts &parts) {
  RedisEndpoint ep;
  ep.kind = RedisEndpoint::Kind::tcp;
  apply_userinfo(url, parts, &ep);
  parse_tcp_location(url, parts.location, &ep);
  bool db_in_path = parts.location.find('/') != std::string_view::npos &&
                    parts.location.size() > parts.location.find('/') + 1;
  if (auto db = parse_query(url, parts.query)) {
    if (db_in_path) fail(url, "db given both in the path and as ?db=");
    ep.db = *db;
  }
  return ep;
}

RedisEndpoint parse_unix(std::string_view url, const UrlParts &parts) {
  RedisEndpoint ep;
  ep.kind = RedisEndpoint::Kind::unix_socket;
  apply_userinfo(url, parts, &ep);
  if (parts.location.empty() || parts.location.front() != '/') {
    fail(url, "expected unix:///absolute/path/to/redis.sock");
  }
  ep.path = decode_or_fail(url, parts.location, "socket path");
  if (ep.path.size() < 2 || ep.path.back() == '/') fail(url, "missing socket path");
  if (std::any_of(ep.path.begin(), ep.path.end(),
                  [](unsigned char c) { return std::iscntrl(c) != 0; })) {
    fail(url, "invalid character in socket path");
  }
  if (auto db = parse_query(url, parts.query)) ep.db = *db;
  return ep;
}

}  // namespace

std::string RedisEndpoint::describe() const {
  switch (kind) {
    case Kind::memory:
      return "memory://";
    case Kind::unix_socket:
      return "unix:" + path;
    case Kind::tcp:
      break;
  }
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

RedisEndpoint parse_redis_url(std::string_view url) {
  UrlParts parts = split_url(url);
  if (parts.location.find('#') != std::string_view::npos ||
      parts.query.find('#') != std::string_view::npos) {
    fail(url, "URL fragments ('#') are not allowed");
  }
  std::string scheme = lower(parts.scheme);
  if (scheme == "memory") {
    if (url.size() != parts.scheme.size() + 3) fail(url, "memory:// takes no host, path or query");
    RedisEndpoint ep;
    ep.kind = RedisEndpoint::Kind::memory;
    return ep;
  }
  if (scheme == "redis" || scheme == "rediss") {
    RedisEndpoint ep = parse_tcp(url, parts);
    ep.tls = scheme == "rediss";
    return ep;
  }
  if (is_cluster_url(url)) return parse_cluster_url(url).front();
  if (scheme == "unix") return parse_unix(url, parts);
  fail(url, fmt::format("unknown scheme '{}' (expected redis://, rediss://, redis+cluster://, "
                        "rediss+cluster://, unix:// or memory://)",
                        parts.scheme.substr(0, 32)));
}

namespace {

bool is_cluster_scheme(std::string_view scheme) {
  const std::string s = lower(scheme);
  return s == "redis+cluster" || s == "rediss+cluster";
}

}  // namespace

bool is_cluster_url(std::string_view url) {
  const auto sep = url.find("://");
  return sep != std::string_view::npos && is_cluster_scheme(url.substr(0, sep));
}

std::vector<RedisEndpoint> parse_cluster_url(std::string_view url) {
  UrlParts parts = split_url(url);
  if (!is_cluster_scheme(parts.scheme)) fail(url, "expected redis+cluster:// or rediss+cluster://");
  if (parts.location.find('#') != std::string_view::npos ||
      parts.query.find('#') != std::string_view::npos) {
    fail(url, "URL fragments ('#') are not allowed");
  }
  if (!parts.query.empty()) fail(url, "a Redis Cluster URL takes no parameters");
  std::string_view hosts = parts.location;
  if (auto slash = hosts.find('/'); slash != std::string_view::npos) {
    std::string_view db = hosts.substr(slash + 1);
    if (!db.empty() && db != "0") fail(url, "a Redis Cluster has only database 0 (drop the /db)");
    hosts = hosts.substr(0, slash);
  }
  if (hosts.empty()) fail(url, "no seed node (expected host:port[,host:port...])");
  RedisEndpoint base;
  base.kind = RedisEndpoint::Kind::tcp;
  base.tls = lower(parts.scheme) == "rediss+cluster";
  apply_userinfo(url, parts, &base);
  std::vector<RedisEndpoint> seeds;
  for (std::size_t start = 0, n = 1;; ++n) {
    const auto comma = hosts.find(',', start);
    std::string_view seed =
        hosts.substr(start, comma == std::string_view::npos ? hosts.npos : comma - start);
    if (seed.empty()) fail(url, fmt::format("seed node {} is empty", n));
    RedisEndpoint ep = base;
    parse_tcp_location(url, seed, &ep);
    seeds.push_back(std::move(ep));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return seeds;
}

namespace {

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  std::uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

// A path that is a db number (or none).
bool is_db(std::string_view path) {
  return path.size() <= 10 &&
         std::all_of(path.begin(), path.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The port of one host[:port] or [ipv6][:port] entry, or empty.
std::string_view port_of(std::string_view entry) {
  std::size_t from = 0;
  if (!entry.empty() && entry.front() == '[') {
    from = entry.find(']');
    if (from == std::string_view::npos) return {};
  }
  const auto colon = entry.find(':', from);
  return colon == std::string_view::npos ? std::string_view() : entry.substr(colon + 1);
}

// Where, in `location` (host[:port][,host[:port]...][/db]), the ':' of the first port that is
// not a port is, or npos. An empty port is none.
std::size_t odd_port_at(std::string_view location) {
  const std::string_view hosts = location.substr(0, location.find('/'));
  std::size_t start = 0;
  while (true) {
    const auto comma = hosts.find(',', start);
    const std::string_view entry = hosts.substr(start, comma - start);
    const std::string_view port = port_of(entry);
    if (!port.empty() && !is_port(port)) {
      return static_cast<std::size_t>(port.data() - location.data()) - 1;
    }
    if (comma == std::string_view::npos) return std::string_view::npos;
    start = comma + 1;
  }
}

}  // namespace

// The query and fragment may carry secrets too (?password=...): everything after the first '?'
// or '#' that follows the user-info is hidden. So is a port that is not a port, and all after it:
// without its '@', "redis://user:password" reads as host "user", port "password".
std::string redact_redis_url(std::string_view url) {
  constexpr std::size_t kMaxShown = 256;
  auto sep = url.find("://");
  std::size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  // The whole URL is searched: a password with an unencoded '?' or '#' must stay hidden too.
  auto at = url.rfind('@');
  std::string out(url.substr(0, start));
  std::string_view rest = url.substr(start);
  if (at != std::string_view::npos && at >= start) {
    std::string_view userinfo = url.substr(start, at - start);
    auto colon = userinfo.find(':');
    if (colon != std::string_view::npos) out += std::string(userinfo.substr(0, colon)) + ":";
    out += "***@";
    rest = url.substr(at + 1);
  }
  auto query = rest.find_first_of("?#");
  const std::string_view location = rest.substr(0, query);
  if (const auto odd = odd_port_at(location); odd != std::string_view::npos) {
    out += std::string(location.substr(0, odd)) + ":***";
    return out.size() > kMaxShown ? out.substr(0, kMaxShown) + "..." : out;
  }
  const auto slash = location.find('/');
  const bool socket_path = sep != std::string_view::npos && lower(url.substr(0, sep)) == "unix";
  if (!socket_path && slash != std::string_view::npos && !is_db(location.substr(slash + 1))) {
    out += std::string(location.substr(0, slash)) + "/***";
  } else {
    out += std::string(location);
  }
  if (query != std::string_view::npos) out += std::string(1, rest[query]) + "***";
  if (out.size() > kMaxShown) out = out.substr(0, kMaxShown) + "...";
  return out;
}

}  // namespace agenthost::detail
