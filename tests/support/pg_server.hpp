// A private PostgreSQL for tests that stop and restart their server (so they never disturb the
// shared fixture): tests/support/pg_fixture.py in a directory of its own.
#pragma once

#include <string>

namespace agenthost::test {

class PgServer {
 public:
  PgServer();  // initdb + start on a free loopback port
  ~PgServer();
  PgServer(const PgServer &) = delete;
  PgServer &operator=(const PgServer &) = delete;

  const std::string &url() const { return url_; }  // with the server's password
  void halt();                                     // pg_ctl stop, data kept
  void resume();                                   // pg_ctl start on the same port

 private:
  void run(const char *command) const;
  std::string dir_;
  std::string url_;
};

}  // namespace agenthost::test
