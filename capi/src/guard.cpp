// The C ABI boundary's shared pieces (guard.hpp): the thread's last error, failing with a status,
// option struct sizes, copying strings out; and the library-wide functions (version, status names,
// free).
#include "guard.hpp"

#include <agenthost/version.hpp>
#include <cstdlib>

#include "common/json_string.hpp"

namespace agenthost::capi {

namespace {
thread_local std::string t_last_error;  // the one piece of global state the C ABI needs

// The ABI promises UTF-8 strings, but a message may quote caller bytes that are not (a URL, an
// environment value): each malformed byte becomes U+FFFD, so hosts can always decode it.
void append_utf8_lossy(std::string &out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = detail::utf8_sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
}
}  // namespace

void set_last_error(std::string message) noexcept { t_last_error = std::move(message); }
void clear_last_error() noexcept { t_last_error.clear(); }

agenthost_status fail(agenthost_status status, std::string message) noexcept {
  set_last_error(std::move(message));
  return status;
}

agenthost_status fail_in(agenthost_status status, const char *function, std::string_view what,
                         std::string_view detail) noexcept {
  std::string_view name = function != nullptr ? function : "agenthost";
  try {
    std::string message;
    message.reserve(name.size() + 2 + what.size() + detail.size());
    message.append(name).append(": ");
    append_utf8_lossy(message, what);
    append_utf8_lossy(message, detail);
    set_last_error(std::move(message));
  } catch (...) {
    // "out of memory" fits std::string's inline buffer, so this assignment does not allocate.
    try {
      t_last_error.assign("out of memory");
    } catch (...) {
    }
  }
  return status;
}

agenthost_status null_argument(const char *function, const char *argument) noexcept {
  return fail_in(AGENTHOST_INVALID_ARGUMENT, function,
                 argument != nullptr ? argument : "an argument", " is NULL");
}

std::size_t option_struct_size(const char *type, std::uint32_t struct_size, std::size_t known_size,
                               std::size_t minimum_size) {
  if (struct_size == 0 || struct_size < minimum_size) {
    throw Error(Errc::invalid_argument, "opts->struct_size " + std::to_string(struct_size) +
                                            " does not hold the first field (set it with " + type +
                                            "_init, expected sizeof(" + type +
                                            ") = " + std::to_string(known_size) + ")");
  }
  return struct_size > known_size ? known_size : struct_size;
}

char *copy_out(std::string_view s) {
  auto *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace agenthost::capi

extern "C" {

const char *agenthost_version(void) { return AGENTHOST_VERSION_STRING; }

const char *agenthost_status_name(agenthost_status status) {
  return agenthost::errc_name(static_cast<agenthost::Errc>(status));
}

const char *agenthost_last_error(void) { return agenthost::capi::t_last_error.c_str(); }

void agenthost_free(void *p) { std::free(p); }

}  // extern "C"
