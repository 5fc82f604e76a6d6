// Lower-case hex encoding of bytes (hashes, random tokens and ids).
#pragma once

#include <cstddef>
#include <string>

namespace agenthost::detail {

// Two lower-case hex digits per byte, most significant nibble first: {0x0f, 0xa0} -> "0fa0".
std::string hex_lower(const unsigned char *bytes, std::size_t size);

}  // namespace agenthost::detail
