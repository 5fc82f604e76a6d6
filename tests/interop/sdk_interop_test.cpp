// HookPolicy against the real npm packages (tests/interop, installed by the interop_npm fixture):
// every reply shape of the Claude Agent SDK's sdk.d.ts answered by a local server and the verdict
// asserted (tests/interop/reply_cases.json); every signed request verified by both official
// Standard Webhooks libraries (standardwebhooks and svix), under each secret form they accept;
// every SDK event known to agenthost's event table and passed on exactly as spelled.
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <agenthost/hook_policy.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hooks/event_table.hpp"
#include "support/hook_test_util.hpp"
#include "support/test_env.hpp"
#include "support/webhook_server.hpp"

using agenthost::Decision;
using agenthost::HookPolicy;
using agenthost::Verdict;
using agenthost::hooks::EventKind;
namespace dom = simdjson::dom;

namespace {

// The secret forms the official libraries accept: "whsec_" + padded or unpadded base64, and
// bare base64, padded or not.
const std::vector<std::string> kSecrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                           "whsec_c2VjcmV0LWtleS0xNjY",
                                           "YWdlbnRob3N0LWludGVyb3A=", "YWdlbnRob3N0LWludGVyb3A"};

// Where tests/interop and its installed node_modules are (compile definitions).
const std::string kInteropDir = AGENTHOST_INTEROP_DIR;
const std::string kModules = AGENTHOST_INTEROP_MODULES;

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string command_output(const std::string &command) {
  std::string out;
  FILE *p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run " + command);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error(command + " failed");
  return out;
}

// tests/interop/reply_server.mjs on a free port, stopped by its PID.
class ReplyServer {
 public:
  ReplyServer() {
    const std::string dir = kInteropDir;
    const std::string modules = kModules;
    port_file_ = modules + "/../reply_server." + std::to_string(::getpid()) + ".port";
    std::remove(port_file_.c_str());
    std::vector<std::string> args = {"node", dir + "/reply_server.mjs", modules,
                                     dir + "/reply_cases.json", port_file_};
    args.insert(args.end(), kSecrets.begin(), kSecrets.end());
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char *> argv;
      for (auto &a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("node", argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 300 && port_ == 0; ++i) {  // at most 15 s
      std::ifstream in(port_file_);
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (port_ == 0) {
      stop();
      throw std::runtime_error("reply_server.mjs did not start");
    }
  }
  ~ReplyServer() { stop(); }
  ReplyServer(const ReplyServer &) = delete;
  ReplyServer &operator=(const ReplyServer &) = delete;

  std::string url(std::size_t secret, const std::string &name) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/s/" + std::to_string(secret) + "/" +
           name;
  }
  std::string stats() const {
    return agenthost::test::http_get("http://127.0.0.1:" + std::to_string(port_) + "/_stats");
  }

 private:
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    std::remove(port_file_.c_str());
  }

  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The SDK's declarations as tests/interop/sdk_shapes.mjs reads them.
struct SdkShapes {
  std::vector<std::string> events;
  std::vector<std::string> permission_decisions;
  std::vector<std::string> sync_fields;
  std::map<std::string, std::vector<std::string>> outputs;  // event -> hookSpecificOutput fields
};

std::vector<std::string> strings_of(dom::element array) {
  std::vector<std::string> out;
  for (dom::element e : array.get_array()) out.emplace_back(std::string_view(e.get_string()));
  return out;
}

SdkShapes sdk_shapes() {
  static const std::string text =
      command_output("node " + kInteropDir + "/sdk_shapes.mjs " + kModules);
  dom::parser parser;
  dom::element root = parser.parse(text);
  SdkShapes s;
  s.events = strings_of(root["events"]);
  s.permission_decisions = strings_of(root["permission_decisions"]);
  s.sync_fields = strings_of(root["sync_fields"]);
  for (auto field : root["outputs"].get_object()) {
    s.outputs[std::string(field.key)] = strings_of(field.value);
  }
  return s;
}

std::string input_for(const std::string &event) {
  return R"({"hook_event_name":")" + event +
         R"(","session_id":"s-1","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"ls"}})";
}

Decision decision_of(std::string_view name) {
  for (Decision d : {Decision::allow, Decision::deny, Decision::ask, Decision::defer}) {
    if (name == agenthost::decision_name(d)) return d;
  }
  throw std::runtime_error("unknown decision in a case: " + std::string(name));
}

