// Shared pieces of the extern "C" wrappers: the per-thread last error and the exception guard
// that keeps every exception on this side of the boundary.
#pragma once

#include <agenthost.h>
#include <agenthost/error.hpp>

#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

namespace agenthost::capi {

void set_last_error(std::string message);
void clear_last_error();

// Records `message` as the thread's last error and returns `status`.
agenthost_status fail(agenthost_status status, std::string message);

// NULL pointer argument: AGENTHOST_INVALID_ARGUMENT "<function>: <argument> is NULL".
agenthost_status null_argument(const char *function, const char *argument);

// Runs f() (which returns void), mapping exceptions to statuses and the last error.
template <typename F>
agenthost_status guard(const char *function, F &&f) noexcept {
  try {
    f();
    clear_last_error();
    return AGENTHOST_OK;
  } catch (const Error &e) {
    return fail(static_cast<agenthost_status>(e.code()), std::string(function) + ": " + e.what());
  } catch (const std::bad_alloc &) {
    return fail(AGENTHOST_INTERNAL, std::string(function) + ": out of memory");
  } catch (const std::exception &e) {
    return fail(AGENTHOST_INTERNAL, std::string(function) + ": internal error: " + e.what());
  } catch (...) {
    return fail(AGENTHOST_INTERNAL, std::string(function) + ": internal error");
  }
}

// A malloc'ed, NUL-terminated copy of `s` (freed with agenthost_free). Throws std::bad_alloc.
char *copy_out(std::string_view s);

}  // namespace agenthost::capi
