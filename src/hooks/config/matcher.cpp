#include "hooks/config/matcher.hpp"

#include <re2/re2.h>

#include <agenthost/error.hpp>

#include "hooks/config/js_regex.hpp"
#include "hooks/event_table.hpp"

namespace agenthost::hooks {

namespace {

// A pattern can be huge (RE2's own limit is what rejects it): messages show only its start.
std::string shown(std::string_view pattern) {
  return pattern.size() > 64 ? std::string(pattern.substr(0, 64)) + "..." : std::string(pattern);
}

[[noreturn]] void reject(std::string_view where, std::string_view pattern, const std::string &why) {
  throw Error(Errc::invalid_argument,
              std::string(where) + ": invalid regex \"" + shown(pattern) + "\": " + why);
}

std::unique_ptr<re2::RE2> compile(std::string_view pattern, std::string_view where) {
  re2::RE2::Options options(re2::RE2::Quiet);  // errors go into the exception, not stderr
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) reject(where, pattern, re->error());
  return re;
}

bool is_exact_char(char c, ExactSet set) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
      c == '|') {
    return true;
  }
  return set == ExactSet::standard && (c == '-' || c == ' ' || c == ',');
}

bool is_exact_form(std::string_view pattern, ExactSet set) noexcept {
  for (char c : pattern) {
    if (!is_exact_char(c, set)) return false;
  }
  return true;
}

// The names of an exact-name matcher: split on '|' (and ',' in the standard set), each trimmed of
// the spaces around it.
std::vector<std::string> exact_names(std::string_view pattern, ExactSet set) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= pattern.size(); ++i) {
    if (i < pattern.size() && pattern[i] != '|' &&
        !(set == ExactSet::standard && pattern[i] == ','))
      continue;
    std::string_view name = pattern.substr(start, i - start);
    const std::size_t first = name.find_first_not_of(' ');
    if (first != std::string_view::npos) {
      name = name.substr(first, name.find_last_not_of(' ') - first + 1);
      names.emplace_back(name);
    }
    start = i + 1;
  }
  return names;
}

re2::StringPiece piece(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

Matcher::Matcher(std::string_view pattern, std::string_view where) {
  if (pattern.empty() || pattern == "*") return;
  re_ = compile(pattern, where);
  mode_ = Mode::full_regex;
}

Matcher Matcher::settings(std::string_view pattern, std::string_view event,
                          std::string_view where) {
  Matcher m;
  if (pattern.empty() || pattern == "*") return m;
  const EventInfo *info = find_event(event);
  const ExactSet set = info != nullptr ? info->exact_set : ExactSet::standard;
  const bool file_names = info != nullptr && info->name == "FileChanged";
  if (file_names || is_exact_form(pattern, set)) {
    // FileChanged's matcher is always a '|'-separated list of file names to watch, never a regex.
    m.names_ = exact_names(pattern, set);
    if (m.names_.empty()) {
      throw Error(Errc::invalid_argument,
                  std::string(where) + ": \"" + shown(pattern) + "\" names nothing to match");
    }
    m.mode_ = file_names ? Mode::file_names : Mode::names;
  } else {
    if (auto why = js_regex_difference(pattern); !why.empty()) reject(where, pattern, why);
    m.re_ = compile(pattern, where);
    m.mode_ = Mode::search_regex;
  }
  if (info == nullptr || info->matcher_field == kUndocumented) {
    throw Error(Errc::invalid_argument,
                std::string(where) + ": Claude Code does not document which field a matcher of " +
                    std::string(event) + " filters; use \"*\" or leave the matcher out");
  }
  if (info->matcher_field == kNoMatcher) return Matcher();  // Claude Code ignores it
  return m;
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher &&) noexcept = default;
Matcher &Matcher::operator=(Matcher &&) noexcept = default;

bool Matcher::matches(std::string_view value) const {
  switch (mode_) {
    case Mode::all:
      return true;
    case Mode::names:
      for (const auto &n : names_) {
        if (n == value) return true;
      }
      return false;
    case Mode::file_names:
      // The changed file's path ends with a watched name (the path is absolute, the names are
      // relative to the working directory).
      for (const auto &n : names_) {
        if (value == n || (value.size() > n.size() && value.substr(value.size() - n.size()) == n &&
                           value[value.size() - n.size() - 1] == '/')) {
          return true;
        }
      }
      return false;
    case Mode::full_regex:
      return re2::RE2::FullMatch(piece(value), *re_);
    case Mode::search_regex:
      return re2::RE2::PartialMatch(piece(value), *re_);
  }
  return true;
}

}  // namespace agenthost::hooks
