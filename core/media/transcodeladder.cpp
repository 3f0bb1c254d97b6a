#include "core/media/transcodeladder.h"

#include "core/util/strings.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace sy::media {

namespace {

using model::Problems;
using model::VideoParams;

// The ranges of reference §3.4 (model::kVideoIntFields) are checked again here: a ladder is also
// built from provisions that were stored before a check existed.
constexpr std::int64_t kMaxLevel = 1000;

// app/[room/]name_k split into the app, the base (everything before "_k") and k.
struct GuidParts {
    std::string app;
    std::string base;
    std::optional<int> k; // nullopt: no _k suffix
};

GuidParts splitGuid(const std::string& guid) {
    GuidParts g;
    g.app = guid.substr(0, guid.find('/'));
    g.base = guid;
    const auto lastSlash = guid.rfind('/');
    const auto us = guid.rfind('_');
    if (us == std::string::npos || (lastSlash != std::string::npos && us < lastSlash))
        return g;
    const std::string digits = guid.substr(us + 1);
    // "_01" is not "_1": the suffixes are the ones the reference names, without leading zeros.
    if (digits.empty() || digits.size() > 6 || digits[0] == '0' ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return g;
    g.base = guid.substr(0, us);
    g.k = std::stoi(digits);
    return g;
}

std::string streamPath(std::size_t i) {
    return model::indexPath("streams", i);
}

// One rendition's numbers; problems for what is missing or out of range.
Rendition readRendition(const model::StreamProvision& s, std::size_t i, Problems& problems) {
    const std::string path = streamPath(i);
    const std::string vp = model::joinPath(path, "videoParams");
    const VideoParams& v = *s.videoParams;
    Rendition r;
    r.streamGuid = s.streamGuid.value_or("");
    r.streamIndex = static_cast<int>(i);

    const auto before = problems.size();
    for (const auto& f : model::kVideoIntFields) {
        const auto& value = v.*f.member;
        if (value && (*value < f.lo || *value > f.hi))
            problems.push_back({model::joinPath(vp, f.name),
                                "must be between " + std::to_string(f.lo) + " and " +
                                    std::to_string(f.hi) + ", got " + std::to_string(*value)});
    }
    const std::pair<const char*, const std::optional<std::int64_t>*> required[] = {
        {"videoWidth", &v.videoWidth},
        {"videoHeight", &v.videoHeight},
        {"videoBitRate", &v.videoBitRate}};
    for (const auto& [name, value] : required)
        if (!*value)
            problems.push_back({model::joinPath(vp, name), "is required for a rendition"});
    for (const auto& [name, value] : {required[0], required[1]})
        if (*value && **value >= 2 && **value % 2 != 0)
            problems.push_back(
                {model::joinPath(vp, name),
                 "must be even for libx264 (4:2:0 chroma), got " + std::to_string(**value)});
    if (v.videoProfile && *v.videoProfile != "baseline" && *v.videoProfile != "main" &&
        *v.videoProfile != "high")
        problems.push_back({model::joinPath(vp, "videoProfile"),
                            "must be baseline, main or high, got " + sy::quoted(*v.videoProfile)});
    if (v.videoQpMin && v.videoQpMax && *v.videoQpMin > *v.videoQpMax)
        problems.push_back({model::joinPath(vp, "videoQpMin"),
                            "must be <= videoQpMax (" + std::to_string(*v.videoQpMax) + "), got " +
                                std::to_string(*v.videoQpMin)});
    if (v.videoBrMax && v.videoBitRate && *v.videoBrMax < *v.videoBitRate)
        problems.push_back({model::joinPath(vp, "videoBrMax"),
                            "must be >= videoBitRate (" + std::to_string(*v.videoBitRate) +
                                "), got " + std::to_string(*v.videoBrMax)});
    const std::int64_t level = s.abrLevel.value_or(1);
    if (level < 1 || level > kMaxLevel)
        problems.push_back({model::joinPath(path, "abrLevel"),
                            "must be between 1 and " + std::to_string(kMaxLevel) +
                                " for a rendition (0 marks a restream), got " +
                                std::to_string(level)});
    if (problems.size() != before)
        return r;

    r.level = static_cast<int>(level);
    r.width = static_cast<int>(*v.videoWidth);
    r.height = static_cast<int>(*v.videoHeight);
    r.bitRate = *v.videoBitRate;
    r.maxRate = v.videoBrMax;
    if (v.videoKey)
        r.keyFrames = static_cast<int>(*v.videoKey);
    if (v.videoProfile)
        r.profile = *v.videoProfile;
    auto small = [](const std::optional<std::int64_t>& x) {
        return x ? std::optional<int>(static_cast<int>(*x)) : std::nullopt;
    };
    r.qpMin = small(v.videoQpMin);
    r.qpMax = small(v.videoQpMax);
    r.entropy = small(v.videoEntropyProfile);
    r.encMode = small(v.videoEncMode);
    r.complexity = small(v.videoEncComplexity);
    return r;
}

// The guids of the renditions (stream indices `indices`) name one ladder: name_1 … name_N.
void checkGuids(const model::ProvisionRequest& p, const std::vector<std::size_t>& indices,
                Problems& problems) {
    std::optional<std::size_t> first; // the first rendition with a usable guid: the reference
    std::map<std::string, std::size_t> seen;
    const auto n = indices.size();
    for (const auto i : indices) {
        const auto& s = (*p.streams)[i];
        const std::string path = model::joinPath(streamPath(i), "streamGuid");
        if (!s.streamGuid || s.streamGuid->empty()) {
            problems.push_back({path, "is required for a rendition"});
            continue;
        }
        const std::string& guid = *s.streamGuid;
        if (auto [it, added] = seen.emplace(guid, i); !added) {
            problems.push_back({path, "repeats " + streamPath(it->second) +
                                          ": each rendition needs its own stream"});
            continue;
        }
        const auto g = splitGuid(guid);
        if (!g.k) {
            problems.push_back({path, "must end in _k, k in 1.." + std::to_string(n) +
                                          " (renditions are name_1 … name_N), got " +
                                          sy::quoted(guid)});
            continue;
        }
        if (!first) {
            first = i;
        } else {
            const auto ref = splitGuid(*(*p.streams)[*first].streamGuid);
            if (g.app != ref.app) {
                problems.push_back({path, "is in app " + sy::quoted(g.app) + " but " +
                                              streamPath(*first) + " is in app " +
                                              sy::quoted(ref.app) +
                                              ": a ladder is published into one app"});
                continue;
            }
            if (g.base != ref.base) {
                problems.push_back({path, "has base name " + sy::quoted(g.base) + " but " +
                                              streamPath(*first) + " has " + sy::quoted(ref.base) +
                                              ": renditions are name_1 … name_N of one name"});
                continue;
            }
        }
        if (static_cast<std::size_t>(*g.k) > n)
            problems.push_back({path, "has suffix _" + std::to_string(*g.k) +
                                          " but the ladder has " + std::to_string(n) +
                                          " rendition" + (n == 1 ? "" : "s") +
                                          ": suffixes must be 1.." + std::to_string(n)});
    }
}

std::string presetFor(const Rendition& r) {
    if (!r.complexity)
        return "veryfast";
    switch (*r.complexity) {
    case 0:
        return "ultrafast";
    case 1:
        return "superfast";
    default:
        return "veryfast";
    }
}

} // namespace

Result<std::optional<Ladder>, model::Problems>
ladderForProvision(const model::ProvisionRequest& p) {
    std::vector<std::size_t> indices;
    if (p.streams)
        for (std::size_t i = 0; i < p.streams->size(); ++i)
            if ((*p.streams)[i].videoParams)
                indices.push_back(i);
    if (indices.empty())
        return std::optional<Ladder>();

    Problems problems;
    Ladder l;
    l.provisionGuid = p.provisionGuid.value_or("");
    for (const auto i : indices)
        l.renditions.push_back(readRendition((*p.streams)[i], i, problems));
    checkGuids(p, indices, problems);
    if (!problems.empty()) {
        // In stream order, whichever check found them.
        std::stable_sort(problems.begin(), problems.end(),
                         [](const model::Problem& a, const model::Problem& b) {
                             const auto at = [](const std::string& path) {
                                 return std::stoi(path.substr(path.find('[') + 1));
                             };
                             return at(a.path) < at(b.path);
                         });
        return unexpected(std::move(problems));
    }
    std::stable_sort(l.renditions.begin(), l.renditions.end(),
                     [](const Rendition& a, const Rendition& b) { return a.level < b.level; });
    l.sourceGuid = l.renditions.front().streamGuid;
    return std::optional<Ladder>(std::move(l));
}

std::optional<Ladder> ladderForSource(const std::vector<model::ProvisionRequest>& provisions,
                                      const std::string& guid) {
    for (const auto& p : provisions) {
        auto l = ladderForProvision(p);
        if (l && *l && (*l)->sourceGuid == guid)
            return std::move(**l);
    }
    return std::nullopt;
}

FfmpegCommand ladderCommand(const Ladder& l, const std::string& sourceUrl,
                            const std::vector<std::string>& outputUrls) {
    const auto n = l.renditions.size();
    if (n == 0 || outputUrls.size() != n)
        return {};
    FfmpegCommandBuilder b;
    std::vector<std::string> a; // what follows the input, up to each output
    const auto scheme = toLower(sourceUrl.substr(0, sourceUrl.find("://")));
    std::vector<std::string> inputOptions;
    if (sourceUrl.find("://") != std::string::npos && (scheme == "rtmp" || scheme == "rtmps"))
        inputOptions = {"-rw_timeout", "5000000"};
    b.input(sourceUrl, inputOptions, protocolWhitelist(sourceUrl));

    // One decode, split once per rendition. setsar=1: the sizes are exact, so pixels stay square
    // even when a rendition's aspect ratio differs a little from the source's (852x480 of 16:9).
    std::string graph = "[0:v]";
    if (n > 1) {
        graph += "split=" + std::to_string(n);
        for (std::size_t k = 1; k <= n; ++k)
            graph += "[s" + std::to_string(k) + "]";
        graph += ";";
    }
    for (std::size_t k = 1; k <= n; ++k) {
        const auto& r = l.renditions[k - 1];
        if (n > 1)
            graph += (k > 1 ? ";[s" : "[s") + std::to_string(k) + "]";
        graph += "scale=" + std::to_string(r.width) + ":" + std::to_string(r.height) +
                 ",setsar=1[v" + std::to_string(k) + "]";
    }
    a.insert(a.end(), {"-filter_complex", graph});

    for (std::size_t k = 1; k <= n; ++k) {
        const auto& r = l.renditions[k - 1];
        const auto key = std::to_string(r.keyFrames);
        a.insert(a.end(), {"-map",
                           "[v" + std::to_string(k) + "]",
                           "-map",
                           "0:a?",
                           "-c:v",
                           "libx264",
                           "-preset",
                           presetFor(r),
                           "-tune",
                           "zerolatency",
                           "-profile:v",
                           r.profile,
                           "-b:v",
                           std::to_string(r.bitRate),
                           "-maxrate",
                           std::to_string(r.maxRate.value_or(r.bitRate)),
                           "-bufsize",
                           std::to_string(2 * r.bitRate),
                           "-g",
                           key,
                           "-keyint_min",
                           key,
                           "-sc_threshold",
                           "0"});
        if (r.qpMin)
            a.insert(a.end(), {"-qmin", std::to_string(*r.qpMin)});
        if (r.qpMax)
            a.insert(a.end(), {"-qmax", std::to_string(*r.qpMax)});
        // Baseline is CAVLC anyway; main and high default to CABAC.
        if (r.entropy == 0 && r.profile != "baseline")
            a.insert(a.end(), {"-coder", "cavlc"});
        a.insert(a.end(), {"-pix_fmt", "yuv420p", "-c:a", "copy", "-f", "flv"});
        b.add(a);
        a.clear();
        b.output(outputUrls[k - 1], protocolWhitelist(outputUrls[k - 1]));
    }
    return b.take();
}

std::vector<std::string> ladderArguments(const Ladder& l, const std::string& sourceUrl,
                                         const std::vector<std::string>& outputUrls) {
    return ladderCommand(l, sourceUrl, outputUrls).logical;
}

} // namespace sy::media
