// Duplicated object keys in JSON the library reads.
//
// JSON readers disagree on a key given twice: simdjson's obj[key] returns the first, Python's
// json, JavaScript's JSON.parse and many others keep the last. A document with one can so mean
// one thing to the library and another to whoever wrote, checked or forwards it (a host that
// splices a caller's owner key into client-supplied JSON, a webhook that reads tool_name). Every
// JSON document the library reads from outside refuses a duplicated key anywhere in it, nested
// objects included: there is no part of a request whose two readings may safely differ.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace agenthost::detail {

// The path of a key that appears twice in one object of `root` (the first such object in
// document order), e.g. `owner_api_key`, `metadata.a` or `PreToolUse[0].headers.X-Token`; nullopt
// when every object's keys are distinct. Each key in the path is cut to 64 bytes and its control
// characters shown as '?'. Walks the parsed document without recursion and, once its buffers have
// grown, without allocating.
std::optional<std::string> duplicate_key_path(simdjson::dom::element root);

// Throws Error(invalid_argument) `<what>: the key "<path>" appears twice` when `root` has a
// duplicated key. Names keys only, never a value.
void require_unique_keys(simdjson::dom::element root, std::string_view what);

}  // namespace agenthost::detail
