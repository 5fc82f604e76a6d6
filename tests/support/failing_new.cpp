// Replaces the global operator new and delete (every form) with malloc/free plus the switches of
// failing_new.hpp. Compiled into the test programs that use them, never into a library.
#include "support/failing_new.hpp"

#include <cstdlib>
#include <new>

namespace {
thread_local bool t_fail_all = false;
thread_local std::size_t t_fail_size = 0;  // 0 = none
}  // namespace

namespace agenthost::test {
FailAllocations::FailAllocations() { t_fail_all = true; }
FailAllocations::~FailAllocations() { t_fail_all = false; }
void fail_next_allocation_of(std::size_t size) { t_fail_size = size; }
bool allocation_failure_pending() { return t_fail_size != 0; }
}  // namespace agenthost::test

void *operator new(std::size_t n) {
  if (t_fail_all) throw std::bad_alloc();
  if (t_fail_size != 0 && n == t_fail_size) {
    t_fail_size = 0;
    throw std::bad_alloc();
  }
  if (void *p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
// The other forms go through the two above, as the standard's defaults do. AddressSanitizer's
// own defaults for them would not, and it reports its nothrow new freed by our delete.
void *operator new(std::size_t n, const std::nothrow_t &) noexcept {
  try {
    return ::operator new(n);
  } catch (const std::bad_alloc &) {
    return nullptr;
  }
}
void *operator new[](std::size_t n) { return ::operator new(n); }
void *operator new[](std::size_t n, const std::nothrow_t &tag) noexcept {
  return ::operator new(n, tag);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }
void operator delete[](void *p) noexcept { ::operator delete(p); }
void operator delete[](void *p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }
