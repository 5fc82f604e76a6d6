// Session <-> JSON: writing the stored record and the API shape, and caller metadata. Reading
// records is in codec/ (record_reader.cpp, record_fields.cpp, json_text.cpp).
#include "sessions/session_codec.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <agenthost/error.hpp>

#include "common/json_duplicates.hpp"
#include "common/json_string.hpp"
#include "common/time.hpp"
#include "sessions/codec/json_text.hpp"

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kMaxMetadataInput =
    std::size_t{8} * 1024 * 1024;  // parsed before the minified cap

void append_optional_string(std::string &out, const std::optional<std::string> &v,
                            std::string_view what) {
  if (v)
    append_json_string(out, *v, what);
  else
    out += "null";
}

// The fields shared by the record and the API shape, in the record's order.
void append_common_fields(std::string &out, const Session &s) {
  out += "\"id\":";
  append_json_string(out, s.id, "id");
  out += ",\"model\":";
  append_json_string(out, s.model, "model");
  out += ",\"status\":\"";
  out += session_status_name(s.status);
  out += "\",\"created_at\":\"";
  append_iso8601_utc(out, s.created_at.time_since_epoch().count());
  out += "\",\"updated_at\":\"";
  append_iso8601_utc(out, s.updated_at.time_since_epoch().count());
  out += "\",\"total_turns\":";
  out += std::to_string(s.total_turns);
  out += ",\"total_cost_usd\":";
  out += s.total_cost_usd ? format_json_double(*s.total_cost_usd) : std::string("null");
  out += ",\"parent_session_id\":";
  append_optional_string(out, s.parent_session_id, "parent_session_id");
}

}  // namespace

std::string encode_record(const Session &s) {
  std::string out = "{";
  append_common_fields(out, s);
  out += ",\"owner_api_key_hash\":";
  append_optional_string(out, s.owner, "owner_api_key_hash");
  out += ",\"session_metadata\":";
  out += s.metadata_json ? *s.metadata_json : std::string("null");
  out += '}';
  return out;
}

void append_api(std::string &out, const Session &s) {
  out += '{';
  append_common_fields(out, s);
  out += ",\"metadata\":";
  out += s.metadata_json ? *s.metadata_json : std::string("null");
  out += '}';
}

std::string encode_api(const Session &s) {
  std::string out;
  append_api(out, s);
  return out;
}

std::string normalize_metadata(std::string_view json) {
  if (json.size() > kMaxMetadataInput) {
    throw Error(Errc::invalid_argument,
                fmt::format("metadata is too large ({} bytes; at most {} bytes minified)",
                            json.size(), kMaxMetadataBytes));
  }
  dom::element doc;
  if (auto error = thread_parser().parse(json.data(), json.size()).get(doc)) {
    throw Error(Errc::invalid_argument,
                fmt::format("metadata is not valid JSON ({})", simdjson::error_message(error)));
  }
  if (doc.type() != dom::element_type::OBJECT) {
    throw Error(Errc::invalid_argument, "metadata must be a JSON object");
  }
  require_unique_keys(doc, "metadata");
  std::string compact = minified(doc);
  if (compact.size() > kMaxMetadataBytes) {
    throw Error(Errc::invalid_argument,
                fmt::format("metadata is too large ({} bytes minified; at most {})", compact.size(),
                            kMaxMetadataBytes));
  }
  return compact;
}

}  // namespace agenthost::detail
