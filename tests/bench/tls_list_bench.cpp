// Benchmark: a 100-session page over TLS (rediss://) beside the same page over plain TCP and the
// raw floors of both, in one run on one private redis-server serving a plaintext and a TLS port:
//   agenthost TLS    SessionStore::list on rediss:// (verification on, test CA)
//   agenthost plain  SessionStore::list on redis://
//   floor TLS        raw OpenSSL + hiredis' redisReader: ZRANGE 0 99 REV, then MGET of those
//                    keys, parsed into hiredis replies, no decoding
//   floor plain      raw hiredis, the same two round trips
// The test certificates are made with openssl (tests/support/tls_certs.sh) in a temporary dir.
#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <agenthost/cache_client.hpp>
#include <agenthost/session_store.hpp>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "raw_redis.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"

using namespace agenthost;

namespace {

constexpr int kOwnerSessions = 1000;
constexpr int kPage = 100;
constexpr const char *kOwner = "sk-bench-tls-owner";

// A RESP client over one TLS session: what any TLS Redis client must do at least.
class RawTls {
 public:
  RawTls(int port, const std::string &ca) {
    ctx_ = redisConnect("127.0.0.1", port);
    if (ctx_ == nullptr || ctx_->err != 0) throw std::runtime_error("raw connect failed");
    int one = 1;
    setsockopt(ctx_->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_file(ssl_ctx_, ca.c_str());
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ssl_ctx_);
    SSL_set_fd(ssl_, ctx_->fd);
    SSL_set1_host(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("raw TLS handshake failed");
    reader_ = redisReaderCreate();
  }
  ~RawTls() {
    redisReaderFree(reader_);
    SSL_free(ssl_);
    SSL_CTX_free(ssl_ctx_);
    redisFree(ctx_);
  }
  RawTls(const RawTls &) = delete;
  RawTls &operator=(const RawTls &) = delete;

  // One command, one reply (caller frees with freeReplyObject).
  redisReply *command(const std::vector<std::string> &args) {
    std::vector<const char *> argv;
    std::vector<size_t> lens;
    for (const auto &a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    char *resp = nullptr;
    const long long n =
        redisFormatCommandArgv(&resp, static_cast<int>(args.size()), argv.data(), lens.data());
    const int written = SSL_write(ssl_, resp, static_cast<int>(n));
    redisFreeCommand(resp);
    if (written != n) throw std::runtime_error("raw TLS write failed");
    void *reply = nullptr;
    char buf[16384];
    while (redisReaderGetReply(reader_, &reply) == REDIS_OK && reply == nullptr) {
      const int got = SSL_read(ssl_, buf, sizeof buf);
      if (got <= 0) throw std::runtime_error("raw TLS read failed");
      redisReaderFeed(reader_, buf, static_cast<size_t>(got));
    }
    if (reply == nullptr) throw std::runtime_error("raw TLS: bad reply");
    return static_cast<redisReply *>(reply);
  }

 private:
  redisContext *ctx_ = nullptr;
  SSL_CTX *ssl_ctx_ = nullptr;
  SSL *ssl_ = nullptr;
  redisReader *reader_ = nullptr;
};

std::string make_certs() {
  char tmpl[] = "/tmp/agenthost-tls-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::string dir = tmpl;
  const std::string cmd = fmt::format("bash {} {} >/dev/null", AGENTHOST_TLS_CERTS_SCRIPT, dir);
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tls_certs.sh failed");
  return dir;
}

void row(const char *what, double us) { fmt::print("  {:<58} {:>10.1f} us\n", what, us); }

}  // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 501;
  const std::string certs = make_certs();
  const int tls_port = test::free_port();
  test::RedisServer server({"--tls-port", std::to_string(tls_port), "--tls-cert-file",
                            certs + "/server.crt", "--tls-key-file", certs + "/server.key",
                            "--tls-ca-cert-file", certs + "/ca.crt", "--tls-auth-clients", "no"});
  fmt::print("redis-server (private): plaintext port {}, TLS port {}\n", server.port(), tls_port);

  CacheOptions plain_options;
  plain_options.url = server.url();
  CacheClient plain_cache(plain_options);
  CacheOptions tls_options;
  tls_options.url = fmt::format("rediss://localhost:{}/0", tls_port);
  tls_options.tls.ca_file = certs + "/ca.crt";
  CacheClient tls_cache(tls_options);
  SessionStore plain_store(plain_cache);
  SessionStore tls_store(tls_cache);
  CreateRequest r;
  r.model = "claude-sonnet-4-20250514";
  r.metadata_json = R"({"project":"bench","tags":["alpha","beta"]})";
  bench::create_sessions(plain_store, r, {kOwner}, kOwnerSessions);
  const ListQuery first_page{kOwner, std::nullopt, 1, kPage, std::nullopt};
  const std::string owner_hash = plain_store.list(first_page).sessions.at(0).owner.value();
  const std::string index = "sessions:by_owner:" + owner_hash;

  const bench::RawContext plain_raw = bench::raw_connect(server.port());
  RawTls tls_raw(tls_port, certs + "/ca.crt");
  const bench::RawRun tls_run = [&](const std::vector<std::string> &a) {
    return bench::RawReply(tls_raw.command(a));
  };
  const bench::RawRun plain_run = [&](const std::vector<std::string> &a) {
    return bench::raw_command(plain_raw.get(), a);
  };
  std::size_t n[4] = {};
  for (int i = 0; i < 20; ++i) {  // warm pools, parsers and TLS sessions
    tls_store.list(first_page);
    plain_store.list(first_page);
  }
  const auto medians = bench::interleaved_medians_us(
      runs, {[&] { n[0] = tls_store.list(first_page).sessions.size(); },
             [&] { n[1] = bench::raw_page_floor(tls_run, index, "session:", kPage); },
             [&] { n[2] = plain_store.list(first_page).sessions.size(); },
             [&] { n[3] = bench::raw_page_floor(plain_run, index, "session:", kPage); }});
  for (std::size_t got : n) {
    if (got != static_cast<std::size_t>(kPage)) throw std::runtime_error("page sizes differ");
  }
  fmt::print("one owner's newest {} of {} sessions (median of {} interleaved runs):\n", kPage,
             kOwnerSessions, runs);
  row("agenthost SessionStore::list over TLS (rediss://)", medians[0]);
  row("floor TLS: raw OpenSSL + redisReader, ZRANGE + MGET", medians[1]);
  row("agenthost SessionStore::list over plain TCP", medians[2]);
  row("floor plain: raw hiredis, ZRANGE + MGET", medians[3]);
  fmt::print("  agenthost TLS / TLS floor     = {:.2f}x (target <= 1.3x)\n",
             medians[0] / medians[1]);
  fmt::print("  agenthost TLS / plain         = {:.2f}x\n", medians[0] / medians[2]);
  fmt::print("  TLS floor / plain floor       = {:.2f}x\n", medians[1] / medians[3]);
  std::system(fmt::format("rm -rf '{}'", certs).c_str());
  return 0;
}
