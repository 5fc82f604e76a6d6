#include "cache/redis/redis_connection.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

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

#include "cache/redis/sigpipe_block.hpp"

namespace agenthost::detail {

namespace {

// Request and read buffers up to this size are kept between calls (per connection).
constexpr std::size_t kMaxKeptBuffer = std::size_t{256} * 1024;
// One TLS record's worth of plaintext: what one SSL_read returns at most.
constexpr std::size_t kTlsReadChunk = std::size_t{16} * 1024;

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
  const auto started = Clock::now();
  connect(connect_timeout);
  try {
    configure();
    if (endpoint_.tls) start_tls(connect_timeout, started);
    handshake();
  } catch (...) {
    tls_.reset();
    redisFree(ctx_);
    throw;
  }
}

RedisConnection::~RedisConnection() {
  tls_.reset();
  redisFree(ctx_);
}

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

// The TLS handshake shares the connect timeout with the TCP connect that preceded it.
void RedisConnection::start_tls(std::chrono::milliseconds connect_timeout,
                                Clock::time_point started) {
  if (!endpoint_.tls_context) {
    throw Error(Errc::internal,
                fmt::format("Redis at {}: rediss:// without a TLS context", endpoint_.describe()));
  }
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  const auto left = std::max(std::chrono::milliseconds(1), connect_timeout - spent);
  SigpipeBlock no_sigpipe;
  tls_ = std::make_unique<TlsStream>(ctx_->fd, *endpoint_.tls_context, endpoint_.host,
                                     endpoint_.describe(), left, connect_timeout, socket_timeout_);
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
  if (tls_) return read_tls_reply();
  void *raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) fail_io("reading a reply");
  std::unique_ptr<Reply> reply(static_cast<Reply *>(raw));  // built by reply_functions
  answered_ = true;
  return std::move(*reply);
}

// hiredis' reader parses what the TLS stream decrypted, exactly as it parses the socket's bytes.
Reply RedisConnection::read_tls_reply() {
  redisReader *reader = ctx_->reader;
  for (;;) {
    void *raw = nullptr;
    if (redisReaderGetReply(reader, &raw) != REDIS_OK) {
      broken_ = true;
      throw Error(
          reader->err == REDIS_ERR_OOM ? Errc::internal : Errc::protocol,
          fmt::format("Redis at {}: invalid reply: {}", endpoint_.describe(), reader->errstr));
    }
    if (raw != nullptr) {
      std::unique_ptr<Reply> reply(static_cast<Reply *>(raw));
      answered_ = true;
      return std::move(*reply);
    }
    char chunk[kTlsReadChunk];
    std::size_t n = 0;
    try {
      n = tls_->read_some(chunk, sizeof chunk, "reading a reply");
    } catch (...) {
      broken_ = true;
      throw;
    }
    if (redisReaderFeed(reader, chunk, n) != REDIS_OK) {
      broken_ = true;
      throw Error(Errc::internal, "out of memory buffering a Redis reply");
    }
  }
}

void RedisConnection::fail_io(const char *during) {
  broken_ = true;
  int err = ctx_->err != 0 ? ctx_->err : REDIS_ERR_OTHER;
  const char *text = ctx_->err != 0 ? ctx_->errstr : "unknown error";
  Errc code = classify(err, text, Phase::io);
  // A TLS server answers RESP with a TLS alert (0x15) or closes the connection.
  const bool tls_bytes = err == REDIS_ERR_PROTOCOL && (std::strstr(text, "\\x15") != nullptr ||
                                                       std::strstr(text, "\\x16") != nullptr);
  // So does a TLS port that reads RESP: it closes or resets the new connection unanswered.
  const bool refused_first = !answered_ && code == Errc::connection && err != REDIS_ERR_PROTOCOL;
  if (tls_bytes || refused_first) {
    throw Error(code, fmt::format("Redis at {}: connection lost while {}: {} (before any reply: "
                                  "{}use rediss:// if this is a TLS port)",
                                  endpoint_.describe(), during, text,
                                  tls_bytes ? "the server answered in TLS; " : ""));
  }
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
  SigpipeBlock no_sigpipe;
  if (tls_) {
    send_tls();
    return;
  }
  if (redisAppendFormattedCommand(ctx_, out_.data(), out_.size()) != REDIS_OK) {
    fail_io("buffering commands");
  }
  if (out_.capacity() > kMaxKeptBuffer) std::string().swap(out_);
  for (int done = 0; !done;) {
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) fail_io("sending commands");
  }
}

void RedisConnection::send_tls() {
  try {
    tls_->write_all(out_.data(), out_.size(), "sending commands");
  } catch (...) {
    broken_ = true;
    throw;
  }
  if (out_.capacity() > kMaxKeptBuffer) std::string().swap(out_);
}

std::vector<Reply> RedisConnection::receive(std::size_t count) {
  std::vector<Reply> replies;
  // A TLS read may write (answering a key update): SIGPIPE stays blocked while reading too.
  std::optional<SigpipeBlock> no_sigpipe;
  if (tls_) no_sigpipe.emplace();
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
