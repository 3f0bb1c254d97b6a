// Effective stream access and HLS settings of a node group (defaults applied).

#include "core/model/nodegroup.h"

namespace sy::model {

namespace {

constexpr std::int64_t kDefaultTokenTtl = 120;
constexpr std::int64_t kDefaultFragment = 2;
constexpr std::int64_t kDefaultPlaylist = 12;

AccessMode modeOf(const std::optional<std::string>& text) {
    return text ? parseAccessMode(*text).value_or(AccessMode::Open) : AccessMode::Open;
}

} // namespace

std::optional<AccessMode> parseAccessMode(std::string_view text) {
    if (text == "open")
        return AccessMode::Open;
    if (text == "token")
        return AccessMode::Token;
    if (text == "roundtrip")
        return AccessMode::RoundTrip;
    return std::nullopt;
}

AccessMode publishAccess(const NodeGroupConfig& ng) {
    return ng.streamAccess ? modeOf(ng.streamAccess->publish) : AccessMode::Open;
}

AccessMode playAccess(const NodeGroupConfig& ng) {
    return ng.streamAccess ? modeOf(ng.streamAccess->play) : AccessMode::Open;
}

bool subscribeNeedsViewer(const NodeGroupConfig& ng) {
    return ng.streamAccess && ng.streamAccess->subscribeRole.value_or("public") == "viewer";
}

bool oneTimeTokens(const NodeGroupConfig& ng) {
    return ng.streamAccess && ng.streamAccess->oneTime.value_or(false);
}

std::int64_t tokenTtlSeconds(const NodeGroupConfig& ng) {
    return ng.streamAccess ? ng.streamAccess->tokenTtlSeconds.value_or(kDefaultTokenTtl)
                           : kDefaultTokenTtl;
}

bool hlsEnabled(const NodeGroupConfig& ng) {
    return ng.hls && ng.hls->enabled.value_or(false);
}

std::int64_t hlsFragmentSeconds(const NodeGroupConfig& ng) {
    return ng.hls ? ng.hls->fragmentSeconds.value_or(kDefaultFragment) : kDefaultFragment;
}

std::int64_t hlsPlaylistSeconds(const NodeGroupConfig& ng) {
    return ng.hls ? ng.hls->playlistSeconds.value_or(kDefaultPlaylist) : kDefaultPlaylist;
}

} // namespace sy::model
