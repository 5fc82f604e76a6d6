// The SSRF guard's address test: is this a network a webhook must not reach unless private
// networks are allowed?
#pragma once

#include <sys/socket.h>

namespace agenthost::hooks {

// True for loopback, "this network" 0/8, private 10/8 172.16/12 192.168/16, link-local
// 169.254/16 and fe80::/10, CGNAT 100.64/10, IETF 192.0.0/24, benchmarking 198.18/15,
// multicast, reserved 240/4 and broadcast, 6to4 relay anycast 192.88.99/24, unspecified, ULA
// fc00::/7, site-local fec0::/10, all of local-use NAT64 64:ff9b:1::/48 (where it carries its
// IPv4 address is the operator's choice), discard-only 100::/64, and IPv6 forms embedding an
// IPv4 address (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, compatible ::/96, NAT64
// 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32 server or client) whose IPv4 address is
// blocked. Unknown families are blocked.
bool is_blocked_address(const sockaddr *addr, socklen_t len) noexcept;

}  // namespace agenthost::hooks
