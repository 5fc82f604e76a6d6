// HookPolicy: evaluates agent lifecycle hooks (PreToolUse, PostToolUse, Stop, ...) by calling the
// user's HTTP webhooks, reading Claude Code's reply shapes, and fails closed: for every event that
// can block (PreToolUse, PermissionRequest, PreSkillShellCommand, UserPromptSubmit, ...) a
// failure yields deny.
#pragma once

#include <agenthost/metrics.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost {

// The numbers match agenthost_decision in the C ABI. `defer`: the hooks abstain and the host
// applies its normal permission flow (Claude Code's permissionDecision "defer"); it is a decision,
// not a failure. Hooks combine as deny > defer > ask > allow.
enum class Decision : int { allow = 0, deny = 1, ask = 2, defer = 3 };

// "allow", "deny", "ask" or "defer".
const char *decision_name(Decision d) noexcept;

// The outcome of one hook of an evaluation.
struct HookResult {
  std::string url;      // without user-info, query or fragment (they may carry credentials)
  int http_status = 0;  // 0 when no response arrived
  std::chrono::microseconds latency{0};
  std::string error;  // error class ("timeout", "blocked_address", ...) or empty on success
  Decision decision = Decision::deny;
  std::string reason;
  // The reply's hookSpecificOutput object as minified JSON (event-specific fields such as
  // watchPaths, worktreePath or updatedToolOutput are read from it), or empty.
  std::string hook_specific_output;
  bool failed() const noexcept { return !error.empty(); }
};

// The combined outcome of an evaluation: deny > defer > ask > allow.
struct Verdict {
  Decision decision = Decision::deny;
  std::string reason;                // the reasons of the deciding hooks, joined by "; "
  std::vector<std::string> reasons;  // one per deciding hook that gave a reason
  bool failed = false;               // any hook failed
  std::string error;                 // error class of the first failed hook, or empty
  std::string updated_input;         // JSON object text from the deciding hook, or empty
  // PermissionRequest: the updatedPermissions array of the deciding hook (JSON), or empty.
  std::string updated_permissions;
  // Claude Code's common reply fields, gathered over every hook that answered:
  bool continue_ = true;    // false when any hook said "continue": false (stop the agent)
  std::string stop_reason;  // the stopReason of the first such hook
  std::vector<std::string> additional_context;  // every hook's additionalContext, in order
  std::string system_message;     // every hook's systemMessage, in order, joined by "\n"
  bool suppress_output = false;   // any hook asked to suppress its output
  bool interrupt = false;         // a PermissionRequest deny asked to interrupt the agent
  std::vector<HookResult> hooks;  // one per hook that matched, in configuration order

  // {"decision","reason","failed","error","updated_input","updated_permissions","continue",
  //  "stop_reason","additional_context","system_message","suppress_output","interrupt",
  //  "hooks":[{"url","status","latency_ms","decision","error","hook_specific_output"}]} as
  // documented for agenthost_verdict_json.
  std::string to_json() const;
};

// One record per evaluation, handed to the decision-log callback.
struct DecisionRecord {
  std::string_view event;       // canonical (PascalCase) event name
  std::string_view session_id;  // empty when the input had none
  std::string_view tool_name;   // empty when the input had none
  const Verdict &verdict;
};

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

// Counters of one event since the policy was created.
struct EventCounters {
  std::uint64_t allow = 0;
  std::uint64_t deny = 0;
  std::uint64_t ask = 0;
  std::uint64_t defer = 0;
  std::uint64_t failed = 0;        // evaluations in which at least one hook failed
  std::uint64_t circuit_open = 0;  // evaluations in which at least one hook's circuit was open
};

// Counters of one configured hook since the policy was created.
struct HookStats {
  std::string event;        // canonical event name
  std::size_t index = 0;    // position among the event's hooks ("PreToolUse[0]")
  std::string url;          // without user-info, query or fragment
  std::uint64_t allow = 0;  // the hook's own decisions (a failure counts as its on_failure)
  std::uint64_t deny = 0;
  std::uint64_t ask = 0;
  std::uint64_t defer = 0;
  // Failures by error class ("timeout", "connection", "dns", "blocked_address", "http_status",
  // "too_large", "invalid_reply", "circuit_open", "cancelled", "internal"); every class is
  // present.
  std::map<std::string, std::uint64_t> failures;
  std::string circuit = "closed";  // "closed", "open" or "half_open" (a probe may run)
  std::uint64_t circuit_opened = 0;
  LatencyHistogram latency;  // the calls that were made (not those an open circuit kept back)
};

struct HookPolicyStats {
  // Keyed by canonical event name; events without configured hooks are counted under "*".
  std::map<std::string, EventCounters> events;
  std::vector<HookStats> hooks;  // in configuration order
};

class HookPolicy {
 public:
  // `config_json`: {"<Event>": hook | [hook...], ...} as described in DESIGN.md, or Claude Code's
  // settings file ({"hooks": {"<Event>": [{"matcher", "hooks": [{"type": "http", ...}]}]}}). Throws
  // Error(invalid_argument) naming the event, the hook index and the field for any error, and the
  // key for a key given twice in any object of the document.
  // Also Error(invalid_argument) from options.validate(). Nothing is sent before evaluate().
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
