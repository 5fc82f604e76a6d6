#include "hooks/address_guard.hpp"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace agenthost::hooks {

namespace {

struct Net4 {
  std::uint32_t base;
  int prefix;
};

constexpr Net4 kBlocked4[] = {
    {0x00000000, 8},   // 0.0.0.0/8 "this network", includes unspecified
    {0x0A000000, 8},   // 10/8
    {0x64400000, 10},  // 100.64/10 CGNAT
    {0x7F000000, 8},   // 127/8 loopback
    {0xA9FE0000, 16},  // 169.254/16 link-local (cloud metadata)
    {0xAC100000, 12},  // 172.16/12
    {0xC0000000, 24},  // 192.0.0/24 IETF protocol assignments
    {0xC0586300, 24},  // 192.88.99/24 6to4 relay anycast
    {0xC0A80000, 16},  // 192.168/16
    {0xC6120000, 15},  // 198.18/15 benchmarking
    {0xE0000000, 4},   // 224/4 multicast
    {0xF0000000, 4},   // 240/4 reserved, includes 255.255.255.255
};

bool blocked_v4(std::uint32_t host_order) noexcept {
  for (const auto &n : kBlocked4) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - n.prefix);
    if ((host_order & mask) == n.base) return true;
  }
  return false;
}

std::uint32_t v4_at(const std::uint8_t *b) noexcept {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

bool all_zero(const std::uint8_t *b, int n) noexcept {
  for (int i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

bool blocked_v6(const std::uint8_t *b) noexcept {
  if (all_zero(b, 10) && b[10] == 0xFF && b[11] == 0xFF)
    return blocked_v4(v4_at(b + 12));  // mapped
  if (all_zero(b, 12)) {
    // :: and ::1 fall in 0/8 of the compatible form; other ::a.b.c.d are deprecated compat.
    return blocked_v4(v4_at(b + 12));
  }
  static constexpr std::uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};
  if (std::memcmp(b, nat64, 12) == 0) return blocked_v4(v4_at(b + 12));
  static constexpr std::uint8_t local_nat64[6] = {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01};
  if (std::memcmp(b, local_nat64, 6) == 0) return true;  // 64:ff9b:1::/48 local-use NAT64
  static constexpr std::uint8_t discard[8] = {0x01, 0x00};
  if (std::memcmp(b, discard, 8) == 0) return true;  // 100::/64 discard-only
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
    // Teredo 2001::/32: the server's IPv4 address, then the client's with its bits inverted.
    return blocked_v4(v4_at(b + 4)) || blocked_v4(~v4_at(b + 12));
  }
  if (b[0] == 0x20 && b[1] == 0x02) return blocked_v4(v4_at(b + 2));  // 6to4
  if ((b[0] & 0xFE) == 0xFC) return true;                             // fc00::/7 ULA
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;             // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;             // fec0::/10 site-local
  if (b[0] == 0xFF) return true;                                      // multicast
  return false;
}

}  // namespace

bool is_blocked_address(const sockaddr *addr, socklen_t len) noexcept {
  if (addr == nullptr) return true;
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in4;
    std::memcpy(&in4, addr, sizeof in4);
    return blocked_v4(ntohl(in4.sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6;
    std::memcpy(&in6, addr, sizeof in6);
    return blocked_v6(in6.sin6_addr.s6_addr);
  }
  return true;
}

}  // namespace agenthost::hooks
