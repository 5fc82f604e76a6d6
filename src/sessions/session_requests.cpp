// The only translation unit besides session_codec.cpp that includes simdjson.h.
#include "sessions/session_requests.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <limits>

#include "common/json_duplicates.hpp"
#include "sessions/session_codec.hpp"

namespace agenthost::detail {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kMaxRequestBytes = std::size_t{16} * 1024 * 1024;

[[noreturn]] void bad(const std::string &message) { throw Error(Errc::invalid_argument, message); }

// Parses `json` as an object and calls on_field(key, value) for each field.
template <typename F>
void for_each_field(std::string_view json, std::string_view what, F &&on_field) {
  if (json.size() > kMaxRequestBytes) {
    bad(fmt::format("{} is too large ({} bytes)", what, json.size()));
  }
  thread_local dom::parser parser;
  dom::element doc;
  if (auto error = parser.parse(json.data(), json.size()).get(doc)) {
    bad(fmt::format("{} is not valid JSON ({})", what, simdjson::error_message(error)));
  }
  dom::object obj;
  if (doc.get_object().get(obj)) bad(fmt::format("{} must be a JSON object", what));
  require_unique_keys(doc, what);
  for (auto field : obj) on_field(field.key, field.value);
}

std::string string_field(std::string_view name, dom::element v) {
  std::string_view s;
  if (v.get_string().get(s)) bad(fmt::format("\"{}\" must be a string", name));
  return std::string(s);
}

std::optional<std::string> optional_string_field(std::string_view name, dom::element v) {
  if (v.is_null()) return std::nullopt;
  return string_field(name, v);
}

std::int64_t whole_number_field(std::string_view name, dom::element v, std::int64_t lo,
                                std::int64_t hi) {
  std::int64_t n = 0;
  if (v.type() != dom::element_type::INT64 || v.get_int64().get(n)) {
    bad(fmt::format("\"{}\" must be a whole number in {}..{}", name, lo, hi));
  }
  if (n < lo || n > hi) bad(fmt::format("\"{}\"={} is out of range {}..{}", name, n, lo, hi));
  return n;
}

constexpr std::size_t kMaxTags = 64;

std::vector<std::string> tags_field(std::string_view name, dom::element v) {
  dom::array items;
  if (v.get_array().get(items)) bad(fmt::format("\"{}\" must be an array of strings", name));
  std::vector<std::string> out;
  for (auto item : items) {
    if (out.size() == kMaxTags) bad(fmt::format("\"{}\" has more than {} tags", name, kMaxTags));
    out.push_back(string_field(name, item));
  }
  return out;
}

SessionStatus status_field(std::string_view name, dom::element v) {
  const std::string text = string_field(name, v);
  auto status = parse_session_status(text);
  if (!status) {
    bad(fmt::format("\"{}\" must be one of active, completed, error (got \"{}\")", name,
                    text.size() > 32 ? text.substr(0, 32) + "..." : text));
  }
  return *status;
}

double cost_field(dom::element v) {
  double d = 0;
  const bool number = v.type() == dom::element_type::INT64 ||
                      v.type() == dom::element_type::UINT64 ||
                      v.type() == dom::element_type::DOUBLE;
  if (!number || v.get_double().get(d) || !std::isfinite(d) || d < 0) {
    bad("\"total_cost_usd\" must be a finite number >= 0");
  }
  return d;
}

std::optional<std::string> metadata_field(dom::element v) {
  if (v.is_null()) return std::nullopt;
  if (v.type() != dom::element_type::OBJECT) bad("\"metadata\" must be a JSON object");
  // Re-validated (size cap, UTF-8) by the store; minify here so the store sees compact input.
  return simdjson::minify(v);
}

[[noreturn]] void unknown_field(std::string_view what, std::string_view key) {
  bad(fmt::format("{}: unknown field \"{}\"", what,
                  key.size() > 64 ? std::string(key.substr(0, 64)) + "..." : std::string(key)));
}

}  // namespace

