#include "sessions/codec/json_text.hpp"

#include <fmt/format.h>

#include <agenthost/error.hpp>
#include <array>
#include <cmath>
#include <cstring>

#include "common/json_string.hpp"
#include "sessions/session_codec.hpp"

namespace agenthost::detail {

namespace dom = simdjson::dom;

dom::parser &thread_parser() {
  thread_local dom::parser parser;  // one parser per thread, buffers reused (simdjson's advice)
  return parser;
}

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

namespace {

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

}  // namespace

bool is_canonical_object(std::string_view text) { return CanonicalJson::is_object(text); }

std::string format_json_double(double value) {
  if (!std::isfinite(value)) throw Error(Errc::invalid_argument, "a number is not finite");
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

}  // namespace agenthost::detail
