// The only translation unit besides session_requests.cpp that includes simdjson.h.
#include "sessions/session_codec.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/json_string.hpp"
#include "common/time.hpp"
#include "sessions/owner_key.hpp"

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kMaxMetadataInput = 8 * 1024 * 1024;  // parsed before the minified cap

dom::parser &thread_parser() {
  thread_local dom::parser parser;  // one parser per thread, buffers reused (simdjson's advice)
  return parser;
}

// Parses `json` from a reused, padded per-thread copy, so no parse allocates (simdjson would
// otherwise allocate a padded copy of every record).
simdjson::error_code parse_padded(std::string_view json, dom::element &doc) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer.data(), json.data(), json.size());
  return thread_parser().parse(buffer.data(), json.size(), false).get(doc);
}

[[noreturn]] void corrupt(std::string_view id, const std::string &why) {
  throw Error(Errc::corrupt, fmt::format("session record '{}' cannot be decoded: {}", id, why));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> parse_int_text(std::string_view text) {
  text = trim(text);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double_text(std::string_view text) {
  text = trim(text);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> whole_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

// A string holding an integer, or a number with a whole value ("3.0" is 3, as the JSON 3.0 is).
std::optional<std::int64_t> parse_turns_text(std::string_view text) {
  if (auto n = parse_int_text(text)) return n;
  if (auto d = parse_double_text(text)) return whole_number(*d);
  return std::nullopt;
}

// total_turns: an integer, an integral float, or a string holding either; >= 0.
std::int64_t read_turns(std::string_view id, dom::element v) {
  std::optional<std::int64_t> turns;
  switch (v.type()) {
    case dom::element_type::INT64:
      turns = v.get_int64().value_unsafe();
      break;
    case dom::element_type::UINT64:
      break;  // beyond int64: no session has that many turns
    case dom::element_type::DOUBLE:
      turns = whole_number(v.get_double().value_unsafe());
      break;
    case dom::element_type::STRING:
      turns = parse_turns_text(v.get_string().value_unsafe());
      break;
    case dom::element_type::NULL_VALUE:
      turns = 0;
      break;
    default:
      break;
  }
  if (!turns || *turns < 0) corrupt(id, "total_turns is not a whole number >= 0");
  return *turns;
}

std::optional<double> read_cost(std::string_view id, dom::element v) {
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      return std::nullopt;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return v.get_double().value_unsafe();
    case dom::element_type::STRING: {
      const std::string_view s = v.get_string().value_unsafe();
      if (trim(s).empty()) return std::nullopt;
      if (auto d = parse_double_text(s)) return d;
      break;
    }
    default:
      break;
  }
  corrupt(id, "total_cost_usd is not a number");
}

SessionTime read_time(std::string_view id, std::string_view field, dom::element v) {
  if (v.type() == dom::element_type::STRING) {
    if (auto t = parse_iso8601(v.get_string().value_unsafe())) {
      return SessionTime(std::chrono::microseconds(*t));
    }
  }
  corrupt(id, fmt::format("{} is not an ISO-8601 time", field));
}

// A fresh record's updated_at is the text of its created_at: one time parse (~400
// instructions) is then enough.
bool same_string(dom::element a, dom::element b) {
  return a.type() == dom::element_type::STRING && b.type() == dom::element_type::STRING &&
         a.get_string().value_unsafe() == b.get_string().value_unsafe();
}

std::optional<std::string> read_optional_string(std::string_view id, std::string_view field,
                                                dom::element v) {
  if (v.is_null()) return std::nullopt;
  if (v.type() != dom::element_type::STRING) corrupt(id, fmt::format("{} is not a string", field));
  std::string s(v.get_string().value_unsafe());
  if (s.empty()) return std::nullopt;
  return s;
}

// 1 for '0'-'9' and 'a'-'f', 2 for 'A'-'F', 0 for any other byte.
constexpr std::array<unsigned char, 256> kHexDigitKind = [] {
  std::array<unsigned char, 256> kind{};
  for (int c = '0'; c <= '9'; ++c) kind[static_cast<std::size_t>(c)] = 1;
  for (int c = 'a'; c <= 'f'; ++c) kind[static_cast<std::size_t>(c)] = 1;
  for (int c = 'A'; c <= 'F'; ++c) kind[static_cast<std::size_t>(c)] = 2;
  return kind;
}();

std::optional<std::string> read_owner_hash(std::string_view id, dom::element v) {
  auto hash = read_optional_string(id, "owner_api_key_hash", v);
  if (!hash) return std::nullopt;
  // Hex digits are checked by table (branch-free: every record of a listing has one); upper-case
  // digits are then lower-cased, which leaves the rule of is_owner_hash.
  unsigned all_hex = hash->size() == 64 ? 1u : 0u;
  unsigned any_upper = 0;
  for (char c : *hash) {
    const unsigned kind = kHexDigitKind[static_cast<unsigned char>(c)];
    all_hex &= kind != 0 ? 1u : 0u;
    any_upper |= kind & 2u;
  }
  if (all_hex == 0) corrupt(id, "owner_api_key_hash is not 64 hex digits");
  if (any_upper != 0) {
    for (char &c : *hash) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return hash;
}

// `json` with every bare NaN, Infinity and -Infinity outside strings replaced by null; nullopt
// when it has none. Outside strings no other bare word is valid JSON, so no token is mistaken.
std::optional<std::string> null_bare_non_finite(std::string_view json) {
  static constexpr std::string_view kTokens[] = {"-Infinity", "Infinity", "NaN"};
  std::string out;
  bool in_string = false;
  bool replaced = false;
  for (std::size_t i = 0; i < json.size();) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\' && i + 1 < json.size()) {
        out.append(json, i, 2);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else {
      bool matched = false;
      for (std::string_view token : kTokens) {
        if (json.substr(i, token.size()) == token) {
          out += "null";
          i += token.size();
          matched = replaced = true;
          break;
        }
      }
      if (matched) continue;
    }
    out += c;
    ++i;
  }
  if (!replaced) return std::nullopt;
  return out;
}

// Minified JSON of a parsed element. Faster than simdjson::minify(element), which appends one
// character at a time; this is on the listing's hot path (every record's metadata).
void append_minified(std::string &out, dom::element v) {
  switch (v.type()) {
    case dom::element_type::OBJECT: {
      out += '{';
      bool first = true;
      for (auto field : dom::object(v)) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, field.key, "metadata key");
        out += ':';
        append_minified(out, field.value);
      }
      out += '}';
      return;
    }
    case dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      for (dom::element item : dom::array(v)) {
        if (!first) out += ',';
        first = false;
        append_minified(out, item);
      }
      out += ']';
      return;
    }
    case dom::element_type::STRING:
      append_json_string(out, v.get_string().value_unsafe(), "metadata string");
      return;
    case dom::element_type::INT64:
      out += std::to_string(v.get_int64().value_unsafe());
      return;
    case dom::element_type::UINT64:
      out += std::to_string(v.get_uint64().value_unsafe());
      return;
    case dom::element_type::DOUBLE:
      out += format_json_double(v.get_double().value_unsafe());
      return;
    case dom::element_type::BOOL:
      out += v.get_bool().value_unsafe() ? "true" : "false";
      return;
    case dom::element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

std::string minified(dom::element v) {
  std::string out;
  out.reserve(64);
  append_minified(out, v);
  return out;
}

std::optional<std::string> read_metadata(std::string_view id, dom::element v) {
  if (v.is_null()) return std::nullopt;
  if (v.type() != dom::element_type::OBJECT) corrupt(id, "session_metadata is not an object");
  return minified(v);
}

// The fields of one record; the reader keeps the last of duplicated keys, as Python's json does.
struct RecordFields {
  std::optional<dom::element> model, status, created_at, updated_at, turns, cost, parent,
      owner_hash, owner_key, metadata, legacy_metadata;
};

// Dispatches on the key's length first: most keys then need one comparison, not up to eleven.
void assign_field(RecordFields &f, std::string_view k, dom::element v) {
  switch (k.size()) {
    case 5:
      if (k == "model") f.model = v;
      break;
    case 6:
      if (k == "status") f.status = v;
      break;
    case 8:
      if (k == "metadata") f.legacy_metadata = v;
      break;
    case 10:
      if (k == "created_at")
        f.created_at = v;
      else if (k == "updated_at")
        f.updated_at = v;
      break;
    case 11:
      if (k == "total_turns") f.turns = v;
      break;
    case 13:
      if (k == "owner_api_key") f.owner_key = v;
      break;
    case 14:
      if (k == "total_cost_usd") f.cost = v;
      break;
    case 16:
      if (k == "session_metadata") f.metadata = v;
      break;
    case 17:
      if (k == "parent_session_id") f.parent = v;
      break;
    case 18:
      if (k == "owner_api_key_hash") f.owner_hash = v;
      break;
    default:
      break;
  }
}

RecordFields collect_fields(dom::object obj) {
  RecordFields f;
  for (auto field : obj) assign_field(f, field.key, field.value);
  return f;
}

Session session_from_fields(std::string_view id, const RecordFields &f) {
  Session s;
  s.id = std::string(id);
  if (!f.model || f.model->type() != dom::element_type::STRING) corrupt(id, "model is missing");
  s.model = std::string(f.model->get_string().value_unsafe());
  if (f.status && f.status->type() == dom::element_type::STRING) {
    s.status =
        parse_session_status(f.status->get_string().value_unsafe()).value_or(SessionStatus::active);
  }
  if (!f.created_at) corrupt(id, "created_at is missing");
  s.created_at = read_time(id, "created_at", *f.created_at);
  s.updated_at =
      f.updated_at && !f.updated_at->is_null() && !same_string(*f.updated_at, *f.created_at)
          ? read_time(id, "updated_at", *f.updated_at)
          : s.created_at;
  if (f.turns) s.total_turns = read_turns(id, *f.turns);
  if (f.cost) s.total_cost_usd = read_cost(id, *f.cost);
  if (f.parent) s.parent_session_id = read_optional_string(id, "parent_session_id", *f.parent);
  if (f.owner_hash) s.owner = read_owner_hash(id, *f.owner_hash);
  if (!s.owner && f.owner_key) {
    if (auto key = read_optional_string(id, "owner_api_key", *f.owner_key)) {
      s.owner = owner_key_hash(*key);
    }
  }
  if (f.metadata)
    s.metadata_json = read_metadata(id, *f.metadata);
  else if (f.legacy_metadata)
    s.metadata_json = read_metadata(id, *f.legacy_metadata);
  return s;
}

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
  out += format_iso8601_utc(s.created_at.time_since_epoch().count());
  out += "\",\"updated_at\":\"";
  out += format_iso8601_utc(s.updated_at.time_since_epoch().count());
  out += "\",\"total_turns\":";
  out += std::to_string(s.total_turns);
  out += ",\"total_cost_usd\":";
  out += s.total_cost_usd ? format_json_double(*s.total_cost_usd) : std::string("null");
  out += ",\"parent_session_id\":";
  append_optional_string(out, s.parent_session_id, "parent_session_id");
}

}  // namespace

std::string format_json_double(double value) {
  if (!std::isfinite(value)) throw Error(Errc::invalid_argument, "a number is not finite");
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

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

Session decode_record(std::string_view id, std::string_view json) {
  dom::element doc;
  if (auto error = parse_padded(json, doc)) {
    // Python's json.dumps writes a non-finite float cost as a bare NaN/Infinity; read it as null.
    // Only on this failure path, so valid records pay nothing.
    const std::optional<std::string> patched = null_bare_non_finite(json);
    if (!patched || parse_padded(*patched, doc)) {
      corrupt(id, fmt::format("not JSON ({})", simdjson::error_message(error)));
    }
  }
  dom::object obj;
  if (doc.get_object().get(obj)) corrupt(id, "not a JSON object");
  return session_from_fields(id, collect_fields(obj));
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
  std::string compact = minified(doc);
  if (compact.size() > kMaxMetadataBytes) {
    throw Error(Errc::invalid_argument,
                fmt::format("metadata is too large ({} bytes minified; at most {})", compact.size(),
                            kMaxMetadataBytes));
  }
  return compact;
}

}  // namespace agenthost::detail
