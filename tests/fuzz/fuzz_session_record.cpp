// Fuzzes the stored-record decoder (every variant the Python service wrote).
// Properties: decoding fails only with Errc::corrupt; a decoded session has turns >= 0 and an
// owner (if any) of 64 lower-case hex digits, and re-encodes without error;
// decode -> encode -> decode yields the same Session and the same bytes; the API shape is JSON;
// the fast reader (simdjson On-Demand, with its own checks) agrees with the reference DOM reader
// on every input: the same Session, or both fail.
#include <simdjson.h>

#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "sessions/session_codec.hpp"

namespace {

using agenthost::Session;

std::string describe(const Session &s) {
  return agenthost::detail::encode_api(s) + " owner=" + s.owner.value_or("(none)");
}

bool same_session(const Session &a, const Session &b) {
  return a.id == b.id && a.model == b.model && a.status == b.status &&
         a.created_at == b.created_at && a.updated_at == b.updated_at &&
         a.total_turns == b.total_turns && a.total_cost_usd == b.total_cost_usd &&
         a.parent_session_id == b.parent_session_id && a.owner == b.owner &&
         a.metadata_json == b.metadata_json;
}

// What every comparison of owners expects: 64 lower-case hex digits.
bool is_owner_hash(const std::string &owner) {
  return owner.size() == 64 && owner.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool is_json_object(const std::string &json) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  return parser.parse(json).get_object().get(obj) == simdjson::SUCCESS;
}

}  // namespace

// The reference reader's verdict on the same text: its Session, or nullopt when it fails.
std::optional<agenthost::Session> with_dom(std::string_view id, std::string_view text) {
  try {
    return agenthost::detail::decode_record_with_dom(id, text);
  } catch (const agenthost::Error &e) {
    FUZZ_EXPECT_CODE(e, agenthost::Errc::corrupt);
    return std::nullopt;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  using namespace agenthost;
  constexpr std::string_view kId = "fuzz-id";
  const std::string_view text = fuzz::as_text(data, size);
  const std::optional<Session> reference = with_dom(kId, text);
  Session first;
  try {
    first = detail::decode_record(kId, text);
  } catch (const Error &e) {
    FUZZ_EXPECT_CODE(e, Errc::corrupt);
    FUZZ_CHECK(!reference, "only the fast reader fails: " + std::string(e.what()));
    return 0;
  }
  FUZZ_CHECK(reference.has_value(), "only the reference reader fails: " + describe(first));
  FUZZ_CHECK(same_session(first, *reference),
             "fast: " + describe(first) + "\nreference: " + describe(*reference));
  FUZZ_CHECK(first.id == kId, "the key's id wins over the record's");
  FUZZ_CHECK(first.total_turns >= 0, describe(first));
  FUZZ_CHECK(!first.owner || is_owner_hash(*first.owner), "owner " + *first.owner);
  std::string encoded;
  try {
    encoded = detail::encode_record(first);
  } catch (const Error &e) {
    fuzz::property_failed(__FILE__, __LINE__, "a decoded session cannot be re-encoded", e.what());
  }
  Session second;
  try {
    second = detail::decode_record(kId, encoded);
  } catch (const Error &e) {
    fuzz::property_failed(__FILE__, __LINE__, "a re-encoded record does not decode",
                          std::string(e.what()) + " record: " + encoded);
  }
  FUZZ_CHECK(same_session(first, second),
             "first:  " + describe(first) + "\nsecond: " + describe(second));
  FUZZ_CHECK(detail::encode_record(second) == encoded, "re-encoding is not stable: " + encoded);
  const std::string api = detail::encode_api(first);
  FUZZ_CHECK(is_json_object(api), "the API shape is not a JSON object: " + api);
  return 0;
}
