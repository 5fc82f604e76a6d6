#include "hooks/matcher.hpp"

#include <re2/re2.h>

#include <agenthost/error.hpp>

namespace agenthost::hooks {

Matcher::Matcher(std::string_view pattern, std::string_view where) {
  if (pattern.empty() || pattern == "*") return;
  re2::RE2::Options options(re2::RE2::Quiet);  // errors go into the exception, not stderr
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    // A pattern can be huge (RE2's own limit is what rejects it): show only its start.
    const std::string shown =
        pattern.size() > 64 ? std::string(pattern.substr(0, 64)) + "..." : std::string(pattern);
    throw Error(Errc::invalid_argument,
                std::string(where) + ": invalid regex \"" + shown + "\": " + re->error());
  }
  re_ = std::move(re);
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher &&) noexcept = default;
Matcher &Matcher::operator=(Matcher &&) noexcept = default;

bool Matcher::matches(std::string_view tool_name) const {
  if (re_ == nullptr) return true;
  return re2::RE2::FullMatch(re2::StringPiece(tool_name.data(), tool_name.size()), *re_);
}

}  // namespace agenthost::hooks
