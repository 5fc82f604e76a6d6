// Where a JavaScript regular expression (Claude Code's matcher dialect) and RE2 part company on
// text both accept: such a matcher would run its hook on other values here than in Claude Code.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

// Empty when RE2 reads `pattern` as JavaScript (without flags) does, or would refuse it itself
// (lookaround, backreferences); otherwise what differs, e.g. "\A is the letter A in JavaScript
// and the start of the text in RE2". Differences left: '.' also matches '\r', U+2028 and U+2029
// in RE2, \s does not match '\v' or non-ASCII spaces in RE2, and RE2 counts code points where
// JavaScript counts UTF-16 units (values outside the Basic Multilingual Plane).
std::string js_regex_difference(std::string_view pattern);

}  // namespace agenthost::hooks
