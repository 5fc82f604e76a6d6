// The fields of a stored session record as either reader (simdjson On-Demand or DOM) finds
// them, and the record's rules that turn them into a Session: both readers apply exactly the same
// rules through session_from_fields.
#pragma once

#include <simdjson.h>

#include <agenthost/session.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace agenthost::detail {

[[noreturn]] void corrupt(std::string_view id, const std::string &why);

// One scalar field of a record as either reader (on-demand or DOM) found it: what the record's
// rules below need, so both readers apply exactly the same rules.
struct Value {
  enum class Kind { null, string, int64, uint64, dbl, other };
  Kind kind = Kind::other;
  std::string_view text;  // Kind::string; lives as long as the reader's parser
  std::int64_t i = 0;     // Kind::int64
  double d = 0;           // every number, as a double (as simdjson's get_double() reads it)
};

Value from_dom(simdjson::dom::element v);

// A record's metadata as either reader found it: JSON null, an object (parsed, or its stored text
// already exactly as append_minified would write it), or anything else (corrupt when used).
struct Metadata {
  enum class Kind { null, object, other };
  Kind kind = Kind::other;
  std::optional<simdjson::dom::element> element;
  std::string_view canonical;
};

Metadata metadata_from_dom(simdjson::dom::element v);

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

// The field a key names (unescaped).
FieldName field_name(std::string_view key);

// The slot of a scalar field; nullptr for id, metadata and unknown fields.
std::optional<Value> *scalar_slot(RecordFields &f, FieldName name);

// The fields of a DOM object (the last of duplicated keys wins).
RecordFields collect_fields(simdjson::dom::object obj);

// Fills `s` (a fresh Session) from the fields; its id is set by the caller. Throws
// Error(corrupt) naming `id` and the reason.
void session_from_fields(Session &s, std::string_view id, const RecordFields &f);

}  // namespace agenthost::detail
