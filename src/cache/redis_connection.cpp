#include "cache/redis_connection.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <agenthost/error.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <system_error>

namespace agenthost::detail {

namespace {

// Request and read buffers up to this size are kept between calls (per connection).
constexpr std::size_t kMaxKeptBuffer = std::size_t{256} * 1024;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

// hiredis 0.14 has no timeout error code: a timed-out read or connect is a REDIS_ERR_IO whose
// text is strerror(EAGAIN) (SO_RCVTIMEO) or, while connecting, strerror(ETIMEDOUT) /
// strerror(EINPROGRESS) (the connect poll). After the connect, ETIMEDOUT means the kernel gave up
// on the peer (retransmissions or keep-alive): a lost connection, which may be retried.
enum class Phase { connect, io };

bool is_timeout_text(const char *errstr, Phase phase) {
  static const std::string eagain = std::generic_category().message(EAGAIN);
  static const std::string ewouldblock = std::generic_category().message(EWOULDBLOCK);
  static const std::string etimedout = std::generic_category().message(ETIMEDOUT);
  static const std::string einprogress = std::generic_category().message(EINPROGRESS);
  if (errstr == eagain || errstr == ewouldblock) return true;
  return phase == Phase::connect && (errstr == etimedout || errstr == einprogress);
}

Errc classify(int err, const char *errstr, Phase phase) {
  switch (err) {
    case REDIS_ERR_IO:
      return is_timeout_text(errstr, phase) ? Errc::timeout : Errc::connection;
    case REDIS_ERR_PROTOCOL:
      return Errc::protocol;
    case REDIS_ERR_OOM:
      return Errc::internal;
    default:
      return Errc::connection;  // EOF, resolution failures ("OTHER")
  }
}

// hiredis writes with write(2): writing to a connection the server already closed raises
// SIGPIPE, which would kill the host. A library must not change the process' signal handling, so
// SIGPIPE is blocked in this thread while we write, and a SIGPIPE we caused (the write then
// failed, so we are unwinding) is consumed. If the host itself blocks SIGPIPE, it is left alone.
class SigpipeBlock {
 public:
  SigpipeBlock() : exceptions_(std::uncaught_exceptions()) {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    bool failed = std::uncaught_exceptions() > exceptions_;
    if (failed && sigismember(&old_, SIGPIPE) == 0 && is_pending()) {
      timespec zero{};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock &) = delete;
  SigpipeBlock &operator=(const SigpipeBlock &) = delete;

 private:
  static bool is_pending() {
    sigset_t pending;
    sigemptyset(&pending);
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }
  int exceptions_;
  sigset_t pipe_{};
  sigset_t old_{};
};

// hiredis' reader builds replies through these callbacks. Building agenthost::Reply directly
// (instead of hiredis' redisReply, then a converted copy) halves the allocations and copies per
// reply element, which dominates large MGET replies. Children live inside their parent's
// `elements` (sized when the array is created); only the root is heap-allocated, and hiredis
// frees only the root (freeObject). Returning nullptr makes hiredis report out of memory.
Reply *reply_slot(const redisReadTask *task) {
  if (task->parent == nullptr) return new (std::nothrow) Reply();
  auto *parent = static_cast<Reply *>(task->parent->obj);
  return &parent->elements[static_cast<std::size_t>(task->idx)];
}

void *create_string(const redisReadTask *task, char *str, std::size_t len) {
  Reply *r = reply_slot(task);
  if (r == nullptr) return nullptr;
  switch (task->type) {
    case REDIS_REPLY_STATUS:
      r->type = Reply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      r->type = Reply::Type::error;
      break;
    default:
      r->type = Reply::Type::string;
      break;
  }
  try {
    r->str.assign(str, len);
  } catch (...) {
    if (task->parent == nullptr) delete r;
    return nullptr;
  }
  return r;
}

void *create_array(const redisReadTask *task, int elements) {
  Reply *r = reply_slot(task);
  if (r == nullptr) return nullptr;
  r->type = Reply::Type::array;
  try {
    r->elements.resize(static_cast<std::size_t>(elements));
  } catch (...) {
    if (task->parent == nullptr) delete r;
    return nullptr;
  }
  return r;
}

void *create_integer(const redisReadTask *task, long long value) {
  Reply *r = reply_slot(task);
  if (r == nullptr) return nullptr;
  r->type = Reply::Type::integer;
  r->integer = value;
  return r;
}

void *create_nil(const redisReadTask *task) {
  Reply *r = reply_slot(task);
  if (r != nullptr) r->type = Reply::Type::nil;
  return r;
}

void free_reply(void *reply) { delete static_cast<Reply *>(reply); }

redisReplyObjectFunctions reply_functions{create_string, create_array, create_integer, create_nil,
                                          free_reply};

// Appends one command in RESP ("*argc", then "$len" and the bytes of each argument); cheaper
// than hiredis' redisFormatSdsCommandArgv, which formats every length through sdscatfmt. The
// buffer is grown once, to an upper bound, and written in place (a listing's MGET has ~100 keys).
void append_resp(std::string &out, const Command &command) {
  constexpr std::size_t kHeader = 1 + 20 + 2;  // kind, digits of a 64-bit count, CRLF
  std::size_t bound = kHeader;
  for (const auto &arg : command) bound += kHeader + arg.size() + 2;
  const std::size_t start = out.size();
  out.resize(start + bound);
  char *at = out.data() + start;
  char *const end = out.data() + out.size();
  const auto crlf = [&at] {
    *at++ = '\r';
    *at++ = '\n';
  };
  const auto header = [&](char kind, std::size_t n) {
    *at++ = kind;
    at = std::to_chars(at, end, n).ptr;
    crlf();
  };
  header('*', command.size());
  for (const auto &arg : command) {
    header('$', arg.size());
    at = std::copy(arg.begin(), arg.end(), at);
    crlf();
  }
  out.resize(static_cast<std::size_t>(at - out.data()));
}

std::string first_error_text(const std::vector<Reply> &queued) {
  for (const auto &r : queued) {
    if (r.is_error()) return r.str;
  }
  return {};
}

}  // namespace

RedisConnection::RedisConnection(const RedisEndpoint &endpoint,
                                 std::chrono::milliseconds connect_timeout,
                                 std::chrono::milliseconds socket_timeout)
    : endpoint_(endpoint), socket_timeout_(socket_timeout) {
  connect(connect_timeout);
  try {
    configure();
    handshake();
  } catch (...) {
    redisFree(ctx_);
    throw;
  }
}

RedisConnection::~RedisConnection() { redisFree(ctx_); }

void RedisConnection::connect(std::chrono::milliseconds connect_timeout) {
  timeval tv = to_timeval(connect_timeout);
  ctx_ = endpoint_.kind == RedisEndpoint::Kind::unix_socket
             ? redisConnectUnixWithTimeout(endpoint_.path.c_str(), tv)
             : redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv);
  if (ctx_ == nullptr) throw Error(Errc::internal, "out of memory allocating a Redis context");
  if (ctx_->err == 0) {
    ctx_->reader->fn = &reply_functions;
    // hiredis frees its read buffer whenever it is empty with over 16 KiB spare, so every reply
    // larger than that (a page of records) reallocated and regrew it; keep up to kMaxKeptBuffer.
    ctx_->reader->maxbuf = kMaxKeptBuffer;
    return;
  }
  Errc code = classify(ctx_->err, ctx_->errstr, Phase::connect);
  std::string message =
      code == Errc::timeout
          ? fmt::format("could not connect to Redis at {} within {} ms: {}", endpoint_.describe(),
                        connect_timeout.count(), ctx_->errstr)
          : fmt::format("could not connect to Redis at {}: {}", endpoint_.describe(), ctx_->errstr);
  redisFree(ctx_);
  ctx_ = nullptr;
  throw Error(code == Errc::protocol ? Errc::connection : code, message);
}

// hiredis 0.14 bounds only the connect; reads and writes need SO_RCVTIMEO/SO_SNDTIMEO.
void RedisConnection::configure() {
  if (redisSetTimeout(ctx_, to_timeval(socket_timeout_)) != REDIS_OK) fail_io("setting timeouts");
  if (endpoint_.kind == RedisEndpoint::Kind::tcp && redisEnableKeepAlive(ctx_) != REDIS_OK) {
    fail_io("enabling keep-alive");
  }
}

// AUTH and SELECT in one round trip; a refusal is a configuration error, reported without the
// password.
void RedisConnection::handshake() {
  std::vector<Command> commands;
  if (!endpoint_.password.empty()) {
    commands.push_back(endpoint_.user.empty()
                           ? Command{"AUTH", endpoint_.password}
                           : Command{"AUTH", endpoint_.user, endpoint_.password});
  }
  if (endpoint_.db != 0) commands.push_back({"SELECT", std::to_string(endpoint_.db)});
  if (commands.empty()) return;
  auto replies = pipeline(commands);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].is_error()) continue;
    bool auth = i == 0 && !endpoint_.password.empty();
    std::string who = endpoint_.user.empty() ? "" : fmt::format(" as user '{}'", endpoint_.user);
    throw Error(Errc::protocol,
                auth ? fmt::format("Redis at {} refused AUTH{}: {}", endpoint_.describe(), who,
                                   replies[i].str)
                     : fmt::format("Redis at {} refused SELECT {}: {}", endpoint_.describe(),
                                   endpoint_.db, replies[i].str));
  }
}

