#pragma once
// The transcoder ladder of a provision (reference §3.4 videoParams, §6 step 6): the renditions
// app/name_1 … app/name_N a transcoder makes from the one stream a publisher sends it, checked
// and turned into the command line of the one ffmpeg that decodes the source once and publishes
// every rendition, scaled and re-encoded with libx264, into an origin.
// Pure functions: no I/O.

#include "core/media/ffmpegcommand.h"
#include "core/model/problem.h"
#include "core/model/provision.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sy::media {

// One rendition: a provision stream with videoParams.
struct Rendition {
    std::string streamGuid;              // app/[room/]name_k
    int streamIndex = 0;                 // position in the provision's streams[]
    int level = 1;                       // abrLevel; 1 = top
    int width = 0;                       // even, 2..7680
    int height = 0;                      // even, 2..4320
    std::int64_t bitRate = 0;            // bits/s, 100..10485760
    std::optional<std::int64_t> maxRate; // videoBrMax, >= bitRate; absent: bitRate
    int keyFrames = 60;                  // videoKey: frames between key frames, 1..600
    std::string profile = "baseline";    // videoProfile; baseline decodes everywhere (WebRTC)
    std::optional<int> qpMin, qpMax;     // 0..63, qpMin <= qpMax
    std::optional<int> entropy;          // 0 CAVLC, 1 CABAC (main/high only; baseline is CAVLC)
    std::optional<int> encMode;          // 0 camera, 1 content: carried, x264 has no such mode
    std::optional<int> complexity;       // 0..2 → x264 preset ultrafast | superfast | veryfast

    bool operator==(const Rendition&) const = default;
};

struct Ladder {
    std::string provisionGuid;
    // The top rendition's guid: what the publisher sends to the transcoder.
    std::string sourceGuid;
    std::vector<Rendition> renditions; // top first: by abrLevel, then by position in streams[]

    bool operator==(const Ladder&) const = default;
};

// The ladder of a provision; nullopt when no stream has videoParams (streams without them are
// not renditions and are left alone). Every problem at once, with its JSON path
// ("streams[1].videoParams.videoWidth"), when a rendition
// - lacks videoWidth, videoHeight or videoBitRate, or has a value out of its range (§3.4);
// - has an odd width or height (libx264 encodes 4:2:0, which needs even sizes);
// - has videoQpMin > videoQpMax or videoBrMax < videoBitRate;
// - has abrLevel 0 (a restream, not a rendition);
// - has a guid that is missing, repeated, in another app than the first rendition's, without the
//   base name of the first rendition, or without a suffix _k, where the suffixes must be exactly
//   1..N for N renditions.
// A lower rendition larger than a higher one is allowed.
Result<std::optional<Ladder>, model::Problems> ladderForProvision(const model::ProvisionRequest& p);

// The ladder whose source is `guid` among `provisions` (the first one; invalid ladders are
// skipped): what a transcoder runs when the publisher's stream appears on it.
std::optional<Ladder> ladderForSource(const std::vector<model::ProvisionRequest>& provisions,
                                      const std::string& guid);

// ffmpeg command line (argv[0] is "ffmpeg", as ffmpegArguments() in jobspec.h): reads
// `sourceUrl` once (rtmp:// and rtmps:// with a 5 s read timeout), splits and scales the video
// in one filter graph, and writes one FLV output per rendition to outputUrls[k] (parallel to
// l.renditions: rtmp URLs, or files), audio copied when the source has any. Progress goes to
// stdout (-progress pipe:1) every half second. outputUrls must have one URL per rendition.
std::vector<std::string> ladderArguments(const Ladder& l, const std::string& sourceUrl,
                                         const std::vector<std::string>& outputUrls);
// What runs: the same without a secret in argv (ffmpegcommand.h); empty as ladderArguments().
FfmpegCommand ladderCommand(const Ladder& l, const std::string& sourceUrl,
                            const std::vector<std::string>& outputUrls);

} // namespace sy::media
