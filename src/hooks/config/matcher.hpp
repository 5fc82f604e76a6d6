// A hook's matcher, compared with the input field its event filters (event_table's
// matcher_field: the tool name for tool events, notification_type, SessionStart's source, ...).
// RE2 is the engine (linear time, so a hostile pattern or value cannot stall the policy). Two
// dialects:
//   agenthost's format: an RE2 regex that must match the whole value.
//   Claude Code's settings format, as Claude Code reads it (hooks reference, "Matcher patterns"):
//   a name of only exact-name characters is one exact name or a list of them; anything else is a
//   JavaScript regular expression searched in the value, here run by RE2, and refused at creation
//   when RE2 cannot compile it or would read it differently from JavaScript.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace agenthost::hooks {

class Matcher {
 public:
  // agenthost's format. Absent, "" and "*" match every value. Throws Error(invalid_argument)
  // "<where>: invalid regex ..." for a pattern RE2 rejects.
  Matcher(std::string_view pattern, std::string_view where);

  // Claude Code's settings format for a hook of `event` (canonical name). Throws
  // Error(invalid_argument) naming `where` for a regex RE2 rejects or reads differently from
  // JavaScript, an exact-name list without a name, and a matcher (other than "", "*") on an event
  // whose filtered field is not documented (PreSkillShellCommand, Interrupt, unknown events).
  static Matcher settings(std::string_view pattern, std::string_view event, std::string_view where);

  ~Matcher();
  Matcher(Matcher &&) noexcept;
  Matcher &operator=(Matcher &&) noexcept;

  bool matches(std::string_view value) const;

 private:
  enum class Mode { all, names, file_names, full_regex, search_regex };
  Matcher() = default;

  Mode mode_ = Mode::all;
  std::vector<std::string> names_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace agenthost::hooks
