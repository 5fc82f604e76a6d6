// agenthost error model: one code list shared by the C++ API and the C ABI.
#pragma once

#include <stdexcept>
#include <string>

namespace agenthost {

// The numbers are part of the C ABI (agenthost_status) and never change.
enum class Errc : int {
  ok = 0,
  invalid_argument = 1,  // bad input from the caller
  not_found = 2,         // no such key/session (also: owned by someone else)
  conflict = 3,          // already exists
  timeout = 4,           // a deadline passed (connect, socket, lock)
  connection = 5,        // could not reach / lost the server
  pool_exhausted = 6,    // no connection became free within the pool wait timeout
  protocol = 7,          // the server answered something unexpected (or an error reply)
  corrupt = 8,           // stored data could not be decoded
  unsupported = 9,       // a feature not available (e.g. a durable store on a cluster)
  internal = 100,        // a bug
};

// "invalid_argument", "not_found", ...; "unknown" for a value outside the list.
const char *errc_name(Errc code) noexcept;

// Thrown by every agenthost function that fails. what() names what failed and why; it never
// contains a password, API key or webhook secret.
class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string &message);
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

}  // namespace agenthost
