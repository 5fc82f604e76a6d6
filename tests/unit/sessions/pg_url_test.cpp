// DATABASE_URL parsing (as SQLAlchemy's make_url splits it, read back by libpq) and what messages
// may show of it.
#include "db/pg_url.hpp"

#include <libpq-fe.h>

#include <agenthost/error.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/errc_of.hpp"

using namespace agenthost;
using agenthost::test::code_of;

namespace {

// What libpq reads from a connection URI: keyword -> value, for the keywords given a value.
std::map<std::string, std::string> libpq_reads(const std::string &uri) {
  char *error = nullptr;
  PQconninfoOption *options = PQconninfoParse(uri.c_str(), &error);
  INFO((error != nullptr ? error : ""));
  PQfreemem(error);
  REQUIRE(options != nullptr);
  std::map<std::string, std::string> out;
  for (auto *o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return out;
}

// The pieces of `password` between the characters URL parsers split at: none may be in a
// message. Pieces shorter than three characters would match by chance.
std::vector<std::string> pieces(const std::string &password) {
  std::vector<std::string> out;
  std::string piece;
  for (const char c : password + "/") {
    if (std::string("/?@#:%").find(c) != std::string::npos) {
      if (piece.size() >= 3) out.push_back(piece);
      piece.clear();
    } else {
      piece += c;
    }
  }
  return out;
}

void check_no_piece(const std::string &message, const std::string &password) {
  INFO(message);
  for (const auto &p : pieces(password)) {
    INFO(p);
    CHECK(message.find(p) == std::string::npos);
  }
}

struct Parsed {
  const char *url;
  const char *user;      // nullptr: none
  const char *password;  // nullptr: none
  const char *host;
  const char *port;
  const char *dbname;
};

}  // namespace

TEST_CASE("pg url: split as SQLAlchemy's make_url splits it, and libpq reads the same back",
          "[sessions][pg_url]") {
  // The user/password/host/port/database SQLAlchemy 1.4's make_url gives for each URL.
  const Parsed cases[] = {
      {"postgresql://user:pa/ss?x@host:5432/db?sslmode=disable", "user", "pa/ss?x", "host", "5432",
       "db"},
      {"postgresql+asyncpg://u:p@h:5432/db", "u", "p", "h", "5432", "db"},
      {"postgres://h/db", nullptr, nullptr, "h", nullptr, "db"},
      {"postgresql://u@x:p@host/db", "u@x", "p", "host", nullptr, "db"},
      {"postgresql://a@b@host/db", "a@b", nullptr, "host", nullptr, "db"},
      {"postgresql://user:p:w#1@h/db", "user", "p:w#1", "h", nullptr, "db"},
      {"postgresql://user:p%40s%2Fs%zz+@h/db", "user", "p@s/s%zz+", "h", nullptr, "db"},
      {"postgresql+psycopg://user:a/b@h", "user", "a/b", "h", nullptr, nullptr},
      {"postgresql://user:pw@[::1]:5/db", "user", "pw", "::1", "5", "db"},
      {"postgresql://us/er:secret@host", nullptr, nullptr, "us", nullptr, "er:secret@host"},
      {"postgresql://user:x%2Fy%3F@h/db", "user", "x/y?", "h", nullptr, "db"},
  };
  for (const auto &c : cases) {
    INFO(c.url);
    const detail::PgUrl parsed = detail::parse_pg_url(c.url);
    CHECK(parsed.password == (c.password != nullptr ? c.password : ""));
    CHECK(detail::pg_url_password(c.url) == parsed.password);
    INFO(parsed.uri);
    const auto read = libpq_reads(parsed.uri);
    const auto value = [&read](const char *k) {
      const auto it = read.find(k);
      return it == read.end() ? std::string("<none>") : it->second;
    };
    CHECK(value("user") == (c.user != nullptr ? c.user : "<none>"));
    CHECK(value("password") == (c.password != nullptr ? c.password : "<none>"));
    CHECK(value("host") == c.host);
    CHECK(value("port") == (c.port != nullptr ? c.port : "<none>"));
    CHECK(value("dbname") == (c.dbname != nullptr ? c.dbname : "<none>"));
  }
  CHECK(detail::normalize_pg_url("postgresql+asyncpg://u:p@h:5432/db") ==
        "postgresql://u:p@h:5432/db");
  CHECK(detail::normalize_pg_url("postgresql://h/db?sslmode=disable") ==
        "postgresql://h/db?sslmode=disable");
  CHECK(detail::normalize_pg_url("postgresql://h1:5432,h2:5433/db") ==
        "postgresql://h1:5432,h2:5433/db");
  CHECK(detail::normalize_pg_url("postgresql://user:pa/ss?x@h/db") ==
        "postgresql://user:pa%2Fss%3Fx@h/db");
}

TEST_CASE("pg url: refusals name the problem and hold no part of the password",
          "[sessions][pg_url]") {
  struct Refusal {
    const char *url;
    const char *password;
    const char *says;
  };
  const Refusal cases[] = {
      {"mysql://u:topsecret@h/db", "topsecret", "'mysql://u:***@h/db' must start with"},
      {"user:topsecret@host/db", "topsecret", "'<not a URL>' must start with"},
      {"user:top://secret@host/db", "top://secret", "'<not a URL>' must start with"},
      {"post gres://u:topsecret@h", "topsecret", "'<not a URL>'"},
      {"postgresql://user:top@secret@host/db", "top@secret",
       "'postgresql://user:***' has a raw '@'"},
      {"postgresql://user:top/sec?ret@x@host/db", "top/sec?ret@x", "has a raw '@'"},
      {"postgresql://user:topsecret/db", "topsecret", "'postgresql://user:***' has a port"},
      {"postgresql://user:topsecret@[::1/db", "topsecret", "without its closing ']'"},
  };
  for (const auto &c : cases) {
    INFO(c.url);
    std::string message;
    CHECK(code_of([&] { detail::parse_pg_url(c.url); }, &message) == Errc::invalid_argument);
    CHECK(message.find(c.says) != std::string::npos);
    check_no_piece(message, c.password);
    CHECK(detail::pg_url_password(c.url).empty());
  }
  std::string message;
  CHECK(code_of([] { detail::parse_pg_url(""); }, &message) == Errc::invalid_argument);
  CHECK(message == "database URL is empty");
}

TEST_CASE("pg url: redaction hides whatever could be a password, parsable or not",
          "[sessions][pg_url]") {
  const std::pair<const char *, const char *> cases[] = {
      {"postgresql://u:pw@h/db?password=x", "postgresql://u:***@h/db"},
      {"postgresql+asyncpg://user:pa/ss?x@host:5432/db?sslmode=disable",
       "postgresql+asyncpg://user:***@host:5432/db"},
      {"postgresql://user:p@ss@host/db", "postgresql://user:***"},
      {"postgresql://user:p#w:x%2F@h", "postgresql://user:***@h"},
      {"postgresql://us/er:secret@host", "postgresql://us***@host"},
      {"postgresql://user:secret/db", "postgresql://user:***"},
      {"postgresql://h1:5432,h2:secret/db", "postgresql://h1:***"},
      {"postgresql://[::1/db", "postgresql://[:***"},
      {"postgresql://user@[::1]:5432/db", "postgresql://user@[::1]:5432/db"},
      {"postgresql://h/db?password=a@b", "postgresql://h***"},
      {"postgresql://user:pw@h/db?password=a@b", "postgresql://user:***"},
      {"postgresql://h/db", "postgresql://h/db"},
      {"not a url", "<not a URL>"},
      {"", "<not a URL>"},
  };
  for (const auto &[url, redacted] : cases) {
    INFO(url);
    CHECK(detail::redact_pg_url(url) == redacted);
  }
  // Passwords holding each character URL parsers split at, raw and percent-encoded, in every
  // place of the URL: no piece of them is shown.
  for (const std::string password :
       {"Zq7/Kx9?Vb3", "Zq7@Kx9@Vb3", "Zq7#Kx9:Vb3", "Zq7%Kx9%2FVb3", "Zq7%40Kx9%3FVb3/Tn5?Wd2"}) {
    INFO(password);
    for (const std::string &url :
         {"postgresql://user:" + password + "@host:5432/db",
          "postgresql+asyncpg://user:" + password + "@host/db?sslmode=disable",
          "postgresql://user:" + password + "@", "mysql://user:" + password + "@host/db",
          "user:" + password + "@host/db", "postgresql://user:" + password,
          "postgresql://user:" + password + "/db", "postgresql://host/db?password=" + password}) {
      check_no_piece(detail::redact_pg_url(url), password);
      std::string message;
      if (code_of([&] { detail::parse_pg_url(url); }, &message) != Errc{}) {
        check_no_piece(message, password);
      }
    }
  }
}

TEST_CASE("pg url: the secrets scrubbed from libpq's messages", "[sessions][pg_url]") {
  const auto secrets = detail::pg_url_secrets("postgresql://user:p%40ss/w?rd@host/db");
  // As written, decoded, and as the libpq URI writes it; longest first.
  CHECK(secrets == std::vector<std::string>{"p%40ss%2Fw%3Frd", "p%40ss/w?rd", "p@ss/w?rd"});
  CHECK(detail::scrub_secrets("a p@ss/w?rd b p%40ss%2Fw%3Frd c", secrets) == "a *** b *** c");
  // A URL no parser reads still has its possible password scrubbed.
  const auto odd = detail::pg_url_secrets("postgresql://us/er:secret@host");
  CHECK(detail::scrub_secrets("database \"er:secret@host\" does not exist", odd) ==
        "database \"***@host\" does not exist");
  // A password of asterisks does not scrub forever.
  CHECK(detail::scrub_secrets("x ** y", {"*"}) == "x ****** y");
  CHECK(detail::pg_url_secrets("postgresql://h/db").empty());
  // libpq echoes a parameter value it cannot percent-decode.
  const auto in_query =
      detail::pg_url_secrets("postgresql://h/db?sslmode=disable&password=s%zz&x=1");
  CHECK(detail::scrub_secrets("invalid percent-encoded token: \"s%zz\"", in_query) ==
        "invalid percent-encoded token: \"***\"");
}
