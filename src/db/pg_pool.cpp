#include "db/pg_pool.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <cstring>

#include "db/pg_url.hpp"

namespace agenthost::detail {

namespace {

// libpq's message, one line, with anything that could be the URL's password (should libpq ever
// echo it) replaced.
std::string scrub(const char *message, const std::vector<std::string> &secrets) {
  std::string m = message == nullptr ? "" : message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  std::replace(m.begin(), m.end(), '\n', ' ');
  return scrub_secrets(std::move(m), secrets);
}

Errc code_of_sqlstate(const char *state) {
  const std::string s = state == nullptr ? "" : state;
  if (s == "57014") return Errc::timeout;  // statement_timeout / canceled
  if (s == "23505") return Errc::conflict;
  if (s == "23503") return Errc::conflict;  // a foreign key (the Python schema's parent id)
  if (s == "40P01" || s == "40001") return Errc::conflict;   // deadlock, serialization
  if (s.rfind("22", 0) == 0) return Errc::invalid_argument;  // data exception (range, format)
  if (s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0) return Errc::connection;
  return Errc::protocol;
}

}  // namespace

PgResult PgSession::exec(const std::string &sql, const PgParams &params, const char *what) {
  std::vector<const char *> values;
  values.reserve(params.size());
  for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
  // Without parameters, PQexec: it also runs several statements (a migration).
  PGresult *raw = params.empty() ? PQexec(conn_, sql.c_str())
                                 : PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()),
                                                nullptr, values.data(), nullptr, nullptr, 0);
  PgResult result(raw);
  const ExecStatusType st = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    throw Error(Errc::connection, fmt::format("{}: lost the PostgreSQL connection: {}", what,
                                              scrub(PQerrorMessage(conn_), *secrets_)));
  }
  const char *state = raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  const Errc code = code_of_sqlstate(state);
  if (code == Errc::connection) broken_ = true;
  const char *msg = raw == nullptr ? PQerrorMessage(conn_) : PQresultErrorMessage(raw);
  throw Error(code, fmt::format("{}: PostgreSQL: {}", what, scrub(msg, *secrets_)));
}

PgPool::PgPool(PgOptions options) : options_(std::move(options)) {
  PgUrl url = parse_pg_url(options_.url);
  uri_ = std::move(url.uri);
  redacted_ = std::move(url.redacted);
  secrets_ = std::move(url.secrets);
  if (options_.size < 1 || options_.size > 1000) {
    throw Error(Errc::invalid_argument,
                fmt::format("DB_POOL_SIZE={} is out of range 1..1000", options_.size));
  }
  startup_options_ =
      fmt::format("-c statement_timeout={} -c TimeZone=UTC -c client_min_messages=warning",
                  options_.statement_timeout.count());
}

PgPool::~PgPool() {
  for (PGconn *c : idle_) PQfinish(c);
}

PGconn *PgPool::connect() {
  const auto secs = (options_.connect_timeout.count() + 999) / 1000;
  const std::string timeout = std::to_string(std::max<long long>(2, secs));
  const char *keys[] = {"dbname", "connect_timeout", "options", "application_name", nullptr};
  const char *values[] = {uri_.c_str(), timeout.c_str(), startup_options_.c_str(), "agenthost",
                          nullptr};
  PGconn *conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) throw Error(Errc::internal, "PostgreSQL: out of memory for a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = scrub(PQerrorMessage(conn), secrets_);
    PQfinish(conn);
    throw Error(Errc::connection,
                fmt::format("cannot connect to PostgreSQL at {}: {}", redacted_, why));
  }
  return conn;
}

PGconn *PgPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + options_.wait_timeout;
  while (idle_.empty() && open_ >= options_.size) {
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      throw Error(Errc::pool_exhausted,
                  fmt::format("no PostgreSQL connection became free within {} ms (DB_POOL_SIZE={})",
                              options_.wait_timeout.count(), options_.size));
    }
  }
  if (!idle_.empty()) {
    PGconn *c = idle_.back();
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  try {
    return connect();
  } catch (...) {
    lock.lock();
    --open_;
    freed_.notify_one();
    throw;
  }
}

void PgPool::release(PGconn *conn, bool broken) {
  // A connection left inside a transaction (an exception between BEGIN and COMMIT) is not reused.
  if (!broken && PQtransactionStatus(conn) != PQTRANS_IDLE) broken = true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (broken || PQstatus(conn) != CONNECTION_OK) {
    PQfinish(conn);
    --open_;
  } else {
    idle_.push_back(conn);
  }
  freed_.notify_one();
}

void PgPool::with_session(const std::function<void(PgSession &)> &fn) {
  PGconn *conn = acquire();
  PgSession session(conn, &secrets_);
  try {
    fn(session);
  } catch (...) {
    release(conn, session.broken());
    throw;
  }
  release(conn, session.broken());
}

PgResult PgPool::exec(const std::string &sql, const PgParams &params, const char *what,
                      bool idempotent) {
  for (int attempt = 0;; ++attempt) {
    PgResult out;
    try {
      with_session([&](PgSession &s) { out = s.exec(sql, params, what); });
      return out;
    } catch (const Error &e) {
      // A lost pooled connection (server restarted) is retried once on a fresh one.
      if (!idempotent || attempt > 0 || e.code() != Errc::connection) throw;
      if (std::strstr(e.what(), "lost the PostgreSQL connection") == nullptr) throw;
    }
  }
}

}  // namespace agenthost::detail
