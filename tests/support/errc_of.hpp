// The error code a call throws, for tests that assert on Error(Errc) rather than on text.
#pragma once

#include <agenthost/error.hpp>
#include <functional>
#include <string>

namespace agenthost::test {

// The code of the agenthost::Error that `f` throws, or Errc::ok when it returns. Other
// exceptions propagate (the test fails). With `message`, the error's text is stored there.
inline Errc code_of(const std::function<void()> &f, std::string *message = nullptr) {
  try {
    f();
  } catch (const Error &e) {
    if (message) *message = e.what();
    return e.code();
  }
  return Errc::ok;
}

}  // namespace agenthost::test
