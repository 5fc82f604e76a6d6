// Reading stored session records: a fast On-Demand reader for the records agenthost writes,
// and the DOM reader that decides whatever the fast one does not fully check.
#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "sessions/codec/json_text.hpp"
#include "sessions/codec/record_fields.hpp"
#include "sessions/session_codec.hpp"

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

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
    if (is_canonical_object(text)) {
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

}  // namespace

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

}  // namespace agenthost::detail
