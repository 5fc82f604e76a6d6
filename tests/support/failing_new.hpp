// Allocation failures on demand, for tests of what happens on bad_alloc. A test program that
// compiles support/failing_new.cpp replaces the global operator new (every form) for its whole
// executable; these switches act on the calling thread only.
#pragma once

#include <cstddef>

namespace agenthost::test {

// Makes every operator new on this thread throw bad_alloc while it lives.
class FailAllocations {
 public:
  FailAllocations();
  ~FailAllocations();
  FailAllocations(const FailAllocations &) = delete;
  FailAllocations &operator=(const FailAllocations &) = delete;
};

// The next operator new of exactly `size` bytes on this thread throws bad_alloc (0: none).
void fail_next_allocation_of(std::size_t size);
// True while that failure has not happened yet.
bool allocation_failure_pending();

}  // namespace agenthost::test
