// simdjson DOM helpers shared by the hook input and reply parsers.
#pragma once

#include <simdjson.h>

namespace agenthost::hooks {

// One parser per thread, its buffers reused across evaluations. Documents are limited to 64 MiB
// (the largest max_response_bytes; callers check their own smaller limits first) and to
// kMaxInputDepth levels of nesting.
simdjson::dom::parser &thread_dom_parser();

}  // namespace agenthost::hooks
