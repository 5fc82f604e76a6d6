// Validation of the entries of one append: each must be one JSON value (UTF-8, no key given
// twice in any object) within the size limits; the batch within its own.
#pragma once

#include <agenthost/transcript.hpp>
#include <string>
#include <vector>

namespace agenthost::detail {

// One id per entry: empty for an entry without a string idempotency field, else "=" followed
// by the field's value (so that an empty string is an id too). Throws Error(invalid_argument)
// naming the first bad entry's index (never its content); nothing is kept on failure.
std::vector<std::string> validate_entries(const std::vector<std::string> &entries,
                                          const TranscriptStoreOptions &options);

// Error(invalid_argument) when `data` is not one JSON value or holds a key twice.
void validate_summary_data(std::string_view data, std::size_t max_bytes);

}  // namespace agenthost::detail
