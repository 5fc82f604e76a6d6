// Shared pieces of the extern "C" wrappers: the per-thread last error and the exception guard
// that keeps every exception on this side of the boundary.
#pragma once

#include <agenthost.h>

#include <agenthost/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

namespace agenthost::capi {

void set_last_error(std::string message) noexcept;
void clear_last_error() noexcept;

// Records `message` as the thread's last error and returns `status`.
agenthost_status fail(agenthost_status status, std::string message) noexcept;

// Records "<function>: <what><detail>" as the thread's last error and returns `status`. Never
// throws: when the message cannot be built (out of memory) the last error says so instead.
agenthost_status fail_in(agenthost_status status, const char *function, std::string_view what,
                         std::string_view detail = {}) noexcept;

// NULL pointer argument: AGENTHOST_INVALID_ARGUMENT "<function>: <argument> is NULL".
agenthost_status null_argument(const char *function, const char *argument) noexcept;

// Runs f() (which returns void), mapping exceptions to statuses and the last error. Every path
// out is noexcept: the messages are built by fail_in, which swallows its own bad_alloc, so no
// exception can reach the C caller (or std::terminate through this noexcept).
template <typename F>
agenthost_status guard(const char *function, F &&f) noexcept {
  try {
    f();
    clear_last_error();
    return AGENTHOST_OK;
  } catch (const Error &e) {
    return fail_in(static_cast<agenthost_status>(e.code()), function, e.what());
  } catch (const std::bad_alloc &) {
    return fail_in(AGENTHOST_INTERNAL, function, "out of memory");
  } catch (const std::exception &e) {
    return fail_in(AGENTHOST_INTERNAL, function, "internal error: ", e.what());
  } catch (...) {
    return fail_in(AGENTHOST_INTERNAL, function, "internal error");
  }
}

// How many bytes of a caller's option struct to read. `struct_size` is the caller's
// sizeof(struct); `known_size` ours and `minimum_size` the end of the first field after
// struct_size. A larger struct (a newer header) is read up to the fields we know; 0 or a size
// that does not hold the first field (garbage, an uninitialised struct) throws
// Error(invalid_argument) naming `type`, so it can never silently mean "all defaults" or switch a
// guard off.
std::size_t option_struct_size(const char *type, std::uint32_t struct_size, std::size_t known_size,
                               std::size_t minimum_size);

// True when a field of type Field at `offset` lies within the first `size` bytes.
template <typename Field>
bool has_field(std::size_t size, std::size_t offset) noexcept {
  return offset + sizeof(Field) <= size;
}

// A malloc'ed, NUL-terminated copy of `s` (freed with agenthost_free). Throws std::bad_alloc.
char *copy_out(std::string_view s);

}  // namespace agenthost::capi
