// Redis Cluster key hashing: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace agenthost::detail {

inline constexpr int kClusterSlots = 16384;

// The slot Redis Cluster stores `key` in. Only the part between the first '{' and the next '}'
// is hashed when that part is not empty, so "{user1}:a" and "{user1}:b" share a slot.
int cluster_key_slot(std::string_view key) noexcept;

}  // namespace agenthost::detail
