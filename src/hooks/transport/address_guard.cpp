#include "hooks/transport/address_guard.hpp"

#include <netinet/in.h>

#include <cstddef>
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

// IPv6 forms that carry an IPv4 address after a fixed prefix: blocked when that IPv4 address is.
struct Embedding {
  std::uint8_t prefix[12];
  int prefix_bytes;
  int v4_offset;
};

constexpr Embedding kEmbeddings[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 12, 12},        // ::ffff:0:0/96 mapped
    {{0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0}, 12, 12},        // ::ffff:0:0:0/96 translated
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12, 12},              // ::/96 compatible, :: and ::1
    {{0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 12, 12},  // 64:ff9b::/96 NAT64
    {{0x20, 0x02}, 2, 2},                                        // 2002::/16 6to4
};

// Networks blocked whatever they carry.
struct Net6 {
  std::uint8_t base[16];
  int prefix;
};

constexpr Net6 kBlocked6[] = {
    // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): not globally reachable, and where its IPv4
    // address sits depends on the prefix length each operator carves from it (RFC 6052: /48,
    // /56, /64 or /96), so the address alone cannot say which IPv4 address it reaches.
    {{0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48},
    {{0x01, 0x00}, 64},  // 100::/64 discard-only
    {{0xFC}, 7},         // fc00::/7 unique local
    {{0xFE, 0x80}, 10},  // fe80::/10 link-local
    {{0xFE, 0xC0}, 10},  // fec0::/10 site-local
    {{0xFF}, 8},         // ff00::/8 multicast
};

bool in_net6(const std::uint8_t *b, const Net6 &n) noexcept {
  const int whole = n.prefix / 8;
  if (std::memcmp(b, n.base, static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = n.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (b[whole] & mask) == n.base[whole];
}

bool blocked_v6(const std::uint8_t *b) noexcept {
  for (const auto &e : kEmbeddings) {
    if (std::memcmp(b, e.prefix, static_cast<std::size_t>(e.prefix_bytes)) == 0) {
      return blocked_v4(v4_at(b + e.v4_offset));
    }
  }
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
    // Teredo 2001::/32: the server's IPv4 address, then the client's with its bits inverted.
    return blocked_v4(v4_at(b + 4)) || blocked_v4(~v4_at(b + 12));
  }
  for (const auto &n : kBlocked6) {
    if (in_net6(b, n)) return true;
  }
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
