#include "transcripts/transcript_entries.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <agenthost/error.hpp>

#include "common/json_duplicates.hpp"

namespace agenthost::detail {

namespace dom = simdjson::dom;

namespace {

dom::parser &thread_parser() {
  thread_local dom::parser parser;  // one parser per thread, buffers reused
  return parser;
}

[[noreturn]] void bad(const std::string &message) { throw Error(Errc::invalid_argument, message); }

dom::element parse(std::string_view text, const std::string &what) {
  dom::element root;
  if (auto error = thread_parser().parse(text.data(), text.size()).get(root)) {
    bad(fmt::format("{} is not valid JSON ({})", what, simdjson::error_message(error)));
  }
  require_unique_keys(root, what);
  return root;
}

std::string id_of(dom::element root, const std::string &field) {
  dom::object object;
  if (root.get(object)) return {};
  std::string_view value;
  if (object[field].get(value)) return {};
  std::string id;
  id.reserve(value.size() + 1);
  id.append("=").append(value);
  return id;
}

}  // namespace

std::vector<std::string> validate_entries(const std::vector<std::string> &entries,
                                          const TranscriptStoreOptions &options) {
  if (entries.size() > options.max_batch_entries) {
    bad(fmt::format("append: the batch has {} entries, more than max_batch_entries {}",
                    entries.size(), options.max_batch_entries));
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > options.max_entry_bytes) {
      bad(fmt::format("append: entry {} is {} bytes, more than max_entry_bytes {}", i,
                      entries[i].size(), options.max_entry_bytes));
    }
    total += entries[i].size();
  }
  if (total > options.max_batch_bytes) {
    bad(fmt::format("append: the batch is {} bytes, more than max_batch_bytes {}", total,
                    options.max_batch_bytes));
  }
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ids.push_back(
        id_of(parse(entries[i], fmt::format("append: entry {}", i)), options.idempotency_field));
  }
  return ids;
}

void validate_summary_data(std::string_view data, std::size_t max_bytes) {
  if (data.size() > max_bytes) {
    bad(fmt::format("put_summary: the data is {} bytes, more than max_entry_bytes {}", data.size(),
                    max_bytes));
  }
  parse(data, "put_summary: the data");
}

}  // namespace agenthost::detail
