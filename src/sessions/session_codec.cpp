// The only translation unit besides session_requests.cpp that includes simdjson.h.
#include "sessions/session_codec.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <agenthost/error.hpp>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "common/json_duplicates.hpp"
#include "common/json_string.hpp"
#include "common/time.hpp"
#include "sessions/owner_key.hpp"

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

constexpr std::size_t kMaxMetadataInput =
    std::size_t{8} * 1024 * 1024;  // parsed before the minified cap

dom::parser &thread_parser() {
  thread_local dom::parser parser;  // one parser per thread, buffers reused (simdjson's advice)
  return parser;
}

// Copies `json` into `buffer` with simdjson's padding after it, reusing the buffer, so no parse
// allocates (simdjson would otherwise allocate a padded copy of every record).
const char *padded_copy(std::vector<char> &buffer, std::string_view json) {
  if (buffer.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer.data(), json.data(), json.size());
  return buffer.data();
}

simdjson::error_code parse_padded(std::string_view json, dom::element &doc) {
  thread_local std::vector<char> buffer;
  return thread_parser().parse(padded_copy(buffer, json), json.size(), false).get(doc);
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

// One scalar field of a record as either reader (on-demand or DOM) found it: what the record's
// rules below need, so both readers apply exactly the same rules.
struct Value {
  enum class Kind { null, string, int64, uint64, dbl, other };
  Kind kind = Kind::other;
  std::string_view text;  // Kind::string; lives as long as the reader's parser
  std::int64_t i = 0;     // Kind::int64
  double d = 0;           // every number, as a double (as simdjson's get_double() reads it)
};

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
// character at a time.
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

// Checks that a text is one JSON object exactly as append_minified writes it, so the stored text
// can be kept as it is: no whitespace; strings of printable ASCII (not DEL) and well-formed UTF-8
// with only the escapes the writer uses for '"', '\\', \n, \r, \t, \b, \f; integers of at most 18
// digits (to_string writes them the same; "-0" is a float); no fractions or exponents (Python's
// float repr is not checked here); at most kMaxDepth levels. Anything else is "not canonical",
// valid JSON or not.
class CanonicalJson {
 public:
  // Printable ASCII but '"' and '\\': copied as is by the writer.
  static constexpr std::array<bool, 256> kPlainByte = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7F; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();

  static bool is_object(std::string_view text) {
    if (text.empty() || text.front() != '{') return false;
    CanonicalJson scan(text);
    return scan.walk() && scan.at_ == text.size();
  }

 private:
  static constexpr std::size_t kMaxDepth = 32;

  explicit CanonicalJson(std::string_view text) : s_(text) {}

  bool eat(char c) {
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  // One value, iteratively (each record's metadata is checked: no call per nested value), at
  // most kMaxDepth containers deep.
  bool walk() {
    std::array<char, kMaxDepth> closers{};  // of the open containers, innermost last
    std::size_t depth = 0;
    for (;;) {
      if (at_ >= s_.size()) return false;
      const char c = s_[at_];
      if (c == '{' || c == '[') {
        if (depth == kMaxDepth) return false;
        ++at_;
        const char closer = c == '{' ? '}' : ']';
        if (!eat(closer)) {
          closers[depth++] = closer;
          if (closer == '}' && !key()) return false;
          continue;  // to the container's first value
        }
      } else if (!scalar()) {
        return false;
      }
      // A value is complete: go on to the next element, or close containers.
      for (;;) {
        if (depth == 0) return true;
        if (eat(',')) {
          if (closers[depth - 1] == '}' && !key()) return false;
          break;
        }
        if (!eat(closers[depth - 1])) return false;
        --depth;
      }
    }
  }

  bool key() { return string() && eat(':'); }

  bool scalar() {
    switch (s_[at_]) {
      case '"':
        return string();
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return integer();
    }
  }

  bool string() {
    if (!eat('"')) return false;
    // A local index: the member would be written back on every byte.
    std::size_t i = at_;
    const std::size_t n = s_.size();
    for (;;) {
      while (i < n && kPlainByte[static_cast<unsigned char>(s_[i])]) ++i;
      if (i >= n) return false;
      const auto u = static_cast<unsigned char>(s_[i]);
      if (u == '"') {
        at_ = i + 1;
        return true;
      }
      if (u == '\\') {
        if (i + 1 >= n || s_[i + 1] == '\0' || std::strchr("\"\\nrtbf", s_[i + 1]) == nullptr) {
          return false;
        }
        i += 2;
      } else if (u >= 0x80) {
        const std::size_t len = utf8_sequence_length(s_, i);
        if (len == 0) return false;
        i += len;
      } else {
        return false;  // a control character or DEL
      }
    }
  }

  bool word(std::string_view w) {
    if (s_.substr(at_, w.size()) != w) return false;
    at_ += w.size();
    return true;
  }

  bool integer() {
    const bool negative = eat('-');
    const std::size_t first = at_;
    while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
    const std::size_t n = at_ - first;
    if (n == 0 || n > 18) return false;
    if (s_[first] == '0') return n == 1 && !negative;  // "0"; "-0" and "01" are not written
    return true;
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

// A record's metadata as either reader found it: JSON null, an object (parsed, or its stored text
// already exactly as append_minified would write it), or anything else (corrupt when used).
struct Metadata {
  enum class Kind { null, object, other };
  Kind kind = Kind::other;
  std::optional<dom::element> element;
  std::string_view canonical;
};

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

std::optional<std::string> read_metadata(std::string_view id, const Metadata &m) {
  if (m.kind == Metadata::Kind::null) return std::nullopt;
  if (m.kind != Metadata::Kind::object) corrupt(id, "session_metadata is not an object");
  if (m.element) return minified(*m.element);
  return std::string(m.canonical);
}

// The fields of one record; the reader keeps the last of duplicated keys, as Python's json does.
struct RecordFields {
  std::optional<Value> model, status, created_at, updated_at, turns, cost, parent, owner_hash,
      owner_key;
  std::optional<Metadata> metadata, legacy_metadata;
};

enum class FieldName {
  id,
  model,
  status,
  created_at,
  updated_at,
  turns,
  cost,
  parent,
  owner_hash,
  owner_key,
  metadata,
  legacy_metadata,
  unknown
};

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

// The slot of a scalar field; nullptr for id, metadata and unknown fields.
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

// Fills `s` (a fresh Session) from the fields; its id is set by the caller.
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

// The reference reader: simdjson's DOM validates the whole record before any field is read.
Session decode_with_dom(std::string_view id, std::string_view json) {
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
  Session s;
  session_from_fields(s, id, collect_fields(obj));
  s.id = std::string(id);
  return s;
}

// The fast reader. simdjson's On-Demand API reads each field once, without building a DOM of the
// record, and the metadata's stored text is kept when it is already minified and canonical
// (agenthost writes it so), instead of being parsed and written again. It handles the records
// agenthost writes and most of the Python service's; it gives up (nullopt) on anything it does not
// fully check itself (unknown fields, booleans, arrays, huge numbers, a second metadata field, any
// error), and the reference reader then decides, so both readers always agree.
class OnDemandReader {
 public:
  // Fills `out` (a fresh Session, its id not set) and returns true, or returns false with `out`
  // possibly half filled.
  bool read(Session &out, std::string_view id, std::string_view json) {
    od::document doc;
    if (parser_.iterate(padded_copy(buffer_, json), json.size(), buffer_.size()).get(doc)) {
      return false;
    }
    od::object obj;
    if (doc.get_object().get(obj)) return false;
    RecordFields f;
    for (auto result : obj) {
      od::field field;
      std::string_view key;
      if (std::move(result).get(field)) return false;
      FieldName name = field_name_in_place(field.key().raw());
      if (name == FieldName::unknown) {  // an unknown key, or a known one with escapes
        if (field.unescaped_key().get(key)) return false;
        name = field_name(key);
      }
      if (!read_field(f, name, field.value())) return false;
    }
    // Nothing may follow the object (simdjson 3.0.1's document has no at_end(): its location is
    // OUT_OF_BOUNDS exactly there).
    const char *rest = nullptr;
    if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) return false;
    session_from_fields(out, id, f);
    return true;
  }

 private:
  // The field a key names when it is written without escapes: compared in place (just after the
  // opening quote, in the padded copy of the record), which saves simdjson's copy of every key.
  static FieldName field_name_in_place(const char *raw) {
    const auto is = [raw](std::string_view name) {
      return std::memcmp(raw, name.data(), name.size()) == 0 && raw[name.size()] == '"';
    };
    switch (raw[0]) {
      case 'i':
        if (is("id")) return FieldName::id;
        break;
      case 'm':
        if (is("model")) return FieldName::model;
        if (is("metadata")) return FieldName::legacy_metadata;
        break;
      case 's':
        if (is("status")) return FieldName::status;
        if (is("session_metadata")) return FieldName::metadata;
        break;
      case 'c':
        if (is("created_at")) return FieldName::created_at;
        break;
      case 'u':
        if (is("updated_at")) return FieldName::updated_at;
        break;
      case 't':
        if (is("total_turns")) return FieldName::turns;
        if (is("total_cost_usd")) return FieldName::cost;
        break;
      case 'p':
        if (is("parent_session_id")) return FieldName::parent;
        break;
      case 'o':
        if (is("owner_api_key_hash")) return FieldName::owner_hash;
        if (is("owner_api_key")) return FieldName::owner_key;
        break;
      default:
        break;
    }
    return FieldName::unknown;
  }

  bool read_field(RecordFields &f, FieldName name, od::value v) {
    if (auto *slot = scalar_slot(f, name)) {
      Value value;
      if (!read_scalar(v, value)) return false;
      *slot = value;
      return true;
    }
    switch (name) {
      case FieldName::id: {
        Value ignored;  // the key's id wins, but the field must still be valid JSON
        return read_scalar(v, ignored);
      }
      case FieldName::metadata:
      case FieldName::legacy_metadata: {
        if (f.metadata || f.legacy_metadata) return false;  // only one is checked here
        Metadata m;
        if (!read_metadata_value(v, m)) return false;
        (name == FieldName::metadata ? f.metadata : f.legacy_metadata) = m;
        return true;
      }
      default:
        return false;
    }
  }

  // Strings, null and numbers that the DOM would read as the same kind and value.
  static bool read_scalar(od::value v, Value &out) {
    // Most fields are strings: asked for first, without a look at the type (a wrong type leaves
    // the value unread).
    const simdjson::error_code error = v.get_string().get(out.text);
    if (error == simdjson::SUCCESS) {
      out.kind = Value::Kind::string;
      return true;
    }
    od::json_type type;
    if (error != simdjson::INCORRECT_TYPE || v.type().get(type)) return false;
    switch (type) {
      case od::json_type::null: {
        bool is_null = false;
        out.kind = Value::Kind::null;
        return !v.is_null().get(is_null) && is_null;
      }
      case od::json_type::number:
        return read_number(v, out);
      default:
        return false;
    }
  }

  static bool read_number(od::value v, Value &out) {
    od::number_type type;
    if (v.get_number_type().get(type)) return false;
    switch (type) {
      case od::number_type::signed_integer:
        out.kind = Value::Kind::int64;
        if (v.get_int64().get(out.i)) return false;
        out.d = static_cast<double>(out.i);
        return true;
      case od::number_type::unsigned_integer: {
        std::uint64_t u = 0;
        out.kind = Value::Kind::uint64;
        if (v.get_uint64().get(u)) return false;
        out.d = static_cast<double>(u);
        return true;
      }
      case od::number_type::floating_point_number:
        out.kind = Value::Kind::dbl;
        return !v.get_double().get(out.d);
      default:
        return false;
    }
  }

  // null, or an object whose text is checked here: kept as stored when canonical, otherwise
  // parsed (and so validated) by the DOM on its own.
  bool read_metadata_value(od::value v, Metadata &m) {
    od::json_type type;
    if (v.type().get(type)) return false;
    if (type == od::json_type::null) {
      bool is_null = false;
      m.kind = Metadata::Kind::null;
      return !v.is_null().get(is_null) && is_null;
    }
    od::object obj;
    std::string_view text;
    if (type != od::json_type::object || v.get_object().get(obj) || obj.raw_json().get(text)) {
      return false;
    }
    m.kind = Metadata::Kind::object;
    while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
    if (CanonicalJson::is_object(text)) {
      m.canonical = text;
      return true;
    }
    // One level shallower than the record's own limit: the metadata sits one level down in it.
    dom::element element;
    if (metadata_parser()
            .parse(padded_copy(metadata_buffer_, text), text.size(), false)
            .get(element) ||
        element.type() != dom::element_type::OBJECT) {
      return false;
    }
    m.element = element;
    return true;
  }

  static bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  dom::parser &metadata_parser() {
    if (!metadata_parser_) {
      metadata_parser_.emplace();
      if (metadata_parser_->allocate(4096, simdjson::DEFAULT_MAX_DEPTH - 1)) {
        throw std::bad_alloc();
      }
    }
    return *metadata_parser_;
  }

  od::parser parser_;
  std::vector<char> buffer_;
  std::optional<dom::parser> metadata_parser_;
  std::vector<char> metadata_buffer_;
};

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
  std::string owned(id);
  return decode_record_taking_id(owned, json);
}

Session decode_record_taking_id(std::string &id, std::string_view json) {
  thread_local OnDemandReader reader;
  Session s;
  if (!reader.read(s, id, json)) s = decode_with_dom(id, json);
  s.id = std::move(id);
  return s;
}

Session decode_record_with_dom(std::string_view id, std::string_view json) {
  return decode_with_dom(id, json);
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
