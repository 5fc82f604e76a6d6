// Shared helpers of the fuzz targets: a property failure aborts, so libFuzzer records the input.
#pragma once

#include <agenthost/error.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

namespace agenthost::fuzz {

[[noreturn]] inline void property_failed(const char *file, int line, const char *what,
                                         const std::string &detail) {
  std::fprintf(stderr, "\n==fuzz== property failed at %s:%d: %s\n==fuzz== %s\n", file, line, what,
               detail.c_str());
  std::abort();
}

// An agenthost::Error with a code outside `allowed` is a finding: callers map codes to statuses.
inline void expect_code(const Error &e, std::initializer_list<Errc> allowed, const char *file,
                        int line) {
  for (Errc code : allowed) {
    if (e.code() == code) return;
  }
  property_failed(file, line, "unexpected error code",
                  std::string(errc_name(e.code())) + ": " + e.what());
}

inline std::string_view as_text(const std::uint8_t *data, std::size_t size) {
  return {reinterpret_cast<const char *>(data), size};
}

// Messages are ASCII text plus echoes (some lower-cased or normalised) of parts of the input, so
// a secret `part` holding a non-ASCII byte that occurs nowhere else in `whole` can appear in a
// message only by being echoed. For any other secret a message may compose its text by chance.
inline bool recognisable_secret(std::string_view whole, std::string_view part) {
  for (char c : part) {
    if (static_cast<unsigned char>(c) >= 0x80 && whole.find(c) == whole.rfind(c)) return true;
  }
  return false;
}

// The raw password of a Redis URL when recognisable_secret(), else "".
inline std::string_view recognisable_redis_password(std::string_view url) {
  const auto sep = url.find("://");
  const auto at = url.rfind('@');
  if (sep == url.npos || at == url.npos || at < sep + 3) return {};
  const std::string_view userinfo = url.substr(sep + 3, at - sep - 3);
  const auto colon = userinfo.find(':');
  if (colon == userinfo.npos) return {};
  const std::string_view password = userinfo.substr(colon + 1);
  return recognisable_secret(url, password) ? password : std::string_view{};
}

}  // namespace agenthost::fuzz

#define FUZZ_CHECK(cond, detail)                                                        \
  do {                                                                                  \
    if (!(cond)) ::agenthost::fuzz::property_failed(__FILE__, __LINE__, #cond, detail); \
  } while (0)

#define FUZZ_EXPECT_CODE(error, ...) \
  ::agenthost::fuzz::expect_code(error, {__VA_ARGS__}, __FILE__, __LINE__)
