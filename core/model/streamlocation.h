#pragma once
// StreamLocation (reference §3.4): where a stream is, or where to publish or subscribe.
// `urls` is our addition: local nodes differ by port, so an address alone is not enough.

#include "core/model/problem.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sy::model {

struct StreamLocation {
    std::string streamGuid;
    std::string serverAddress;
    std::optional<std::string> nodeRole;
    std::optional<std::string> subGroup;
    std::optional<std::string> nodeState;
    std::optional<std::int64_t> subscribers;
    std::optional<std::int64_t> durationMs;
    std::optional<std::string> state;        // provision status: WAIT | LIVE
    std::optional<std::string> error;        // provision status: last error
    std::map<std::string, std::string> urls; // {"rtmp": "rtmp://127.0.0.1:19351/live/cam1"}
    std::optional<nlohmann::json> extra;
    bool operator==(const StreamLocation&) const = default;
};

nlohmann::json encodeStreamLocation(const StreamLocation& s);
StreamLocation decodeStreamLocation(const nlohmann::json& j, const std::string& path,
                                    Problems& problems);

} // namespace sy::model
