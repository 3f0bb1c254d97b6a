#pragma once
// What a provision asks the media layer to run (reference §7), checked against the URL policy
// and turned into ffmpeg arguments. One provision stream gives at most one job:
// - camParams.properties.type pull (rtmp, rtsp, ipcam, hls, file), listen (srt, mpegts) and
//   srt-caller with role=receiver: a restreamer that publishes the source into an origin;
// - push (rtmp-push, srt-caller with role=sender): a restreamer that sends a cluster stream out;
// - destUri: a social pusher destination (RTMP/RTMPS);
// - cloudParams: a recording of the stream, uploaded to a storage target.
// Pure functions: no I/O except the optional name resolution in checkResolved().

#include "core/media/ffmpegcommand.h"
#include "core/media/urlpolicy.h"
#include "core/model/problem.h"
#include "core/model/provision.h"
#include "core/util/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sy::media {

// Transcode: the ladder of a provision with renditions (transcodeladder.h), run on the
// transcoder node where the top rendition is published.
enum class JobKind { Pull, Push, Social, Record, Transcode };
std::string_view toString(JobKind k); // "pull", "push", "social", "record", "transcode"

struct JobSpec {
    JobKind kind = JobKind::Pull;
    std::string type;       // camParams type, "social" or "record"
    std::string streamGuid; // the cluster stream it publishes or reads
    int streamIndex = 0;    // position in the provision's streams[]
    // Pull: the source ffmpeg reads (a URL, or a file path). Push/Social: the destination.
    std::string remote;
    std::string remoteMasked;               // for views and logs
    std::vector<std::string> remoteOptions; // ffmpeg options before -i (pull) or before the URL
    std::string remoteFormat;               // output muxer for push: flv | mpegts
    bool listen = false;                    // the source calls us (srt listener, udp)
    bool immediate = true;
    bool persist = false;
    int attempts = 5;    // restarts after failures before FAULT; ignored when persist
    double delayS = 1.0; // first back-off; doubles per failure, capped at 30 s
    // Record: the storage target named by cloudParams.bucketName (may be empty: keep locally)
    // and the object name prefix from fileStorageName.
    std::string target;
    std::string objectPrefix;
    std::vector<std::string> secrets; // literal values to scrub from logs and errors
    // Pull: "username=…&password=…&token=…" from the provision's `credentials`, appended to the
    // cluster URL when the node group checks publishers by round trip.
    std::string publishCredentials;
    // Set when the job runs: the tcUrl with the name for an rtmp remote that ffmpeg reaches by
    // the address checked (urlpolicy.h pinResolved).
    std::string remoteTcUrl;

    bool operator==(const JobSpec&) const = default;
};

// The jobs of one provision, or every problem found ("streams[0].camParams.properties.rtspUri:
// scheme \"file\" is not allowed for type rtsp"). A stream with none of the media fields gives no
// job. Secret values may be sealed (SecretBox): `open` turns them back to plain text.
Result<std::vector<JobSpec>, model::Problems>
jobsForProvision(const model::ProvisionRequest& p, const UrlPolicy& policy,
                 const std::function<Result<std::string>(const std::string&)>& open = {});

// ffmpeg command line of a job. `clusterUrl` is the rtmp URL of the stream on its node (where a
// pull publishes, where a push, social or record job reads); `outputFile` is the capture file of
// a recording. Progress goes to stdout (-progress pipe:1) every half second.
// What runs: no secret in argv (ffmpegcommand.h); ffmpegArguments() is its logical form.
FfmpegCommand ffmpegCommand(const JobSpec& spec, const std::string& clusterUrl,
                            const std::string& outputFile = {});
std::vector<std::string> ffmpegArguments(const JobSpec& spec, const std::string& clusterUrl,
                                         const std::string& outputFile = {});

// application/x-www-form-urlencoded value (RFC 3986 unreserved characters kept).
std::string formEncode(std::string_view text);

// Literal replacement of every secret by "••••".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

} // namespace sy::media