Reply RedisConnection::read_reply() {
  void *raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) fail_io("reading a reply");
  std::unique_ptr<Reply> reply(static_cast<Reply *>(raw));  // built by reply_functions
  return std::move(*reply);
}

void RedisConnection::fail_io(const char *during) {
  broken_ = true;
  int err = ctx_->err != 0 ? ctx_->err : REDIS_ERR_OTHER;
  const char *text = ctx_->err != 0 ? ctx_->errstr : "unknown error";
  Errc code = classify(err, text, Phase::io);
  if (code == Errc::timeout) {
    throw Error(code, fmt::format("Redis at {}: no answer within the socket timeout ({} ms) "
                                  "while {}: {}",
                                  endpoint_.describe(), socket_timeout_.count(), during, text));
  }
  throw Error(code, fmt::format("Redis at {}: connection lost while {}: {}", endpoint_.describe(),
                                during, text));
}

// send() marks the connection broken when the write fails, so no reply is read after a failed
// send and the pool discards the connection.
std::vector<Reply> RedisConnection::pipeline(const std::vector<Command> &commands) {
  send(commands);
  return receive(commands.size());
}

void RedisConnection::send(const std::vector<Command> &commands) {
  if (broken_) throw Error(Errc::connection, "Redis connection is broken");
  out_.clear();
  for (const auto &c : commands) append_resp(out_, c);
  if (redisAppendFormattedCommand(ctx_, out_.data(), out_.size()) != REDIS_OK) {
    fail_io("buffering commands");
  }
  if (out_.capacity() > kMaxKeptBuffer) std::string().swap(out_);
  SigpipeBlock no_sigpipe;
  for (int done = 0; !done;) {
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) fail_io("sending commands");
  }
}

