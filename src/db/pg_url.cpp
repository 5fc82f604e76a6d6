#include "db/pg_url.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>

namespace agenthost::detail {

namespace {

// [scheme://][userinfo@]rest: the userinfo's range, when present.
struct Parts {
  std::string_view scheme;
  std::string_view userinfo;  // user[:password]
  std::string_view rest;      // host[:port][/db][?params]
};

Parts split(std::string_view url) {
  Parts p;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    p.rest = url;
    return p;
  }
  p.scheme = url.substr(0, sep);
  std::string_view after = url.substr(sep + 3);
  const auto slash = after.find_first_of("/?");
  const auto authority = after.substr(0, slash);
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at);
    p.rest = after.substr(at + 1);
  } else {
    p.rest = after;
  }
  return p;
}

}  // namespace

std::string normalize_pg_url(std::string_view url) {
  if (url.empty()) throw Error(Errc::invalid_argument, "database URL is empty");
  Parts p = split(url);
  std::string_view scheme = p.scheme;
  const auto plus = scheme.find('+');
  if (plus != std::string_view::npos) scheme = scheme.substr(0, plus);
  if (scheme != "postgresql" && scheme != "postgres") {
    throw Error(Errc::invalid_argument,
                fmt::format("database URL '{}' must start with postgresql:// or postgres:// "
                            "(optionally postgresql+driver://)",
                            redact_pg_url(url)));
  }
  std::string out = "postgresql://";
  if (!p.userinfo.empty()) {
    out += p.userinfo;
    out += '@';
  }
  out += p.rest;
  return out;
}

std::string redact_pg_url(std::string_view url) {
  Parts p = split(url);
  if (p.scheme.empty()) return "<not a URL>";
  std::string out(p.scheme);
  out += "://";
  if (!p.userinfo.empty()) {
    const auto colon = p.userinfo.find(':');
    out += p.userinfo.substr(0, colon);
    if (colon != std::string_view::npos) out += ":***";
    out += '@';
  }
  // Parameters may carry a password=...: they are left out.
  out += p.rest.substr(0, p.rest.find('?'));
  return out;
}

std::string pg_url_password(std::string_view url) {
  const Parts p = split(url);
  const auto colon = p.userinfo.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(p.userinfo.substr(colon + 1));
}

}  // namespace agenthost::detail
