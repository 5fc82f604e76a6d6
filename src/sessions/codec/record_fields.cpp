#include "sessions/codec/record_fields.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/time.hpp"
#include "sessions/codec/json_text.hpp"
#include "sessions/owner_key.hpp"

namespace agenthost::detail {

namespace dom = simdjson::dom;

[[noreturn]] void corrupt(std::string_view id, const std::string &why) {
  throw Error(Errc::corrupt, fmt::format("session record '{}' cannot be decoded: {}", id, why));
}

namespace {

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
std::int64_t read_turns(std::string_view id, const Value &v) {
  std::optional<std::int64_t> turns;
  switch (v.kind) {
    case Value::Kind::int64:
      turns = v.i;
      break;
    case Value::Kind::uint64:
      break;  // beyond int64: no session has that many turns
    case Value::Kind::dbl:
      turns = whole_number(v.d);
      break;
    case Value::Kind::string:
      turns = parse_turns_text(v.text);
      break;
    case Value::Kind::null:
      turns = 0;
      break;
    default:
      break;
  }
  if (!turns || *turns < 0) corrupt(id, "total_turns is not a whole number >= 0");
  return *turns;
}

std::optional<double> read_cost(std::string_view id, const Value &v) {
  switch (v.kind) {
    case Value::Kind::null:
      return std::nullopt;
    case Value::Kind::int64:
    case Value::Kind::uint64:
    case Value::Kind::dbl:
      return v.d;
    case Value::Kind::string: {
      if (trim(v.text).empty()) return std::nullopt;
      if (auto d = parse_double_text(v.text)) return d;
      break;
    }
    default:
      break;
  }
  corrupt(id, "total_cost_usd is not a number");
}

// Reads `n` decimal digits at `at`; -1 when one is not a digit.
int digits_at(std::string_view s, std::size_t at, std::size_t n) {
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - static_cast<unsigned>('0');
    if (d > 9) return -1;
    value = value * 10 + static_cast<int>(d);
  }
  return value;
}

// The time agenthost writes, "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", read as parse_iso8601 reads it
// but with the date's midnight (parse_iso8601 of "YYYY-MM-DDT00:00:00") remembered per thread:
// the records of one page mostly share their date. nullopt for any other shape (the caller then
// asks parse_iso8601), and for a time parse_iso8601 rejects.
std::optional<MicrosSinceEpoch> parse_own_time(std::string_view t) {
  if (t.size() != 32 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' ||
      t.substr(26) != "+00:00") {
    return std::nullopt;
  }
  const int h = digits_at(t, 11, 2), mi = digits_at(t, 14, 2), se = digits_at(t, 17, 2),
            micros = digits_at(t, 20, 6);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || micros < 0) return std::nullopt;
  thread_local char last_date[10] = {};
  thread_local std::optional<MicrosSinceEpoch> last_midnight;
  if (std::memcmp(last_date, t.data(), sizeof last_date) != 0) {
    // Once per new date, so the allocation does not matter.
    const std::string midnight = std::string(t.substr(0, 10)) + "T00:00:00";
    last_midnight = parse_iso8601(midnight);
    std::memcpy(last_date, t.data(), sizeof last_date);
  }
  if (!last_midnight) return std::nullopt;
  return *last_midnight + ((h * 3600 + mi * 60 + se) * std::int64_t{1000000}) + micros;
}

SessionTime read_time(std::string_view id, std::string_view field, const Value &v) {
  if (v.kind == Value::Kind::string) {
    std::optional<MicrosSinceEpoch> t = parse_own_time(v.text);
    if (!t) t = parse_iso8601(v.text);
    if (t) return SessionTime(std::chrono::microseconds(*t));
  }
  corrupt(id, fmt::format("{} is not an ISO-8601 time", field));
}

// A fresh record's updated_at is the text of its created_at: one time parse (~400
// instructions) is then enough.
bool same_string(const Value &a, const Value &b) {
  return a.kind == Value::Kind::string && b.kind == Value::Kind::string && a.text == b.text;
}

std::optional<std::string> read_optional_string(std::string_view id, std::string_view field,
                                                const Value &v) {
  if (v.kind == Value::Kind::null) return std::nullopt;
  if (v.kind != Value::Kind::string) corrupt(id, fmt::format("{} is not a string", field));
  if (v.text.empty()) return std::nullopt;
  return std::string(v.text);
}

// 1 for '0'-'9' and 'a'-'f', 2 for 'A'-'F', 4 for any other byte.
constexpr std::array<unsigned char, 256> kHexDigitKind = [] {
  std::array<unsigned char, 256> kind{};
  for (auto &k : kind) k = 4;
  for (int c = '0'; c <= '9'; ++c) kind[static_cast<std::size_t>(c)] = 1;
  for (int c = 'a'; c <= 'f'; ++c) kind[static_cast<std::size_t>(c)] = 1;
  for (int c = 'A'; c <= 'F'; ++c) kind[static_cast<std::size_t>(c)] = 2;
  return kind;
}();