std::vector<Reply> RedisConnection::receive(std::size_t count) {
  std::vector<Reply> replies;
  try {
    replies.reserve(count);
    for (std::size_t i = 0; i < count; ++i) replies.push_back(read_reply());
  } catch (...) {
    broken_ = true;  // replies may be left unread (bad_alloc): the next caller would get them
    throw;
  }
  touch();
  throw_if_loading(replies);
  return replies;
}

// After a restart Redis answers every command with "-LOADING ..." until its dataset is loaded:
// the server is not available yet, as if still starting, so this is Errc::connection (redis-py
// also makes BusyLoadingError a ConnectionError), which idempotent reads retry, and not a
// protocol error a caller would take for a bug. The connection is replaced, so no state a
// half-refused pipeline (MULTI, WATCH) may have left behind is ever reused.
void RedisConnection::throw_if_loading(const std::vector<Reply> &replies) {
  for (const auto &r : replies) {
    if (r.is_error() && r.str.compare(0, 8, "LOADING ") == 0) {
      broken_ = true;
      throw Error(Errc::connection, fmt::format("Redis at {} is still loading its dataset: {}",
                                                endpoint_.describe(), r.str));
    }
  }
}

std::optional<std::vector<Reply>> RedisConnection::transaction(
    const std::vector<Command> &commands) {
  std::vector<Command> wrapped;
  wrapped.reserve(commands.size() + 2);
  wrapped.push_back({"MULTI"});
  wrapped.insert(wrapped.end(), commands.begin(), commands.end());
  wrapped.push_back({"EXEC"});
  std::vector<Reply> replies = pipeline(wrapped);
  Reply exec = std::move(replies.back());
  if (exec.is_error()) {
    std::string cause = first_error_text(replies);
    throw Error(Errc::protocol,
                cause.empty() ? fmt::format("Redis transaction failed: {}", exec.str)
                              : fmt::format("Redis transaction aborted: {} ({})", exec.str, cause));
  }
  if (exec.is_nil()) return std::nullopt;
  if (exec.type != Reply::Type::array || exec.elements.size() != commands.size()) {
    broken_ = true;  // out of step with the server: do not trust this connection again
    throw Error(Errc::protocol, "Redis EXEC returned an unexpected reply");
  }
  return std::move(exec.elements);
}

}  // namespace agenthost::detail
