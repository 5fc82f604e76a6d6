// DATABASE_URL as the Python service spells it, made into a libpq connection URI.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::detail {

// Accepts postgresql://, postgres:// and a SQLAlchemy driver form (postgresql+asyncpg://,
// postgresql+psycopg://...): the "+driver" is dropped. Throws Error(invalid_argument) for any
// other scheme or an empty URL; the message never contains the URL's password.
std::string normalize_pg_url(std::string_view url);

// The URL without its password (user:***@host...), for messages.
std::string redact_pg_url(std::string_view url);

// The URL's password (percent-decoded as written), empty when it has none; for scrubbing
// messages from libpq.
std::string pg_url_password(std::string_view url);

}  // namespace agenthost::detail