std::optional<std::string> read_owner_hash(std::string_view id, const Value &v) {
  auto hash = read_optional_string(id, "owner_api_key_hash", v);
  if (!hash) return std::nullopt;
  // The kinds of all digits are OR-ed (four bytes a step: every record of a listing has a hash);
  // upper-case digits are then lower-cased, which leaves the rule of is_owner_hash.
  unsigned kinds = 0;
  const auto *digit = reinterpret_cast<const unsigned char *>(hash->data());
  std::size_t i = 0;
  for (; i + 4 <= hash->size(); i += 4) {
    kinds |= kHexDigitKind[digit[i]] | kHexDigitKind[digit[i + 1]] | kHexDigitKind[digit[i + 2]] |
             kHexDigitKind[digit[i + 3]];
  }
  for (; i < hash->size(); ++i) kinds |= kHexDigitKind[digit[i]];
  const bool all_hex = hash->size() == 64 && (kinds & 4u) == 0;
  const bool any_upper = (kinds & 2u) != 0;
  if (!all_hex) corrupt(id, "owner_api_key_hash is not 64 hex digits");
  if (any_upper) {
    for (char &c : *hash) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return hash;
}

std::optional<std::string> read_metadata(std::string_view id, const Metadata &m) {
  if (m.kind == Metadata::Kind::null) return std::nullopt;
  if (m.kind != Metadata::Kind::object) corrupt(id, "session_metadata is not an object");
  if (m.element) return minified(*m.element);
  return std::string(m.canonical);
}

}  // namespace

Value from_dom(dom::element v) {
  Value out;
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      out.kind = Value::Kind::null;
      break;
    case dom::element_type::STRING:
      out.kind = Value::Kind::string;
      out.text = v.get_string().value_unsafe();
      break;
    case dom::element_type::INT64:
      out.kind = Value::Kind::int64;
      out.i = v.get_int64().value_unsafe();
      out.d = v.get_double().value_unsafe();
      break;
    case dom::element_type::UINT64:
      out.kind = Value::Kind::uint64;
      out.d = v.get_double().value_unsafe();
      break;
    case dom::element_type::DOUBLE:
      out.kind = Value::Kind::dbl;
      out.d = v.get_double().value_unsafe();
      break;
    default:
      break;
  }
  return out;
}

Metadata metadata_from_dom(dom::element v) {
  Metadata m;
  if (v.is_null()) {
    m.kind = Metadata::Kind::null;
  } else if (v.type() == dom::element_type::OBJECT) {
    m.kind = Metadata::Kind::object;
    m.element = v;
  }
  return m;
}

// Dispatches on the key's length first: most keys then need one comparison, not up to twelve.
FieldName field_name(std::string_view k) {
  switch (k.size()) {
    case 2:
      if (k == "id") return FieldName::id;
      break;
    case 5:
      if (k == "model") return FieldName::model;
      break;
    case 6:
      if (k == "status") return FieldName::status;
      break;
    case 8:
      if (k == "metadata") return FieldName::legacy_metadata;
      break;
    case 10:
      if (k == "created_at") return FieldName::created_at;
      if (k == "updated_at") return FieldName::updated_at;
      break;
    case 11:
      if (k == "total_turns") return FieldName::turns;
      break;
    case 13:
      if (k == "owner_api_key") return FieldName::owner_key;
      break;
    case 14:
      if (k == "total_cost_usd") return FieldName::cost;
      break;
    case 16:
      if (k == "session_metadata") return FieldName::metadata;
      break;
    case 17:
      if (k == "parent_session_id") return FieldName::parent;
      break;
    case 18:
      if (k == "owner_api_key_hash") return FieldName::owner_hash;
      break;
    default:
      break;
  }
  return FieldName::unknown;
}

std::optional<Value> *scalar_slot(RecordFields &f, FieldName name) {
  switch (name) {
    case FieldName::model:
      return &f.model;
    case FieldName::status:
      return &f.status;
    case FieldName::created_at:
      return &f.created_at;
    case FieldName::updated_at:
      return &f.updated_at;
    case FieldName::turns:
      return &f.turns;
    case FieldName::cost:
      return &f.cost;
    case FieldName::parent:
      return &f.parent;
    case FieldName::owner_hash:
      return &f.owner_hash;
    case FieldName::owner_key:
      return &f.owner_key;
    default:
      return nullptr;
  }
}

RecordFields collect_fields(dom::object obj) {
  RecordFields f;
  for (auto field : obj) {
    const FieldName name = field_name(field.key);
    if (auto *slot = scalar_slot(f, name)) {
      *slot = from_dom(field.value);
    } else if (name == FieldName::metadata) {
      f.metadata = metadata_from_dom(field.value);
    } else if (name == FieldName::legacy_metadata) {
      f.legacy_metadata = metadata_from_dom(field.value);
    }
  }
  return f;
}

void session_from_fields(Session &s, std::string_view id, const RecordFields &f) {
  if (!f.model || f.model->kind != Value::Kind::string) corrupt(id, "model is missing");
  s.model = std::string(f.model->text);
  if (f.status && f.status->kind == Value::Kind::string) {
    s.status = parse_session_status(f.status->text).value_or(SessionStatus::active);
  }
  if (!f.created_at) corrupt(id, "created_at is missing");
  s.created_at = read_time(id, "created_at", *f.created_at);
  s.updated_at = f.updated_at && f.updated_at->kind != Value::Kind::null &&
                         !same_string(*f.updated_at, *f.created_at)
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
}

}  // namespace agenthost::detail
