// Fuzzes the hooks configuration parser (validated once, so evaluation never meets a bad config).
// Properties: failures are Errc::invalid_argument; an accepted configuration has unique event
// names, timeouts within 1..300000 ms, deny on failure for every PreToolUse hook, http(s) URLs
// and header lines without CR, LF or NUL; its matchers run on any tool name; and no error message
// echoes a secret or a header value.
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "hooks/config/hook_config.hpp"

namespace {

namespace dom = simdjson::dom;

void collect_hook_secrets(dom::element hook, std::vector<std::string> &out) {
  if (hook.type() != dom::element_type::OBJECT) return;
  for (auto field : dom::object(hook)) {
    if (field.key == "secret" && field.value.type() == dom::element_type::STRING) {
      out.emplace_back(field.value.get_string().value_unsafe());
    }
    if (field.key == "headers" && field.value.type() == dom::element_type::OBJECT) {
      for (auto header : dom::object(field.value)) {
        if (header.value.type() == dom::element_type::STRING) {
          out.emplace_back(header.value.get_string().value_unsafe());
        }
      }
    }
  }
}

// The secrets and header values of `json` that a message can contain only by echoing them (see
// recognisable_secret; a JSON escape could spell one elsewhere, so none may be present).
std::vector<std::string> secrets_of(std::string_view json) {
  std::vector<std::string> all;
  if (json.find('\\') != std::string_view::npos) return all;
  dom::parser parser;
  dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) return all;
  if (root.type() != dom::element_type::OBJECT) return all;
  for (auto event : dom::object(root)) {
    if (event.value.type() == dom::element_type::ARRAY) {
      for (dom::element hook : dom::array(event.value)) collect_hook_secrets(hook, all);
    } else {
      collect_hook_secrets(event.value, all);
    }
  }
  std::vector<std::string> recognisable;
  for (auto &s : all) {
    if (agenthost::fuzz::recognisable_secret(json, s)) recognisable.push_back(std::move(s));
  }
  return recognisable;
}

void check_spec(const agenthost::hooks::EventHooks &ev, const agenthost::hooks::HookSpec &h,
                std::string_view tool) {
  using agenthost::Decision;
  FUZZ_CHECK(h.timeout.count() >= 1 && h.timeout.count() <= 300000,
             h.where + " timeout " + std::to_string(h.timeout.count()));
  FUZZ_CHECK(ev.event != "PreToolUse" || h.on_failure == Decision::deny,
             h.where + " may fail open");
  FUZZ_CHECK(h.url.display.rfind("http://", 0) == 0 || h.url.display.rfind("https://", 0) == 0,
             h.where + " display " + h.url.display);
  for (const auto &line : h.headers) {
    FUZZ_CHECK(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
               h.where + " header line with CR, LF or NUL");
  }
  (void)h.matcher.matches(tool);
  (void)h.matcher.matches("Bash");
  (void)h.matcher.matches("");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  const std::string_view json = fuzz::as_text(data, size);
  std::vector<hooks::EventHooks> events;
  try {
    events = hooks::parse_hook_config(json);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
    const std::string_view message = e.what();
    for (const auto &secret : secrets_of(json)) {
      FUZZ_CHECK(message.find(secret) == std::string_view::npos,
                 "a secret or header value in the message: " + std::string(message));
    }
    return 0;
  }
  std::set<std::string> names;
  const std::string_view tool = json.substr(0, 64);
  for (const auto &ev : events) {
    FUZZ_CHECK(!ev.event.empty() && names.insert(ev.event).second, "event " + ev.event);
    for (const auto &h : ev.hooks) check_spec(ev, h, tool);
  }
  return 0;
}
