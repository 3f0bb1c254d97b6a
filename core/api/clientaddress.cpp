#include "core/api/clientaddress.h"

#include "core/util/strings.h"

#include <arpa/inet.h>
#include <cstring>
#include <optional>

namespace sy::api {

namespace {

struct Parsed {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
};

// Strips what surrounds an address in headers and endpoints: brackets, a port, an IPv6 zone.
std::string bareAddress(std::string_view text) {
    text = trim(text);
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        text = close == std::string_view::npos ? text.substr(1) : text.substr(1, close - 1);
    } else if (text.find(':') == text.rfind(':') && text.find('.') != std::string_view::npos) {
        text = text.substr(0, text.find(':')); // "1.2.3.4:5678"
    }
    if (const auto zone = text.find('%'); zone != std::string_view::npos)
        text = text.substr(0, zone);
    return std::string(text);
}

std::optional<Parsed> parseAddress(std::string_view text) {
    const std::string bare = bareAddress(text);
    if (bare.empty() || bare.size() > 64)
        return std::nullopt;
    Parsed p;
    if (inet_pton(AF_INET, bare.c_str(), p.bytes.data()) == 1)
        return p;
    if (inet_pton(AF_INET6, bare.c_str(), p.bytes.data()) != 1)
        return std::nullopt;
    // An IPv4 client on a dual-stack socket: the same client as on a v4 socket.
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(p.bytes.data(), kMapped, sizeof kMapped) == 0) {
        std::memmove(p.bytes.data(), p.bytes.data() + 12, 4);
        std::memset(p.bytes.data() + 4, 0, 12);
        return p;
    }
    p.v6 = true;
    return p;
}

std::string format(const Parsed& p) {
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(p.v6 ? AF_INET6 : AF_INET, p.bytes.data(), text, sizeof text))
        return {};
    return text;
}

} // namespace

std::string normalizeAddress(std::string_view text) {
    const auto p = parseAddress(text);
    return p ? format(*p) : std::string();
}

Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
    TrustedProxies out;
    for (auto item : split(list, ',')) {
        item = trim(item);
        if (item.empty())
            continue;
        const auto slash = item.find('/');
        const auto p = parseAddress(item.substr(0, slash));
        const int maxPrefix = p && p->v6 ? 128 : 32;
        std::optional<long long> prefix = maxPrefix;
        if (slash != std::string_view::npos)
            prefix = parseInt(item.substr(slash + 1));
        if (!p || !prefix || *prefix < 0 || *prefix > maxPrefix)
            return fail("invalid", "trusted proxy " + sy::quoted(item) +
                                       " is not an IP address or network (ADDR or ADDR/BITS)");
        out.nets_.push_back(Net{p->v6, p->bytes, static_cast<int>(*prefix)});
    }
    return out;
}

bool TrustedProxies::contains(std::string_view address) const {
    const auto p = parseAddress(address);
    if (!p)
        return false;
    for (const auto& net : nets_) {
        if (net.v6 != p->v6)
            continue;
        const int whole = net.prefix / 8;
        const int rest = net.prefix % 8;
        if (std::memcmp(net.bytes.data(), p->bytes.data(), static_cast<std::size_t>(whole)) != 0)
            continue;
        if (rest != 0) {
            const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
            if ((net.bytes[static_cast<std::size_t>(whole)] & mask) !=
                (p->bytes[static_cast<std::size_t>(whole)] & mask))
                continue;
        }
        return true;
    }
    return false;
}

std::string TrustedProxies::clientAddress(std::string_view peer,
                                          std::string_view forwardedFor) const {
    std::string client = normalizeAddress(peer);
    if (client.empty())
        client = std::string(trim(peer));
    if (!contains(peer))
        return client; // a client that is not our proxy speaks for itself only
    auto hops = split(forwardedFor, ',');
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        const auto hop = trim(*it);
        if (hop.empty())
            continue;
        const std::string address = normalizeAddress(hop);
        // The rightmost hop was written by a trusted proxy; one that is not an address is
        // still that proxy's word, kept (bounded) as the key.
        client = address.empty() ? std::string(hop.substr(0, 64)) : address;
        if (address.empty() || !contains(address))
            break;
    }
    return client;
}

} // namespace sy::api
