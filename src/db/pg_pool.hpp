// A bounded pool of libpq connections with the CacheClient's guarantees: connections made lazily
// up to `size`, a bounded wait for a free one (pool_exhausted), a connect timeout and a
// statement_timeout on every connection, broken connections discarded and remade, and errors that
// name what failed without the URL's password.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/pg_result.hpp"

namespace agenthost::detail {

struct PgOptions {
  std::string url;  // any form normalize_pg_url accepts
  std::size_t size = 5;
  std::chrono::milliseconds connect_timeout{5000};    // libpq rounds up to whole seconds (>= 2)
  std::chrono::milliseconds statement_timeout{5000};  // server side, per statement
  std::chrono::milliseconds wait_timeout{5000};       // for a free connection
};

using PgParams = std::vector<std::optional<std::string>>;

// One borrowed connection; statements on it run in order (use BEGIN/COMMIT for a transaction).
class PgSession {
 public:
  PgSession(PGconn *conn, const std::vector<std::string> *secrets)
      : conn_(conn), secrets_(secrets) {}
  // Throws Error: connection (server unreachable, connection lost), timeout (statement_timeout),
  // conflict (unique or foreign-key violation), invalid_argument (a value out of the column's
  // range), protocol (any other failure); each names `what`.
  PgResult exec(const std::string &sql, const PgParams &params, const char *what);
  bool broken() const { return broken_; }

 private:
  PGconn *conn_;
  const std::vector<std::string> *secrets_;  // scrubbed from libpq's messages
  bool broken_ = false;
};

class PgPool {
 public:
  explicit PgPool(PgOptions options);  // makes no connection; Error(invalid_argument) for a bad URL
  ~PgPool();
  PgPool(const PgPool &) = delete;
  PgPool &operator=(const PgPool &) = delete;

  // Runs `fn` on one connection. A connection found broken afterwards is closed, not returned.
  void with_session(const std::function<void(PgSession &)> &fn);
  // One statement. `idempotent`: when it failed because a pooled connection had been lost (a
  // server restart), it is run once more on a fresh connection.
  PgResult exec(const std::string &sql, const PgParams &params, const char *what,
                bool idempotent = false);

  // Where the pool connects, without the password: for messages.
  const std::string &target() const { return redacted_; }

 private:
  PGconn *acquire();
  void release(PGconn *conn, bool broken);
  PGconn *connect();

  PgOptions options_;
  std::string uri_;
  std::string redacted_;
  std::vector<std::string> secrets_;  // pg_url_secrets
  std::string startup_options_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<PGconn *> idle_;
  std::size_t open_ = 0;
};

}  // namespace agenthost::detail