CreateRequest parse_create_request(std::string_view json) {
  CreateRequest r;
  bool has_model = false;
  for_each_field(json, "create request", [&](std::string_view k, dom::element v) {
    if (k == "model") {
      r.model = string_field(k, v);
      has_model = true;
    } else if (k == "id") {
      r.id = optional_string_field(k, v);
    } else if (k == "parent_session_id") {
      r.parent_session_id = optional_string_field(k, v);
    } else if (k == "owner_api_key") {
      r.owner_api_key = optional_string_field(k, v);
    } else if (k == "metadata") {
      r.metadata_json = metadata_field(v);
    } else {
      unknown_field("create request", k);
    }
  });
  if (!has_model) bad("create request: \"model\" is required");
  return r;
}

SessionPatch parse_session_patch(std::string_view json) {
  SessionPatch p;
  for_each_field(json, "update request", [&](std::string_view k, dom::element v) {
    if (k == "status") {
      p.status = status_field(k, v);
    } else if (k == "total_turns") {
      p.total_turns = whole_number_field(k, v, 0, std::numeric_limits<std::int64_t>::max());
    } else if (k == "increment_turns") {
      bool b = false;
      if (v.get_bool().get(b)) bad("\"increment_turns\" must be true or false");
      p.increment_turns = b;
    } else if (k == "total_cost_usd") {
      if (!v.is_null()) p.total_cost_usd = cost_field(v);
    } else if (k == "metadata") {
      p.metadata_json = metadata_field(v);
    } else {
      unknown_field("update request", k);
    }
  });
  return p;
}

ListQuery parse_list_query(std::string_view json) {
  ListQuery q;
  for_each_field(json, "list query", [&](std::string_view k, dom::element v) {
    if (k == "owner_api_key") {
      q.owner_api_key = optional_string_field(k, v);
    } else if (k == "status") {
      if (!v.is_null()) q.status = status_field(k, v);
    } else if (k == "page") {
      q.page = static_cast<std::uint32_t>(
          whole_number_field(k, v, 1, std::numeric_limits<std::uint32_t>::max()));
    } else if (k == "page_size") {
      q.page_size = static_cast<std::uint32_t>(whole_number_field(k, v, 1, 100));
    } else if (k == "cursor") {
      q.cursor = optional_string_field(k, v);
    } else if (k == "mode") {
      q.mode = optional_string_field(k, v);
    } else if (k == "project_id") {
      q.project_id = optional_string_field(k, v);
    } else if (k == "tags") {
      if (!v.is_null()) q.tags = tags_field(k, v);
    } else if (k == "title") {
      q.title_contains = optional_string_field(k, v);
    } else {
      unknown_field("list query", k);
    }
  });
  return q;
}

SessionStoreOptions parse_store_options(std::string_view json) {
  SessionStoreOptions o;
  bool has_ttl = false;
  for_each_field(json, "session store options", [&](std::string_view k, dom::element v) {
    if (k == "key_prefix") {
      o.key_prefix = string_field(k, v);
    } else if (k == "index_prefix") {
      o.index_prefix = string_field(k, v);
    } else if (k == "ttl_s") {
      o.ttl = std::chrono::seconds(whole_number_field(k, v, 60, 86400));
      has_ttl = true;
    } else if (k == "database_url") {
      o.database_url = optional_string_field(k, v).value_or("");
    } else if (k == "db_pool_size") {
      o.db_pool_size = static_cast<std::uint32_t>(whole_number_field(k, v, 1, 1000));
    } else if (k == "db_table") {
      o.db_table = string_field(k, v);
    } else if (k == "db_connect_timeout_ms") {
      o.db_connect_timeout = std::chrono::milliseconds(whole_number_field(k, v, 1, 60000));
    } else if (k == "db_statement_timeout_ms") {
      o.db_statement_timeout = std::chrono::milliseconds(whole_number_field(k, v, 1, 600000));
    } else if (k == "db_pool_wait_ms") {
      o.db_pool_wait = std::chrono::milliseconds(whole_number_field(k, v, 1, 600000));
    } else if (k == "db_cache_circuit_threshold") {
      o.db_cache_circuit_threshold = static_cast<std::uint32_t>(whole_number_field(k, v, 1, 1000));
    } else if (k == "db_cache_circuit_cooldown_ms") {
      o.db_cache_circuit_cooldown = std::chrono::milliseconds(whole_number_field(k, v, 1, 600000));
    } else {
      unknown_field("session store options", k);
    }
  });
  if (!has_ttl) o.ttl = SessionStoreOptions::from_env().ttl;
  return o;
}

}  // namespace agenthost::detail
