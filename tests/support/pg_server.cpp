#include "support/pg_server.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#ifndef AGENTHOST_PG_FIXTURE_SCRIPT
#error "AGENTHOST_PG_FIXTURE_SCRIPT must name tests/support/pg_fixture.py"
#endif

namespace agenthost::test {

PgServer::PgServer() {
  static std::atomic<unsigned> counter{0};
  dir_ = (std::filesystem::temp_directory_path() /
          ("agenthost-pgtest-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
             .string();
  run("start");
  std::ifstream in(dir_ + "/url");
  std::getline(in, url_);
  if (url_.empty()) throw std::runtime_error("private PostgreSQL wrote no URL");
}

PgServer::~PgServer() {
  try {
    run("stop");
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void PgServer::halt() { run("halt"); }
void PgServer::resume() { run("resume"); }

void PgServer::run(const char *command) const {
  const std::string line = std::string("/usr/bin/python3 ") + AGENTHOST_PG_FIXTURE_SCRIPT + " " +
                           command + " '" + dir_ + "' >/dev/null";
  if (std::system(line.c_str()) != 0) {
    throw std::runtime_error(std::string("pg_fixture.py ") + command + " failed");
  }
}

}  // namespace agenthost::test
