#pragma once
// Who a request comes from, for the login throttle: the TCP peer, or, when the peer is a reverse
// proxy the operator trusts (--trusted-proxy), the address that proxy saw. X-Forwarded-For is
// read only then, and from the right: every proxy appends the address it got the request from,
// so the rightmost entry that is not a trusted proxy is the client as far as anyone trusted
// knows; entries to its left are whatever the client chose to send.

#include "core/util/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sy::api {

class TrustedProxies {
public:
    // "10.0.0.1,192.168.0.0/16,::1": addresses or networks (CIDR), IPv4 or IPv6, comma-separated.
    // The error names the entry that is neither.
    static Result<TrustedProxies> parse(std::string_view list);

    bool empty() const { return nets_.empty(); }
    bool contains(std::string_view address) const;

    // The client address (normalised: "::ffff:1.2.3.4" reads as "1.2.3.4") of a request from
    // `peer` that carried the X-Forwarded-For value `forwardedFor` (empty: none).
    std::string clientAddress(std::string_view peer, std::string_view forwardedFor) const;

private:
    struct Net {
        bool v6 = false;
        std::array<std::uint8_t, 16> bytes{};
        int prefix = 0; // leading bits that must match
    };
    std::vector<Net> nets_;
};

// The address in canonical text ("[::1]:80" → "::1", "::ffff:10.0.0.1" → "10.0.0.1"), or empty
// when `text` is not an IP address.
std::string normalizeAddress(std::string_view text);

} // namespace sy::api
