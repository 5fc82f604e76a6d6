// Benchmark: the cost HookPolicy adds to a webhook call.
//   raw        libcurl easy handle reused for every POST (keep-alive), same body, no parsing
//   evaluate   HookPolicy::evaluate: input parsing, request building, curl multi, reply parsing,
//              verdict, counters
// Both talk to the same keep-alive HTTP/1.1 server in this process, in the same run, in
// alternating rounds. Then: the latency of a fail-closed verdict with an open circuit, and
// throughput with 1, 2 and 4 threads (each raw thread with its own handle).
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <agenthost/hook_policy.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRounds = 50;
constexpr int kPerRound = 200;
constexpr int kWarmup = 500;
constexpr int kCircuitIterations = 50000;
constexpr int kSlices = 6;

const std::string kInput =
    R"({"hook_event_name":"PreToolUse","session_id":"bench-session","tool_name":"Bash",)"
    R"("tool_input":{"command":"ls -la /tmp","description":"list files"},"tool_use_id":"toolu_01"})";

// What evaluate sends for kInput: its names are canonical already, so the input text is kept and
// only the missing hook_event is appended. Both paths post exactly this body.
const std::string kWebhookBody =
    kInput.substr(0, kInput.size() - 1) + R"(,"hook_event":"PreToolUse"})";

// Requests whose body was not kWebhookBody: both paths must post the same bytes.
std::atomic<long> g_other_bodies{0};

const std::string kReplyBody = R"({"decision":"allow","reason":"bench ok"})";
const std::string kReply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(kReplyBody.size()) + "\r\n\r\n" + kReplyBody;

// Reads requests (headers + Content-Length body) from one keep-alive connection and answers each.
void serve_connection(int fd) {
  std::string buf;
  char chunk[16384];
  for (;;) {
    const auto header_end = buf.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      std::size_t length = 0;
      std::string head = buf.substr(0, header_end);
      std::transform(head.begin(), head.end(), head.begin(), ::tolower);
      if (auto p = head.find("content-length:"); p != std::string::npos) {
        length = std::stoul(head.substr(p + 15));
      }
      if (buf.size() >= header_end + 4 + length) {
        if (buf.compare(header_end + 4, length, kWebhookBody) != 0) ++g_other_bodies;
        buf.erase(0, header_end + 4 + length);
        if (::send(fd, kReply.data(), kReply.size(), MSG_NOSIGNAL) < 0) break;
        continue;
      }
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
}

class Server {
 public:
  Server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 128) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
      throw std::runtime_error("bench server: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~Server() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/hook", port_); }
  long accepted() const { return accepted_.load(); }

 private:
  void accept_loop() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++accepted_;
      const int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::thread(serve_connection, c).detach();
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<long> accepted_{0};
  std::thread thread_;
};

std::size_t discard_into(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

// A raw libcurl POST on one reused easy handle: the floor for one webhook call.
class RawPoster {
 public:
  RawPoster(const std::string &url, const std::string &body) : body_(body) {
    easy_ = curl_easy_init();
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body_.data());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_PROXY, "");
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, discard_into);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &reply_);
  }
  ~RawPoster() {
    curl_easy_cleanup(easy_);
    curl_slist_free_all(headers_);
  }
  void post() {
    reply_.clear();
    if (curl_easy_perform(easy_) != CURLE_OK) throw std::runtime_error("raw POST failed");
  }

 private:
  std::string body_;
  std::string reply_;
  CURL *easy_ = nullptr;
  curl_slist *headers_ = nullptr;
};

double thread_cpu_micros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

