#include "core/media/ffmpegcommand.h"

#include "core/util/strings.h"

#include <algorithm>
#include <utility>

namespace sy::media {

namespace {

bool isNetwork(const std::string& url) {
    return url.find("://") != std::string::npos;
}

// av_get_token(): inside single quotes everything is literal up to the next quote.
std::string ffQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A document line cannot span lines: values never do (URLs are parsed, tokens are ours), but a
// stray line break must not add a directive.
std::string oneLine(std::string s) {
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return s;
}

// rtmp_open() in ffmpeg 5.1's rtmpproto.c: the path (with its query) after the authority splits
// into the application (one segment, or two when more follow) and the play path; ".mp4"/".f4v"
// get "mp4:" in front and ".flv" is dropped.
std::pair<std::string, std::string> rtmpAppAndPlaypath(const std::string& path) {
    std::string app, fname;
    const std::string next = path.starts_with('/') ? path.substr(1) : path;
    if (path.starts_with("/ondemand/")) {
        app = "ondemand";
        fname = path.substr(10);
    } else if (const auto p = next.find('/'); p == std::string::npos) {
        fname = next;
    } else {
        const auto colon = next.find(':', p + 1);
        const auto second = next.find('/', p + 1);
        if (second == std::string::npos || (colon != std::string::npos && colon < second)) {
            app = next.substr(0, p);
            fname = next.substr(p + 1);
        } else {
            app = next.substr(0, second);
            fname = next.substr(second + 1);
        }
    }
    if (fname.find(':') == std::string::npos &&
        (fname.ends_with(".f4v") || fname.ends_with(".mp4")))
        fname = "mp4:" + fname;
    else if (fname.ends_with(".flv"))
        fname.resize(fname.size() - 4);
    return {app, fname};
}

} // namespace

FfmpegCommandBuilder::FfmpegCommandBuilder() {
    add({"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1",
         "-stats_period", "0.5"});
}

void FfmpegCommandBuilder::add(const std::vector<std::string>& args) {
    c_.argv.insert(c_.argv.end(), args.begin(), args.end());
    c_.logical.insert(c_.logical.end(), args.begin(), args.end());
}

std::string FfmpegCommandBuilder::nextDescriptor() const {
    return std::to_string(3 + c_.documents.size());
}

void FfmpegCommandBuilder::input(const std::string& url, const std::vector<std::string>& options,
                                 const std::string& whitelist) {
    c_.logical.insert(c_.logical.end(), options.begin(), options.end());
    c_.logical.insert(c_.logical.end(), {"-i", url});
    if (!isNetwork(url)) {
        c_.argv.insert(c_.argv.end(), {"-protocol_whitelist", whitelist});
        c_.argv.insert(c_.argv.end(), options.begin(), options.end());
        c_.argv.insert(c_.argv.end(), {"-i", url});
        return;
    }
    // The concat demuxer opens the URL with the document's options, which replace the outer
    // whitelist ("pipe") by the source's own.
    std::string doc = "ffconcat version 1.0\nfile " + ffQuote(oneLine(url)) + "\n";
    for (std::size_t i = 0; i + 1 < options.size(); i += 2) {
        const auto& key = options[i];
        doc += "option " + oneLine(key.substr(key.starts_with('-') ? 1 : 0)) + " " +
               ffQuote(oneLine(options[i + 1])) + "\n";
    }
    doc += "option protocol_whitelist " + ffQuote(whitelist) + "\n";
    c_.argv.insert(c_.argv.end(), {"-protocol_whitelist", "pipe", "-f", "concat", "-safe", "0",
                                   "-i", "pipe:" + nextDescriptor()});
    c_.documents.push_back(std::move(doc));
}

void FfmpegCommandBuilder::output(const std::string& url, const std::string& whitelist) {
    c_.logical.push_back(url);
    if (!isNetwork(url)) {
        c_.argv.push_back(url);
        return;
    }
    const auto schemeEnd = url.find("://");
    const std::string scheme = toLower(url.substr(0, schemeEnd));
    std::string shown = url;
    std::string preset; // ffpreset lines: key=value up to the end of the line
    if (scheme == "rtmp" || scheme == "rtmps") {
        // The application and play path exactly as ffmpeg's rtmp would read them from the URL
        // (rtmpproto.c), given as options instead: the URL keeps the node and the application.
        const auto pathStart = url.find_first_of("/?", schemeEnd + 3);
        const auto authority = url.substr(0, pathStart);
        const auto split = rtmpAppAndPlaypath(
            pathStart == std::string::npos ? std::string() : url.substr(pathStart));
        shown = authority + (split.first.empty() ? "" : "/" + split.first);
        if (!split.first.empty())
            preset += "rtmp_app=" + oneLine(split.first) + "\n";
        if (!split.second.empty())
            preset += "rtmp_playpath=" + oneLine(split.second) + "\n";
    } else if (scheme == "srt") {
        const auto q = url.find('?');
        if (q != std::string::npos) {
            std::string kept;
            const std::string query = url.substr(q + 1);
            for (const auto& param : split(query, '&')) {
                const std::string p(param);
                const auto eq = p.find('=');
                const auto key = p.substr(0, eq);
                if ((key == "passphrase" || key == "streamid") && eq != std::string::npos)
                    preset += key + "=" + oneLine(p.substr(eq + 1)) + "\n";
                else if (!p.empty())
                    kept += (kept.empty() ? "?" : "&") + p;
            }
            shown = url.substr(0, q) + kept;
        }
    }
    c_.argv.insert(c_.argv.end(), {"-protocol_whitelist", whitelist});
    if (!preset.empty()) {
        c_.argv.insert(c_.argv.end(), {"-fpre", "/dev/fd/" + nextDescriptor()});
        c_.documents.push_back(std::move(preset));
    }
    c_.argv.push_back(shown);
}

FfmpegCommand FfmpegCommandBuilder::take() {
    return std::move(c_);
}

std::string rtmpTcUrl(const std::string& url) {
    const auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos)
        return {};
    const auto pathStart = url.find_first_of("/?", schemeEnd + 3);
    auto authority = url.substr(schemeEnd + 3, pathStart - (schemeEnd + 3));
    if (const auto at = authority.rfind('@'); at != std::string::npos)
        authority = authority.substr(at + 1);
    const auto app =
        rtmpAppAndPlaypath(pathStart == std::string::npos ? std::string() : url.substr(pathStart))
            .first;
    return toLower(url.substr(0, schemeEnd)) + "://" + authority + "/" + app;
}

std::string protocolWhitelist(const std::string& url) {
    const auto end = url.find("://");
    if (end == std::string::npos)
        return "file";
    const auto scheme = toLower(url.substr(0, end));
    if (scheme == "rtmp")
        return "rtmp,tcp";
    if (scheme == "rtmps")
        return "rtmps,rtmp,tls,tcp";
    if (scheme == "rtsp")
        return "rtsp,rtp,udp,tcp";
    if (scheme == "rtsps")
        return "rtsp,rtsps,rtp,udp,tcp,tls";
    if (scheme == "http" || scheme == "https")
        return "http,https,tcp,tls,crypto";
    if (scheme == "srt")
        return "srt";
    if (scheme == "udp")
        return "udp";
    return scheme; // nothing but the scheme itself
}

} // namespace sy::media