// Checks the verdict against the case's "expect" object.
void check_verdict(const Verdict &v, dom::object expect) {
  CHECK(agenthost::decision_name(v.decision) == std::string_view(expect["decision"]));
  CHECK(v.decision == decision_of(expect["decision"]));
  bool failed = false;
  if (expect["failed"].get(failed) != simdjson::SUCCESS) failed = false;
  CHECK(v.failed == failed);
  std::string_view text;
  if (expect["reason"].get(text) == simdjson::SUCCESS) CHECK(v.reason == text);
  if (expect["stop_reason"].get(text) == simdjson::SUCCESS) CHECK(v.stop_reason == text);
  if (expect["system_message"].get(text) == simdjson::SUCCESS) CHECK(v.system_message == text);
  bool flag = false;
  if (expect["continue"].get(flag) == simdjson::SUCCESS) CHECK(v.continue_ == flag);
  CHECK(v.suppress_output == (expect["suppress_output"].get(flag) == simdjson::SUCCESS && flag));
  CHECK(v.interrupt == (expect["interrupt"].get(flag) == simdjson::SUCCESS && flag));
  dom::element e;
  CHECK(v.updated_input ==
        (expect["updated_input"].get(e) == simdjson::SUCCESS ? simdjson::minify(e) : ""));
  CHECK(v.updated_permissions ==
        (expect["updated_permissions"].get(e) == simdjson::SUCCESS ? simdjson::minify(e) : ""));
  std::vector<std::string> context;
  if (expect["additional_context"].get(e) == simdjson::SUCCESS) context = strings_of(e);
  CHECK(v.additional_context == context);
  if (expect["hook_specific_output"].get(flag) == simdjson::SUCCESS && flag) {
    REQUIRE(v.hooks.size() == 1);
    CHECK_FALSE(v.hooks[0].hook_specific_output.empty());
  }
}

// Field names of a case's reply: top-level keys and hookSpecificOutput keys (PermissionRequest's
// decision object as "decision.<key>").
void collect_fields(dom::element reply, std::set<std::string> &top,
                    std::map<std::string, std::set<std::string>> &specific) {
  dom::object obj;
  if (reply.get_object().get(obj) != simdjson::SUCCESS) return;
  for (auto f : obj) top.emplace(f.key);
  dom::object h;
  if (obj["hookSpecificOutput"].get_object().get(h) != simdjson::SUCCESS) return;
  std::string_view event;
  if (h["hookEventName"].get(event) != simdjson::SUCCESS) return;
  auto &fields = specific[std::string(event)];
  for (auto f : h) {
    fields.emplace(f.key);
    dom::object d;
    if (f.key == "decision" && f.value.get_object().get(d) == simdjson::SUCCESS) {
      for (auto g : d) fields.emplace("decision." + std::string(g.key));
    }
  }
}

}  // namespace

TEST_CASE("interop: every event of the SDK is in agenthost's event table, spelled the same",
          "[hooks][interop]") {
  const SdkShapes sdk = sdk_shapes();
  REQUIRE(sdk.events.size() >= 35);
  std::set<std::string> known;
  const auto table = agenthost::hooks::known_events();
  for (const auto *e = table.begin; e != table.end; ++e) known.emplace(e->name);
  CHECK(known == std::set<std::string>(sdk.events.begin(), sdk.events.end()));
  for (const auto &event : sdk.events) {
    INFO(event);
    CHECK(agenthost::hooks::canonical_event_name(event) == event);
  }
  for (const char *gate : {"PreToolUse", "PermissionRequest", "PreSkillShellCommand"}) {
    CHECK(agenthost::hooks::event_kind(gate) == EventKind::gate);
  }
  CHECK(agenthost::hooks::event_kind("UserPromptSubmit") == EventKind::blocking);
}

TEST_CASE("interop: the event table's decision fields are exactly the ones sdk.d.ts declares",
          "[hooks][interop]") {
  using agenthost::hooks::DecisionShape;
  const SdkShapes sdk = sdk_shapes();
  for (const auto &event : sdk.events) {
    INFO(event);
    DecisionShape declared = DecisionShape::none;
    const auto it = sdk.outputs.find(event);
    if (it != sdk.outputs.end()) {
      for (const auto &f : it->second) {
        if (f == "permissionDecision") declared = DecisionShape::permission_decision;
        if (f == "decision.behavior") declared = DecisionShape::permission_request;
        if (f == "action") declared = DecisionShape::elicitation_action;
      }
    }
    CHECK(agenthost::hooks::decision_shape(event) == declared);
  }
}

