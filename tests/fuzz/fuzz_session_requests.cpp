// Fuzzes the JSON requests of the C ABI: list query, update patch, create request and store
// options (the first input byte chooses which).
// Properties: failures are Errc::invalid_argument; what is accepted is within the documented
// ranges (page >= 1, page_size 1..100, total_turns >= 0, a finite cost >= 0, metadata a JSON
// object); a cursor either decodes to a position that re-encodes to itself or is invalid_argument;
// metadata normalisation is idempotent; no accepted request has a key given twice in any object.
#include <simdjson.h>

#include <cmath>
#include <set>
#include <string>

#include "fuzz_check.hpp"
#include "sessions/cursor.hpp"
#include "sessions/session_codec.hpp"
#include "sessions/session_requests.hpp"

namespace {

using agenthost::Errc;
using agenthost::Error;

bool is_json_object(const std::string &json) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  return parser.parse(json).get_object().get(obj) == simdjson::SUCCESS;
}

// Written apart from the library's walk: recursion and a std::set per object.
bool has_duplicate_key(simdjson::dom::element e) {
  if (e.type() == simdjson::dom::element_type::ARRAY) {
    const simdjson::dom::array items = e.get_array().value_unsafe();
    for (simdjson::dom::element item : items) {
      if (has_duplicate_key(item)) return true;
    }
  } else if (e.type() == simdjson::dom::element_type::OBJECT) {
    const simdjson::dom::object obj = e.get_object().value_unsafe();
    std::set<std::string_view> seen;
    for (auto field : obj) {
      if (!seen.insert(field.key).second || has_duplicate_key(field.value)) return true;
    }
  }
  return false;
}

void check_unique_keys(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  FUZZ_CHECK(parser.parse(json.data(), json.size()).get(root) == simdjson::SUCCESS,
             "accepted request is not JSON");
  FUZZ_CHECK(!has_duplicate_key(root),
             "accepted a key given twice: " + std::string(json.substr(0, 512)));
}

void check_cursor(const std::string &cursor) {
  using namespace agenthost::detail;
  CursorPosition position;
  try {
    position = decode_cursor(cursor);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
    return;
  }
  const std::string again = encode_cursor(position);
  CursorPosition back;
  try {
    back = decode_cursor(again);
  } catch (const Error &e) {
    agenthost::fuzz::property_failed(__FILE__, __LINE__, "a re-encoded cursor is invalid",
                                     e.what());
  }
  FUZZ_CHECK(back.score == position.score && back.id == position.id, "cursor " + again);
}

void check_metadata(const std::optional<std::string> &metadata) {
  if (!metadata) return;
  FUZZ_CHECK(is_json_object(*metadata), "metadata " + *metadata);
  std::string normalized;
  try {
    normalized = agenthost::detail::normalize_metadata(*metadata);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);  // too large or not UTF-8: the store refuses it
    return;
  }
  std::string again;
  try {
    again = agenthost::detail::normalize_metadata(normalized);
  } catch (const Error &e) {
    agenthost::fuzz::property_failed(__FILE__, __LINE__, "normalised metadata is rejected",
                                     e.what());
  }
  FUZZ_CHECK(again == normalized, "normalisation is not idempotent: " + normalized);
}

void fuzz_list_query(std::string_view json) {
  const agenthost::ListQuery q = agenthost::detail::parse_list_query(json);
  FUZZ_CHECK(q.page >= 1, std::to_string(q.page));
  FUZZ_CHECK(q.page_size >= 1 && q.page_size <= 100, std::to_string(q.page_size));
  if (q.cursor) check_cursor(*q.cursor);
}

void fuzz_patch(std::string_view json) {
  const agenthost::SessionPatch p = agenthost::detail::parse_session_patch(json);
  FUZZ_CHECK(!p.total_turns || *p.total_turns >= 0, std::to_string(*p.total_turns));
  FUZZ_CHECK(!p.total_cost_usd || (std::isfinite(*p.total_cost_usd) && *p.total_cost_usd >= 0),
             std::to_string(*p.total_cost_usd));
  check_metadata(p.metadata_json);
}

void fuzz_create(std::string_view json) {
  const agenthost::CreateRequest r = agenthost::detail::parse_create_request(json);
  check_metadata(r.metadata_json);
}

void fuzz_store_options(std::string_view json) {
  const agenthost::SessionStoreOptions o = agenthost::detail::parse_store_options(json);
  FUZZ_CHECK(o.ttl.count() >= 60 && o.ttl.count() <= 86400, std::to_string(o.ttl.count()));
  try {
    o.validate();
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view json = agenthost::fuzz::as_text(data + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
        fuzz_list_query(json);
        break;
      case 1:
        fuzz_patch(json);
        break;
      case 2:
        fuzz_create(json);
        break;
      default:
        fuzz_store_options(json);
        break;
    }
    check_unique_keys(json);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::invalid_argument);
  }
  return 0;
}
