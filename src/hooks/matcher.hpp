// A hook's tool-name matcher: an RE2 regex that must match the whole name (linear time, so a
// hostile pattern or tool name cannot stall the policy).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace agenthost::hooks {

class Matcher {
 public:
  // Absent, "" and "*" match every name. Throws Error(invalid_argument) "<where>: invalid regex
  // ..." for a pattern RE2 rejects.
  Matcher(std::string_view pattern, std::string_view where);
  ~Matcher();
  Matcher(Matcher &&) noexcept;
  Matcher &operator=(Matcher &&) noexcept;

  bool matches(std::string_view tool_name) const;

 private:
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace agenthost::hooks
