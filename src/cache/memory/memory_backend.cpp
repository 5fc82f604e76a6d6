// The memory:// backend: the Redis command interpreter over an in-process keyspace, serialised by
// one mutex. Transactions are optimistic like WATCH: values are read under the lock, `build` runs
// without it (so it may use the client), and the commit is refused if a watched key changed.
#include <atomic>
#include <mutex>

#include "cache/backend.hpp"
#include "cache/memory/memory_commands.hpp"
#include "cache/memory/memory_store.hpp"

namespace agenthost::detail {

namespace {

class MemoryBackend final : public CacheBackend {
 public:
  MemoryBackend() = default;

  std::vector<Reply> run(const std::vector<Command> &commands, bool transaction,
                         bool /*idempotent*/) override {
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    if (transaction) check_queueable(commands);
    return execute_all(commands);
  }

  std::optional<std::vector<Reply>> transact_once(const std::vector<std::string> &watch_keys,
                                                  const CacheClient::TransactionBuilder &build,
                                                  bool *aborted) override {
    *aborted = false;
    std::vector<std::uint64_t> versions;
    std::vector<std::optional<std::string>> values;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      check_open();
      read_watched(watch_keys, &versions, &values);
    }
    std::optional<std::vector<Command>> commands = build(values);
    if (!commands) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    store_.expire_due(MemoryClock::now());
    for (std::size_t i = 0; i < watch_keys.size(); ++i) {
      if (store_.version(watch_keys[i]) != versions[i]) {
        *aborted = true;
        return std::nullopt;
      }
    }
    check_queueable(*commands);
    return execute_all(*commands);
  }

  // No connections: every counter stays zero.
  PoolStats stats() const override { return PoolStats{}; }

  void close() override { closed_ = true; }

 private:
  void check_open() const {
    if (closed_) throw Error(Errc::connection, "client is closed");
  }

  // MULTI refuses the whole transaction when one command is unknown or has a wrong arity.
  static void check_queueable(const std::vector<Command> &commands) {
    for (const Command &command : commands) {
      if (auto err = check_command(command)) {
        throw Error(Errc::protocol,
                    "memory:// transaction aborted: EXECABORT Transaction "
                    "discarded because of previous errors. (" +
                        *err + ")");
      }
    }
  }

  std::vector<Reply> execute_all(const std::vector<Command> &commands) {
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (const Command &command : commands) {
      replies.push_back(execute_command(store_, command, MemoryClock::now()));
    }
    return replies;
  }

  void read_watched(const std::vector<std::string> &keys, std::vector<std::uint64_t> *versions,
                    std::vector<std::optional<std::string>> *values) {
    auto now = MemoryClock::now();
    for (const std::string &key : keys) {
      Reply r = execute_command(store_, {"GET", key}, now);
      if (r.is_error()) throw Error(Errc::protocol, "GET failed: " + r.str);
      versions->push_back(store_.version(key));
      values->push_back(r.is_nil() ? std::nullopt : std::optional<std::string>(std::move(r.str)));
    }
  }

  std::mutex mutex_;
  MemoryStore store_;
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<CacheBackend> make_memory_backend(const CacheOptions &) {
  return std::make_unique<MemoryBackend>();
}

}  // namespace agenthost::detail
