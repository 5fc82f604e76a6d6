// DATABASE_URL as the Python service spells it (SQLAlchemy's make_url), made into a libpq
// connection URI, and what of it a message may show.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agenthost::detail {

// A DATABASE_URL split as SQLAlchemy's make_url splits it: user and password up to the first '@'
// after the user's ':' (so a raw '/', '?', ':' or '#' stays in the password), or, without a
// password, up to the last '@' before any ':' or '/'; each percent-decoded as urllib's unquote
// does (a '%' not followed by two hex digits stays).
struct PgUrl {
  std::string uri;                   // for libpq: postgresql://, user and password re-encoded
  std::string redacted;              // redact_pg_url of the input
  std::vector<std::string> secrets;  // pg_url_secrets of the input
  std::string password;              // decoded; empty without one
};

// Accepts postgresql://, postgres:// and a SQLAlchemy driver form (postgresql+asyncpg://,
// postgresql+psycopg://...): the "+driver" is dropped. Throws Error(invalid_argument) for an
// empty URL, another scheme, a raw '@' SQLAlchemy would end the password at (it must be %40) and
// a port that is not a number; no message holds anything that could be the password.
PgUrl parse_pg_url(std::string_view url);

// parse_pg_url(url).uri.
std::string normalize_pg_url(std::string_view url);

// Any string, parsable or not, with whatever could be a password left out: what follows the
// user up to the last '@' is "***", a port that is not a number is "***", and parameters (which
// may hold password=) are dropped. "<not a URL>" without a scheme.
std::string redact_pg_url(std::string_view url);

// The strings to scrub from libpq's messages: the password as written and decoded, and all that
// redact_pg_url hides before the last '@'; longest first, never empty strings.
std::vector<std::string> pg_url_secrets(std::string_view url);

// The decoded password of a URL parse_pg_url accepts, else empty.
std::string pg_url_password(std::string_view url);

// `message` with every secret replaced by "***".
std::string scrub_secrets(std::string message, const std::vector<std::string> &secrets);

}  // namespace agenthost::detail
