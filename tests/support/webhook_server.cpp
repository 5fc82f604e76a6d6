#include "support/webhook_server.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "support/test_env.hpp"

namespace agenthost::test {

namespace {

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// State 'T' (stopped) in /proc/PID/stat; the state follows the parenthesised command name.
bool is_stopped(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'T';
}

std::size_t collect(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

WebhookServer::WebhookServer(std::string secret, int port)
    : secret_(std::move(secret)), port_(port > 0 ? port : free_port()) {
  spawn();
}

void WebhookServer::spawn() {
  const std::string port_text = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::execl("/usr/bin/python3", "python3", AGENTHOST_WEBHOOK_SERVER_SCRIPT, port_text.c_str(),
            secret_.c_str(), static_cast<char *>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 200; ++i) {  // at most 10 s
    if (accepts_connections(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill();
  throw std::runtime_error("webhook_server.py did not start on port " + port_text);
}

void WebhookServer::pause() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGSTOP);
  // The signal is asynchronous: return only once the process is stopped, so callers know that
  // every later request meets a hung server.
  for (int i = 0; i < 200 && !is_stopped(pid_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void WebhookServer::resume() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);
  for (int i = 0; i < 200 && is_stopped(pid_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void WebhookServer::restart() {
  kill();
  spawn();
}

WebhookServer::~WebhookServer() { kill(); }

void WebhookServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string WebhookServer::url(const std::string &path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string WebhookServer::get(const std::string &path) const { return http_get(url(path)); }

int WebhookServer::request_count() const { return std::stoi(get("/_count")); }

std::string http_get(const std::string &url) {
  std::string body;
  CURL *e = curl_easy_init();
  if (e == nullptr) return body;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
  if (curl_easy_perform(e) != CURLE_OK) body.clear();
  curl_easy_cleanup(e);
  return body;
}

}  // namespace agenthost::test
