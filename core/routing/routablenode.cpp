#include "core/routing/routablenode.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sy::routing {

bool RoutableNode::has(model::Capability c) const {
    return std::find(capabilities.begin(), capabilities.end(), c) != capabilities.end();
}

bool carriesLiveStreams(model::NodeState state) {
    using model::NodeState;
    return state == NodeState::InService || state == NodeState::SoftSunset ||
           state == NodeState::HardSunset;
}

std::string rtmpUrl(std::string_view address, int port, std::string_view guid) {
    const bool ipv6 = address.find(':') != std::string_view::npos;
    std::string url = "rtmp://";
    url.reserve(address.size() + guid.size() + 16);
    if (ipv6)
        url += '[';
    url += address;
    if (ipv6)
        url += ']';
    url += ':';
    url += std::to_string(port);
    url += '/';
    url += guid;
    return url;
}

std::string hlsUrl(std::string_view address, int port, std::string_view guid) {
    const bool ipv6 = address.find(':') != std::string_view::npos;
    std::string url =
        ipv6 ? "http://[" + std::string(address) + "]" : "http://" + std::string(address);
    return url + ":" + std::to_string(port) + "/hls/" + std::string(guid) + ".m3u8";
}

std::int32_t capacityToInt32(double value) {
    using Limits = std::numeric_limits<std::int32_t>;
    if (std::isnan(value))
        return 0;
    const double t = std::trunc(value);
    if (t <= static_cast<double>(Limits::min()))
        return Limits::min();
    if (t >= static_cast<double>(Limits::max()))
        return Limits::max();
    return static_cast<std::int32_t>(t);
}

} // namespace sy::routing
