// simdjson DOM helpers shared by the hook input and reply parsers.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string_view>

namespace agenthost::hooks {

// One parser per thread, its buffers reused across evaluations. Documents are limited to 64 MiB
// (the largest max_response_bytes; callers check their own smaller limits first) and to
// kMaxInputDepth levels of nesting.
simdjson::dom::parser &thread_dom_parser();

// The first key (in sorted order) that appears more than once in `obj`, if any. simdjson's
// obj[key] returns the first match while many JSON readers keep the last, so a duplicated key
// could mean one thing to us and another to the sender.
std::optional<std::string_view> duplicate_key(simdjson::dom::object obj);

}  // namespace agenthost::hooks
