#pragma once
// Provisions (reference §3.4, §7): streams described ahead of publishing, with transcoding
// renditions (videoParams), restreamer sources (camParams), conference groups (groupParams) and
// recording storage (cloudParams).

#include "core/model/enums.h"
#include "core/model/problem.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sy::model {

struct VideoParams {
    std::optional<std::int64_t> videoWidth, videoHeight, videoBitRate;
    std::optional<std::int64_t> videoQpMin, videoQpMax, videoBrMax, videoKey;
    std::optional<std::string> videoProfile; // baseline | main | high
    std::optional<std::int64_t> videoEntropyProfile, videoEncMode, videoEncComplexity;
    std::optional<nlohmann::json> extra;
    bool operator==(const VideoParams&) const = default;
};

// The integer fields of videoParams with their documented ranges (reference §3.4): checked by
// provision validation and again by the transcoder ladder, whose numbers reach a command line.
struct VideoIntField {
    const char* name;
    std::optional<std::int64_t> VideoParams::*member;
    std::int64_t lo, hi;
};
inline constexpr VideoIntField kVideoIntFields[] = {
    {"videoWidth", &VideoParams::videoWidth, 2, 7680},
    {"videoHeight", &VideoParams::videoHeight, 2, 4320},
    {"videoBitRate", &VideoParams::videoBitRate, 100, 10485760},
    {"videoQpMin", &VideoParams::videoQpMin, 0, 63},
    {"videoQpMax", &VideoParams::videoQpMax, 0, 63},
    {"videoBrMax", &VideoParams::videoBrMax, 100, 10485760},
    {"videoKey", &VideoParams::videoKey, 1, 600},
    {"videoEntropyProfile", &VideoParams::videoEntropyProfile, 0, 1},
    {"videoEncMode", &VideoParams::videoEncMode, 0, 1},
    {"videoEncComplexity", &VideoParams::videoEncComplexity, 0, 2},
};

struct GroupParams {
    std::optional<std::string> group;
    std::optional<std::string> core;
    std::optional<std::int64_t> audioTracks, videoTracks;
    std::optional<nlohmann::json> extra;
    bool operator==(const GroupParams&) const = default;
};

struct CamParams {
    std::map<std::string, std::string> properties; // string-valued, restreamer settings
    std::optional<nlohmann::json> extra;
    bool operator==(const CamParams&) const = default;
};

struct CloudParams {
    std::optional<std::string> bucketName;
    std::optional<std::string> fileStorageName;
    std::optional<nlohmann::json> extra;
    bool operator==(const CloudParams&) const = default;
};

struct StreamProvision {
    std::optional<std::string> streamGuid;
    std::optional<std::int64_t> abrLevel; // default 1 (top); restreams use 0
    std::optional<std::int64_t> qos;      // default 0
    std::optional<std::string> destUri;   // RTMP forward target
    std::optional<VideoParams> videoParams;
    std::optional<GroupParams> groupParams;
    std::optional<CamParams> camParams;
    std::optional<CloudParams> cloudParams;
    std::optional<nlohmann::json> extra;
    bool operator==(const StreamProvision&) const = default;
};

struct Credentials {
    std::optional<std::string> username, password, token;
    std::optional<nlohmann::json> extra;
    bool operator==(const Credentials&) const = default;
};

struct ProvisionRequest {
    std::optional<std::string> provisionGuid;
    std::optional<std::vector<StreamProvision>> streams;
    std::optional<std::vector<Capability>> capabilities;
    std::optional<Credentials> credentials;
    std::optional<nlohmann::json> geoRules; // layout undocumented upstream: kept as sent
    std::optional<nlohmann::json> extra;
    bool operator==(const ProvisionRequest&) const = default;
};

nlohmann::json encodeProvision(const ProvisionRequest& p);
ProvisionRequest decodeProvision(const nlohmann::json& j, const std::string& path,
                                 Problems& problems);
Problems validateProvision(const ProvisionRequest& p, const std::string& path);

// A POST/PUT body: an array of provisions, or a single object (tolerance rule 4).
Result<std::vector<ProvisionRequest>, Problems> parseProvisions(const nlohmann::json& j);

// Stream guids are app/[room/]name; each segment becomes part of an nginx application or a
// file name, so each must be a safe name. nullopt when valid.
std::optional<std::string> checkStreamGuid(std::string_view guid);

} // namespace sy::model