template <typename F>
double micros_of(F &&f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

double mean(const std::vector<double> &v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

std::string config_for(const std::string &url) {
  return R"({"PreToolUse":{"url":")" + url + R"(","matcher":"Bash|Write","timeout_ms":2000}})";
}

agenthost::HookPolicyOptions private_ok() {
  agenthost::HookPolicyOptions o;
  o.allow_private_networks = true;
  return o;
}

void latency(const Server &server) {
  agenthost::HookPolicy policy(config_for(server.url()), private_ok());
  RawPoster raw(server.url(), kWebhookBody);
  for (int i = 0; i < kWarmup; ++i) {
    raw.post();
    if (policy.evaluate(kInput).decision != agenthost::Decision::allow) {
      throw std::runtime_error("evaluate did not allow");
    }
  }
  std::vector<double> raw_us, eval_us, round_ratios;
  double raw_cpu = 0, eval_cpu = 0;  // client-thread CPU time: less sensitive to other load
  for (int r = 0; r < kRounds; ++r) {
    std::vector<double> raw_round, eval_round;
    double c0 = thread_cpu_micros();
    for (int i = 0; i < kPerRound; ++i) raw_round.push_back(micros_of([&] { raw.post(); }));
    double c1 = thread_cpu_micros();
    for (int i = 0; i < kPerRound; ++i) {
      eval_round.push_back(micros_of([&] { (void)policy.evaluate(kInput); }));
    }
    raw_cpu += c1 - c0;
    eval_cpu += thread_cpu_micros() - c1;
    round_ratios.push_back(percentile(eval_round, 0.5) / percentile(raw_round, 0.5));
    raw_us.insert(raw_us.end(), raw_round.begin(), raw_round.end());
    eval_us.insert(eval_us.end(), eval_round.begin(), eval_round.end());
  }
  raw_cpu /= static_cast<double>(raw_us.size());
  eval_cpu /= static_cast<double>(eval_us.size());
  const double raw_med = percentile(raw_us, 0.5), eval_med = percentile(eval_us, 0.5);
  fmt::print("## Per-evaluation latency, {} samples each ({} alternating rounds)\n\n",
             raw_us.size(), kRounds);
  fmt::print(
      "| path | median us | mean us | p90 us | p99 us | client CPU us/call |\n"
      "|---|---:|---:|---:|---:|---:|\n");
  fmt::print("| raw libcurl POST, reused handle | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n",
             raw_med, mean(raw_us), percentile(raw_us, 0.9), percentile(raw_us, 0.99), raw_cpu);
  fmt::print("| HookPolicy::evaluate | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", eval_med,
             mean(eval_us), percentile(eval_us, 0.9), percentile(eval_us, 0.99), eval_cpu);
  fmt::print(
      "\nratio evaluate / raw at the median: {:.3f}x (target <= 1.25x); median of the {} "
      "per-round ratios: {:.3f}x\n",
      eval_med / raw_med, round_ratios.size(), percentile(round_ratios, 0.5));
  fmt::print("connections accepted by the server for {} requests: {} (keep-alive reuse)\n\n",
             2 * (kWarmup + kRounds * kPerRound), server.accepted());
}

void open_circuit() {
  agenthost::HookPolicyOptions options = private_ok();
  options.failure_threshold = 1;
  options.cooldown = std::chrono::hours(1);
  // Port 9 on loopback: nothing listens, so the first call fails and opens the circuit.
  agenthost::HookPolicy policy(config_for("http://127.0.0.1:9/hook"), options);
  if (policy.evaluate(kInput).error != "connection") throw std::runtime_error("expected a refusal");
  std::vector<double> us;
  us.reserve(kCircuitIterations);
  for (int i = 0; i < kCircuitIterations; ++i) {
    agenthost::Verdict v;
    us.push_back(micros_of([&] { v = policy.evaluate(kInput); }));
    if (v.decision != agenthost::Decision::deny || v.error != "circuit_open") {
      throw std::runtime_error("expected a circuit_open deny");
    }
  }
  fmt::print("## Fail-closed verdict with an open circuit, {} samples\n\n", us.size());
  fmt::print("median {:.2f} us, p99 {:.2f} us (target: median < 20 us)\n\n", percentile(us, 0.5),
             percentile(us, 0.99));
}

// Operations per second of `threads` threads running make_worker()() for `time`.
template <typename F>
long operations(int threads, std::chrono::milliseconds time, F make_worker) {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto step = make_worker();
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        step();
        ++n;
      }
      done += n;
    });
  }
  std::this_thread::sleep_for(time);
  stop = true;
  for (auto &th : pool) th.join();
  return done.load();
}

void throughputs(const Server &server) {
  agenthost::HookPolicy policy(config_for(server.url()), private_ok());
  const std::chrono::milliseconds slice(500);
  fmt::print("## Throughput, {} alternating slices of {} ms per row and path\n\n", kSlices,
             slice.count());
  fmt::print("| threads | evaluate / s | raw POST / s | ratio |\n|---:|---:|---:|---:|\n");
  for (int threads : {1, 2, 4}) {
    long eval = 0, raw = 0;
    for (int s = 0; s < kSlices; ++s) {  // alternating, so load from elsewhere hits both alike
      eval += operations(threads, slice, [&] { return [&] { (void)policy.evaluate(kInput); }; });
      raw += operations(threads, slice, [&] {
        auto poster = std::make_shared<RawPoster>(server.url(), kWebhookBody);
        return [poster] { poster->post(); };
      });
    }
    const double seconds = kSlices * std::chrono::duration<double>(slice).count();
    fmt::print("| {} | {:.0f} | {:.0f} | {:.2f} |\n", threads, eval / seconds, raw / seconds,
               static_cast<double>(eval) / static_cast<double>(raw));
  }
  fmt::print("\n");
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  {
    Server server;
    fmt::print("# hook_eval_bench (libcurl {}, {} hardware threads)\n\n",
               curl_version_info(CURLVERSION_NOW)->version, std::thread::hardware_concurrency());
    latency(server);
    open_circuit();
    throughputs(server);
  }
  if (g_other_bodies.load() != 0) {
    fmt::print("FAILED: {} requests did not carry the benchmark body\n", g_other_bodies.load());
    curl_global_cleanup();
    return 1;
  }
  curl_global_cleanup();
  return 0;
}