TEST_CASE(
    "interop: every reply shape of sdk.d.ts, signed and verified by standardwebhooks and svix",
    "[hooks][interop]") {
  const SdkShapes sdk = sdk_shapes();
  const std::string cases_text = read_file(kInteropDir + "/reply_cases.json");
  dom::parser parser;
  dom::element cases = parser.parse(cases_text);
  ReplyServer server;
  std::set<std::string> top_fields;
  std::map<std::string, std::set<std::string>> specific;
  std::set<std::string> decisions_said;
  std::size_t n = 0;
  for (dom::element c : cases.get_array()) {
    const std::string name{std::string_view(c["name"])};
    const std::string event{std::string_view(c["event"])};
    INFO("case " << name << " (" << event << "), reply " << simdjson::minify(c["reply"]));
    const std::size_t secret = n++ % kSecrets.size();
    const std::string config = R"({")" + event + R"(":{"url":")" + server.url(secret, name) +
                               R"(","timeout_ms":5000,"secret":")" + kSecrets[secret] + R"("}})";
    HookPolicy policy(config, agenthost::test::private_ok());
    const Verdict v = policy.evaluate(input_for(event));
    REQUIRE(v.hooks.size() == 1);
    CHECK(v.hooks[0].http_status == 200);  // 401 when a library refused the signature
    check_verdict(v, c["expect"]);
    collect_fields(c["reply"], top_fields, specific);
    std::string_view said;
    if (c["reply"]["hookSpecificOutput"]["permissionDecision"].get(said) == simdjson::SUCCESS) {
      decisions_said.emplace(said);
    }
  }
  // Every request was verified by both libraries.
  dom::parser stats_parser;
  const std::string stats_text = server.stats();
  dom::element stats = stats_parser.parse(stats_text);
  CHECK(std::uint64_t(stats["requests"]) == n);
  CHECK(std::uint64_t(stats["verified_standardwebhooks"]) == n);
  CHECK(std::uint64_t(stats["verified_svix"]) == n);
  // The cases cover every declared shape.
  for (const auto &f : sdk.sync_fields) {
    INFO("SyncHookJSONOutput." << f);
    CHECK(top_fields.count(f) == 1);
  }
  for (const auto &d : sdk.permission_decisions) {
    INFO("HookPermissionDecision " << d);
    CHECK(decisions_said.count(d) == 1);
  }
  for (const auto &[event, fields] : sdk.outputs) {
    for (const auto &f : fields) {
      INFO(event << "HookSpecificOutput." << f);
      CHECK(specific[event].count(f) == 1);
    }
  }
}

TEST_CASE("interop: every SDK event reaches the webhook spelled exactly as the SDK spells it",
          "[hooks][interop]") {
  const SdkShapes sdk = sdk_shapes();
  ReplyServer server;
  for (const auto &event : sdk.events) {
    const std::string config = R"({")" + event + R"(":{"url":")" +
                               server.url(0, "task_completed_ack") + R"(","secret":")" +
                               kSecrets[0] + R"("}})";
    HookPolicy policy(config, agenthost::test::private_ok());
    (void)policy.evaluate(input_for(event));
  }
  dom::parser parser;
  const std::string stats_text = server.stats();
  dom::element stats = parser.parse(stats_text);
  CHECK(strings_of(stats["events"]) == sdk.events);
}

TEST_CASE("interop: with the webhook down, every event that can block denies", "[hooks][interop]") {
  const SdkShapes sdk = sdk_shapes();
  const int port = agenthost::test::free_port();  // nothing listens there
  std::size_t blocking = 0;
  for (const auto &event : sdk.events) {
    INFO(event);
    const std::string config =
        R"({")" + event + R"(":{"url":"http://127.0.0.1:)" + std::to_string(port) + R"(/hook"}})";
    HookPolicy policy(config, agenthost::test::private_ok());
    const Verdict v = policy.evaluate(input_for(event));
    CHECK(v.failed);
    const bool can_block = agenthost::hooks::event_kind(event) != EventKind::informational;
    blocking += can_block ? 1 : 0;
    CHECK(v.decision == (can_block ? Decision::deny : Decision::allow));
  }
  CHECK(blocking >= 4);
}
