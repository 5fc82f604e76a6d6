#include "db/pg_url.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <algorithm>

namespace agenthost::detail {

namespace {

constexpr auto npos = std::string_view::npos;

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// SQLAlchemy's `(?P<name>[\w\+]+)://` at the start of the URL.
bool split_scheme(std::string_view url, std::string_view &scheme, std::string_view &after) {
  std::size_t i = 0;
  while (i < url.size() && (ascii_alnum(url[i]) || url[i] == '_' || url[i] == '+')) ++i;
  if (i == 0 || url.substr(i, 3) != "://") return false;
  scheme = url.substr(0, i);
  after = url.substr(i + 3);
  return true;
}

// What follows "://" as SQLAlchemy's make_url splits it:
//   (?P<username>[^:/]*)(?::(?P<password>[^@]*))?@
// The user runs to the first ':' or '/'; after a ':', the password runs to the next '@'. Without
// that, the regex backtracks to the last '@' before the first ':' or '/' (a user, no password).
struct Userinfo {
  bool present = false;
  std::string_view user;
  bool has_password = false;
  std::string_view password;
  std::string_view rest;  // host[:port][,...][/database][?parameters]
};

Userinfo split_userinfo(std::string_view after) {
  Userinfo u;
  const auto user_end = after.find_first_of(":/");
  if (user_end != npos && after[user_end] == ':') {
    const auto at = after.find('@', user_end + 1);
    if (at != npos) {
      u.present = u.has_password = true;
      u.user = after.substr(0, user_end);
      u.password = after.substr(user_end + 1, at - user_end - 1);
      u.rest = after.substr(at + 1);
      return u;
    }
  }
  const auto at = after.substr(0, user_end).rfind('@');
  if (at != npos) {
    u.present = true;
    u.user = after.substr(0, at);
    u.rest = after.substr(at + 1);
    return u;
  }
  u.rest = after;
  return u;
}

// What a message may show of what follows "://", whatever a parser makes of it: up to the last
// '@', only the user (up to its first ':', '/', '?' or '#'); the rest of that is hidden.
struct Shown {
  std::string_view user;
  char separator = '\0';    // the character that ended the user, '\0' when nothing is hidden
  std::string_view hidden;  // after the separator, up to the last '@'
  std::size_t at = npos;    // the last '@'
  std::string_view tail;    // after the last '@' (everything without one)
};

Shown split_for_messages(std::string_view after) {
  Shown s;
  s.at = after.rfind('@');
  if (s.at == npos) {
    s.tail = after;
    return s;
  }
  s.tail = after.substr(s.at + 1);
  const std::string_view head = after.substr(0, s.at);
  const auto cut = head.find_first_of(":/?#");
  s.user = head.substr(0, cut);
  if (cut != npos) {
    s.separator = head[cut];
    s.hidden = head.substr(cut + 1);
  }
  return s;
}

// Where SQLAlchemy's parameters start in `after` (npos without any).
std::size_t parameters_at(std::string_view after, const Userinfo &u) {
  const auto q = u.rest.find('?');
  return q == npos ? npos : static_cast<std::size_t>(u.rest.data() - after.data()) + q;
}

struct AuthorityCheck {
  std::string shown;  // with each port that is not a number as ***
  bool ports_ok = true;
  bool brackets_ok = true;
  bool has_at = false;  // a raw '@' SQLAlchemy left after the password's end
};

// host[:port] or [ipv6][:port] entries, comma separated (libpq takes several hosts).
AuthorityCheck check_authority(std::string_view authority) {
  AuthorityCheck c;
  c.has_at = authority.find('@') != npos;
  std::size_t start = 0;
  while (true) {
    const auto comma = authority.find(',', start);
    const std::string_view entry = authority.substr(start, comma - start);
    std::size_t port_at = npos;
    if (!entry.empty() && entry[0] == '[') {
      const auto close = entry.find(']');
      if (close == npos) {
        c.brackets_ok = false;
      } else if (close + 1 < entry.size()) {
        port_at = entry[close + 1] == ':' ? close + 1 : npos;
        if (port_at == npos) c.brackets_ok = false;
      }
    } else {
      port_at = entry.find(':');
    }
    if (port_at != npos && !all_digits(entry.substr(port_at + 1))) {
      c.ports_ok = false;
      c.shown.append(entry.substr(0, port_at)).append(":***");
    } else {
      c.shown.append(entry);
    }
    if (comma == npos) break;
    c.shown += ',';
    start = comma + 1;
  }
  return c;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// urllib.parse.unquote: %XX decoded, any other '%' kept.
std::string unquote(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Percent-encodes all but RFC 3986's unreserved characters, so libpq reads the value back whole.
std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (const char c : s) {
    if (ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

[[noreturn]] void refuse(std::string_view url, std::string_view why) {
  throw Error(Errc::invalid_argument, fmt::format("database URL '{}' {}", redact_pg_url(url), why));
}

}  // namespace

PgUrl parse_pg_url(std::string_view url) {
  if (url.empty()) throw Error(Errc::invalid_argument, "database URL is empty");
  std::string_view scheme;
  std::string_view after;
  const bool has_scheme = split_scheme(url, scheme, after);
  const std::string_view base = scheme.substr(0, scheme.find('+'));
  if (!has_scheme || (base != "postgresql" && base != "postgres")) {
    refuse(url, "must start with postgresql:// or postgres:// (optionally postgresql+driver://)");
  }
  const Userinfo u = split_userinfo(after);
  const AuthorityCheck a = check_authority(u.rest.substr(0, u.rest.find_first_of("/?")));
  if (a.has_at) {
    refuse(url,
           "has a raw '@' after the password's end (SQLAlchemy ends the password at its first "
           "'@'): write an '@' in the user or password as %40");
  }
  if (!a.brackets_ok) refuse(url, "has an IPv6 host without its closing ']'");
  if (!a.ports_ok) refuse(url, "has a port that is not a number");

  PgUrl out;
  out.password = unquote(u.password);
  if (unquote(u.user).find('\0') != std::string::npos ||
      out.password.find('\0') != std::string::npos) {
    refuse(url, "has %00 in its user or password");
  }
  out.uri = "postgresql://";
  if (u.present) {
    out.uri += quote(unquote(u.user));
    if (u.has_password) {
      out.uri += ':';
      out.uri += quote(out.password);
    }
    out.uri += '@';
  }
  out.uri += u.rest;
  out.redacted = redact_pg_url(url);
  out.secrets = pg_url_secrets(url);
  return out;
}

std::string normalize_pg_url(std::string_view url) { return parse_pg_url(url).uri; }

std::string redact_pg_url(std::string_view url) {
  std::string_view scheme;
  std::string_view after;
  if (!split_scheme(url, scheme, after)) return "<not a URL>";
  std::string out(scheme);
  out += "://";
  const Userinfo u = split_userinfo(after);
  const AuthorityCheck a = check_authority(u.rest.substr(0, u.rest.find_first_of("/?")));
  if (a.has_at || !a.ports_ok || !a.brackets_ok) {
    // Where the password ends is unclear: only what precedes its earliest possible start shows.
    const auto cut = after.find_first_of(":/?#");
    out += after.substr(0, cut);
    if (cut != npos) out += after[cut] == ':' ? ":***" : "***";
    return out;
  }
  const Shown s = split_for_messages(after);
  if (s.at != npos) {
    out += s.user;
    if (s.separator == ':') out += ":***";
    if (s.separator != '\0' && s.separator != ':') out += "***";
    // An '@' among the parameters: what follows it may be a password= value.
    const auto parameters = parameters_at(after, u);
    if (parameters != npos && parameters < s.at) return out;
    out += '@';
  }
  const std::string_view tail = s.tail.substr(0, s.tail.find('?'));  // parameters: password=
  const auto slash = tail.find('/');
  out += check_authority(tail.substr(0, slash)).shown;
  if (slash != npos) out += tail.substr(slash);
  return out;
}

std::vector<std::string> pg_url_secrets(std::string_view url) {
  std::vector<std::string> out;
  const auto add = [&out](std::string_view raw) {
    const std::string decoded = unquote(raw);
    for (const std::string &s : {std::string(raw), decoded, quote(decoded)}) {
      if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  };
  std::string_view scheme;
  std::string_view after;
  if (!split_scheme(url, scheme, after)) after = url;
  add(split_for_messages(after).hidden);
  const Userinfo u = split_userinfo(after);
  if (u.has_password) add(u.password);
  // password= parameters (libpq echoes a value it cannot percent-decode).
  const auto parameters = parameters_at(after, u);
  if (parameters != npos) {
    const std::string_view query = after.substr(parameters + 1);
    for (auto key = query.find("password="); key != npos; key = query.find("password=", key + 1)) {
      const std::string_view value = query.substr(key + 9);
      add(value.substr(0, value.find('&')));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const std::string &x, const std::string &y) { return x.size() > y.size(); });
  return out;
}

std::string pg_url_password(std::string_view url) {
  try {
    return parse_pg_url(url).password;
  } catch (const Error &) {
    return {};
  }
}

std::string scrub_secrets(std::string message, const std::vector<std::string> &secrets) {
  for (const auto &secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 3)) {
      message.replace(at, secret.size(), "***");
    }
  }
  return message;
}

}  // namespace agenthost::detail
