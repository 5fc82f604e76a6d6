// JSON text as the session codec reads and writes it: one DOM parser per thread, padded copies
// so no parse allocates, minified output, the check that a text is already exactly that
// output, and Python's bare NaN/Infinity.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agenthost::detail {

// This thread's DOM parser; its buffers are reused (simdjson's advice).
simdjson::dom::parser &thread_parser();

// Copies `json` into `buffer` with simdjson's padding after it, reusing the buffer, so no parse
// allocates (simdjson would otherwise allocate a padded copy of every record).
const char *padded_copy(std::vector<char> &buffer, std::string_view json);

// Parses `json` with thread_parser() from a padded copy in a thread-local buffer.
simdjson::error_code parse_padded(std::string_view json, simdjson::dom::element &doc);

// `json` with every bare NaN, Infinity and -Infinity outside strings replaced by null; nullopt
// when it has none. Outside strings no other bare word is valid JSON, so no token is mistaken.
std::optional<std::string> null_bare_non_finite(std::string_view json);

// Minified JSON of a parsed element. Faster than simdjson::minify(element), which appends one
// character at a time.
void append_minified(std::string &out, simdjson::dom::element v);
std::string minified(simdjson::dom::element v);

// Whether `text` is one JSON object exactly as append_minified writes it, so a stored text can be
// kept as it is: no whitespace; strings of printable ASCII (not DEL) and well-formed UTF-8 with
// only the escapes the writer uses for '"', '\\', \n, \r, \t, \b, \f; integers of at most 18
// digits (to_string writes them the same; "-0" is a float); no fractions or exponents (Python's
// float repr is not checked here); at most 32 levels. Anything else is "not canonical", valid
// JSON or not.
bool is_canonical_object(std::string_view text);

}  // namespace agenthost::detail
