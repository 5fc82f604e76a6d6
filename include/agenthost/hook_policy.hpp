// HookPolicy: evaluates agent lifecycle hooks (PreToolUse, PostToolUse, Stop, ...) by calling the
// user's HTTP webhooks, reading Claude Code's reply shapes, and fails closed: for every event that
// can block (PreToolUse, PermissionRequest, PreSkillShellCommand, UserPromptSubmit, ...) a
// failure yields deny.
#pragma once

#include <agenthost/hook_stats.hpp>
#include <agenthost/metrics.hpp>
#include <agenthost/verdict.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

struct HookPolicyOptions {
  // Off: connections to loopback, private, link-local, CGNAT, ULA, multicast, unspecified and
  // IPv4-mapped forms of those are refused at connect time (after DNS) as "blocked_address".
  bool allow_private_networks = false;
  std::uint32_t max_response_bytes = 64 * 1024;  // 1..64 MiB, enforced while reading
  std::uint32_t failure_threshold =
      5;  // consecutive failures that open a hook's circuit; 1..1000000
  std::chrono::milliseconds cooldown{10000};  // how long an open circuit stays open; 1 ms..24 h
  // Called once per evaluation from the evaluating thread (so possibly from many threads at
  // once; for evaluate_async, the policy's loop thread); exceptions it throws are swallowed and
  // never change the verdict.
  std::function<void(const DecisionRecord &)> decision_log;

  // Throws Error(invalid_argument) naming the field and its range.
  void validate() const;
};

class HookPolicy {
 public:
  // `config_json`: {"<Event>": hook | [hook...], ...} as described in docs/hooks.md, or Claude
  // Code's settings file ({"hooks": {"<Event>": [{"matcher", "hooks": [{"type": "http", ...}]}]}}).
  // Throws Error(invalid_argument) naming the event, the hook index and the field for any error,
  // and the key for a key given twice in any object of the document. Also Error(invalid_argument)
  // from options.validate(). Nothing is sent before evaluate().
  explicit HookPolicy(std::string_view config_json, HookPolicyOptions options = {});
  // The same, on the heap (the C ABI keeps policies this way).
  static std::unique_ptr<HookPolicy> create(std::string_view config_json,
                                            HookPolicyOptions options = {});
  // No synchronous evaluate() may be running on the policy when it is destroyed. Asynchronous
  // evaluations still in flight are cancelled: their callbacks run (with the cancelled verdict)
  // before the destructor returns, and none runs after. It may run inside a callback.
  ~HookPolicy();
  HookPolicy(const HookPolicy &) = delete;
  HookPolicy &operator=(const HookPolicy &) = delete;

  // Runs the hooks of the input's event whose matcher matches its tool_name (every hook of the
  // event when the input has no tool_name), concurrently under one deadline (the longest
  // timeout among them). Safe to call from many threads at once. Hook failures never throw: they
  // become the hook's on_failure decision with failed = true. Throws Error(invalid_argument) for
  // input that is not a JSON object, too large, too deeply nested, without an event name, or
  // with a key given twice in any of its objects (the message names the key).
  // The verdict is the caller's; the input is not retained.
  Verdict evaluate(std::string_view input_json) const;

  // Receives the verdict of an asynchronous evaluation.
  using VerdictCallback = std::function<void(Verdict &&)>;

  // Starts the same evaluation as evaluate() without waiting for it: the hooks run on the
  // policy's own event loop thread (started on first use; one curl multi handle drives every
  // evaluation in flight, so they need no thread each), and `done` is called exactly once, on
  // that thread, with the verdict evaluate() would have returned: the same failures fail closed
  // the same way, the same breakers and counters count, the decision log is called. Returns a
  // ticket for cancel() (never 0). Throws Error(invalid_argument) for the input evaluate() would
  // refuse, or an empty callback; `done` is then never called. Exceptions `done` throws are
  // swallowed. `done` must not block for long: it holds up every other evaluation.
  std::uint64_t evaluate_async(std::string_view input_json, VerdictCallback done) const;

  // Cancels an asynchronous evaluation whose callback has not started: its requests are dropped
  // (their breakers count neither way) and its callback runs with a deny verdict, failed, error
  // "cancelled", before cancel returns (on the loop thread; so a callback the loop is running
  // delays it). False when the evaluation has already been delivered or the ticket is unknown.
  // Thread-safe; may be called from a callback.
  bool cancel(std::uint64_t ticket) const;

  // A snapshot of the per-event counters; safe to call while evaluations run.
  HookPolicyStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agenthost
