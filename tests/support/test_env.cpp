#include "support/test_env.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace agenthost::test {

std::string shared_redis_url() {
  if (const char *url = std::getenv("AGENTHOST_TEST_REDIS_URL"); url != nullptr && *url != '\0') {
    return url;
  }
  const char *file = std::getenv("AGENTHOST_TEST_REDIS_URL_FILE");
  if (file == nullptr) return {};
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

namespace {

std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string tls_fixture_dir() {
  if (const char *dir = std::getenv("AGENTHOST_TEST_TLS_FIXTURE_DIR"); dir != nullptr) return dir;
#ifdef AGENTHOST_TLS_FIXTURE_DIR
  return AGENTHOST_TLS_FIXTURE_DIR;
#else
  return "";
#endif
}

}  // namespace

std::string shared_tls_redis_url() {
  const std::string dir = tls_fixture_dir();
  return dir.empty() ? "" : first_line(dir + "/url");
}

int shared_tls_plain_port() {
  const std::string dir = tls_fixture_dir();
  const std::string port = dir.empty() ? "" : first_line(dir + "/port");
  if (port.empty()) throw std::runtime_error("no shared TLS redis-server (fixture redis_tls)");
  return std::stoi(port);
}

std::string tls_cert_file(const std::string &name) {
  const std::string dir = tls_fixture_dir();
  if (dir.empty()) throw std::runtime_error("no TLS test certificates (fixture redis_tls)");
  return dir + "/certs/" + name;
}

TlsOptions test_tls_options() {
  TlsOptions t;
  t.ca_file = tls_cert_file("ca.crt");
  t.cert_file = tls_cert_file("client.crt");
  t.key_file = tls_cert_file("client.key");
  return t;
}

std::vector<std::string> tls_server_args(int tls_port, const std::string &cert,
                                         const std::string &auth_clients) {
  return {"--tls-port",         std::to_string(tls_port),
          "--tls-cert-file",    tls_cert_file(cert + ".crt"),
          "--tls-key-file",     tls_cert_file(cert + ".key"),
          "--tls-ca-cert-file", tls_cert_file("ca.crt"),
          "--tls-auth-clients", auth_clients};
}

std::string shared_pg_url() {
  if (const char *url = std::getenv("AGENTHOST_TEST_PG_URL"); url != nullptr && *url != '\0') {
    return url;
  }
  const char *file = std::getenv("AGENTHOST_TEST_PG_URL_FILE");
#ifdef AGENTHOST_PG_FIXTURE_URL_FILE
  if (file == nullptr) file = AGENTHOST_PG_FIXTURE_URL_FILE;
#endif
  if (file == nullptr) return {};
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

std::string unique_table(const std::string &what) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return "t_" + what + "_" + std::to_string(::getpid()) + "_" + std::to_string(salt % 100000) +
         "_" + std::to_string(counter++);
}

std::string unique_prefix(const std::string &what) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return "t:" + what + ":" + std::to_string(::getpid()) + ":" + std::to_string(salt) + ":" +
         std::to_string(counter++) + ":";
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() to a free port failed");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace agenthost::test
