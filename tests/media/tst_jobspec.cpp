// What a provision asks the media layer to run (core/media/jobspec.h), as pure functions: every
// restreamer type, social destinations and recordings turned into jobs with their secrets masked;
// every refused source with the JSON path and the cause; the URL policy on literals and on names
// resolved just before a job starts; the ffmpeg command lines; and scrubbing secrets from text.

#include "core/media/jobspec.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <csignal>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using Json = nlohmann::json;
using namespace sy::media;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(std::vector<std::string>)
Q_DECLARE_METATYPE(nlohmann::json)

namespace {

const std::filesystem::path kRoot = "/srv/media";

UrlPolicy defaultPolicy() {
    UrlPolicy p;
    p.fileRoots = {kRoot};
    return p;
}

sy::model::ProvisionRequest provision(const Json& streams) {
    auto parsed =
        sy::model::parseProvisions(Json{{"provisionGuid", "prov1"}, {"streams", streams}});
    if (!parsed)
        qFatal("test provision does not parse: %s", sy::model::describe(parsed.error()).c_str());
    return parsed->front();
}

// One stream with camParams.properties.
Json cam(const Json& props, const std::string& guid = "live/cam") {
    return Json::array({{{"streamGuid", guid}, {"camParams", {{"properties", props}}}}});
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : " ") + s;
    return out;
}

// Every field, so that a failing row shows what differs.
QString describe(const JobSpec& j) {
    std::string s =
        "kind=" + std::string(toString(j.kind)) + "\ntype=" + j.type + "\nstream=" + j.streamGuid +
        "#" + std::to_string(j.streamIndex) + "\nremote=" + j.remote +
        "\nmasked=" + j.remoteMasked + "\noptions=" + join(j.remoteOptions) +
        "\nformat=" + j.remoteFormat + "\nlisten=" + (j.listen ? "1" : "0") +
        " immediate=" + (j.immediate ? "1" : "0") + " persist=" + (j.persist ? "1" : "0") +
        " attempts=" + std::to_string(j.attempts) + " delayS=" + std::to_string(j.delayS) +
        "\ntarget=" + j.target + " prefix=" + j.objectPrefix + "\nsecrets=" + join(j.secrets);
    return QString::fromStdString(s);
}

JobSpec pull(std::string type, std::string remote, std::string masked,
             std::vector<std::string> options) {
    JobSpec j;
    j.kind = JobKind::Pull;
    j.type = std::move(type);
    j.streamGuid = "live/cam";
    j.remote = std::move(remote);
    j.remoteMasked = std::move(masked);
    j.remoteOptions = std::move(options);
    return j;
}

struct GoodRow {
    const char* name;
    Json streams;
    JobSpec expected;
    UrlPolicy policy = defaultPolicy();
};

std::vector<GoodRow> goodRows() {
    std::vector<GoodRow> rows;
    {
        // A pulled rtmp URL's last segment is a stream key too.
        auto j = pull("rtmp", "rtmp://203.0.113.7/live/src", "rtmp://203.0.113.7/live/••••",
                      {"-rw_timeout", "8000000"});
        j.secrets = {"src"};
        rows.push_back(
            {"rtmp", cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://203.0.113.7/live/src"}}), j});
    }
    {
        auto j = pull("rtmp", "rtmps://src.example.com:443/app/srckey7?token=t0ken9",
                      "rtmps://src.example.com:443/app/••••?••••", {"-rw_timeout", "8000000"});
        j.secrets = {"srckey7", "t0ken9"};
        rows.push_back({"rtmps by name, key and token",
                        cam({{"type", "rtmp"},
                             {"rtmpUri", "rtmps://src.example.com:443/app/srckey7?token=t0ken9"}}),
                        j});
    }
    {
        auto j = pull("rtsp", "rtsp://admin:hunter22@192.0.2.10:554/stream1",
                      "rtsp://admin:••••@192.0.2.10:554/stream1",
                      {"-rtsp_transport", "tcp", "-timeout", "8000000"});
        j.secrets = {"hunter22"};
        rows.push_back(
            {"rtsp user:password masked",
             cam({{"type", "rtsp"}, {"rtspUri", "rtsp://admin:hunter22@192.0.2.10:554/stream1"}}),
             j});
    }
    {
        auto j = pull("rtsp", "rtsp://192.0.2.10/s?token=abc", "rtsp://192.0.2.10/s?••••",
                      {"-rtsp_transport", "udp", "-timeout", "8000000"});
        j.secrets = {"abc"};
        j.attempts = 3;
        j.delayS = 2.5;
        j.persist = true;
        j.immediate = false;
        rows.push_back({"rtsp udp, query masked, restart settings",
                        cam({{"type", "RTSP"},
                             {"rtspUri", "rtsp://192.0.2.10/s?token=abc"},
                             {"transport", "udp"},
                             {"attempts", "3"},
                             {"delayS", "2.5"},
                             {"persist", "true"},
                             {"immediate", "false"},
                             {"action", "create"}}),
                        j});
    }
    rows.push_back({"rtsp ipv6 literal",
                    cam({{"type", "rtsp"}, {"rtspUri", "rtsp://[2001:db8::5]:8554/a"}}),
                    pull("rtsp", "rtsp://[2001:db8::5]:8554/a", "rtsp://[2001:db8::5]:8554/a",
                         {"-rtsp_transport", "tcp", "-timeout", "8000000"})});
    rows.push_back(
        {"ipcam",
         cam({{"type", "ipcam"},
              {"host", "192.0.2.20"},
              {"port", "8554"},
              {"remoteContextPath", "live"},
              {"remoteStreamName", "ch1"}}),
         pull("ipcam", "rtsp://192.0.2.20:8554/live/ch1", "rtsp://192.0.2.20:8554/live/ch1",
              {"-rtsp_transport", "tcp", "-timeout", "8000000"})});
    rows.push_back({"ipcam default port",
                    cam({{"type", "ipcam"}, {"host", "192.0.2.20"}, {"remoteStreamName", "ch1"}}),
                    pull("ipcam", "rtsp://192.0.2.20:554/ch1", "rtsp://192.0.2.20:554/ch1",
                         {"-rtsp_transport", "tcp", "-timeout", "8000000"})});
    rows.push_back({"hls",
                    cam({{"type", "hls"}, {"hlsUri", "https://cdn.example.com/live/index.m3u8"}}),
                    pull("hls", "https://cdn.example.com/live/index.m3u8",
                         "https://cdn.example.com/live/index.m3u8",
                         {"-rw_timeout", "8000000", "-max_redirects", "0"})});
    rows.push_back({"file relative under the root",
                    cam({{"type", "file"}, {"files", "clips/a.mp4"}}),
                    pull("file", "/srv/media/clips/a.mp4", "a.mp4", {"-re"})});
    rows.push_back({"file absolute under the root, looped, second of a list",
                    cam({{"type", "file"},
                         {"files", "x.mp4, /srv/media/b.mp4"},
                         {"index", "1"},
                         {"loop", "true"}}),
                    pull("file", "/srv/media/b.mp4", "b.mp4", {"-stream_loop", "-1", "-re"})});
    rows.push_back({"file with .. that stays inside",
                    cam({{"type", "file"}, {"files", "clips/../a.mp4"}}),
                    pull("file", "/srv/media/a.mp4", "a.mp4", {"-re"})});
    {
        auto j = pull("srt",
                      "srt://0.0.0.0:9000?mode=listener&latency=200000&passphrase=0123456789ab&"
                      "streamid=cam1",
                      "srt://0.0.0.0:9000?mode=listener&latency=200000&passphrase=••••&"
                      "streamid=••••",
                      {});
        j.listen = true;
        j.secrets = {"0123456789ab", "cam1"};
        rows.push_back({"srt listener: latency in microseconds, passphrase, streamid",
                        cam({{"type", "srt"},
                             {"port", "9000"},
                             {"latency", "200"},
                             {"passphrase", "0123456789ab"},
                             {"streamid", "cam1"}}),
                        j});
    }
    {
        auto j = pull("srt", "srt://[::]:9001?mode=listener", "srt://[::]:9001?mode=listener", {});
        j.listen = true;
        rows.push_back(
            {"srt listener on ipv6", cam({{"type", "srt"}, {"ip", "::"}, {"port", 9001}}), j});
    }
    {
        auto j = pull("mpegts", "udp://127.0.0.1:5000?overrun_nonfatal=1",
                      "udp://127.0.0.1:5000?overrun_nonfatal=1", {});
        j.listen = true;
        rows.push_back({"mpegts unicast",
                        cam({{"type", "mpegts"}, {"ip", "127.0.0.1"}, {"port", "5000"}}), j});
    }
    {
        auto j = pull("mpegts", "udp://239.1.1.1:5000?reuse=1&overrun_nonfatal=1",
                      "udp://239.1.1.1:5000?reuse=1&overrun_nonfatal=1", {});
        j.listen = true;
        rows.push_back({"mpegts multicast",
                        cam({{"type", "mpegts"},
                             {"ip", "239.1.1.1"},
                             {"port", "5000"},
                             {"cast", "multicast"}}),
                        j});
    }
    {
        auto j = pull("srt-caller", "srt://203.0.113.5:9000?mode=caller&passphrase=abcdefghijkl",
                      "srt://203.0.113.5:9000?mode=caller&passphrase=••••", {});
        j.kind = JobKind::Push;
        j.remoteFormat = "mpegts";
        j.secrets = {"abcdefghijkl"};
        rows.push_back({"srt-caller sender: push as mpegts",
                        cam({{"type", "srt-caller"},
                             {"ip", "203.0.113.5"},
                             {"port", "9000"},
                             {"passphrase", "abcdefghijkl"}}),
                        j});
    }
    {
        auto j =
            pull("srt-caller", "srt://203.0.113.5:9000?mode=caller&latency=120000",
                 "srt://203.0.113.5:9000?mode=caller&latency=120000", {"-rw_timeout", "8000000"});
        rows.push_back({"srt-caller receiver: pull",
                        cam({{"type", "srt-caller"},
                             {"ip", "203.0.113.5"},
                             {"port", "9000"},
                             {"role", "receiver"},
                             {"latency", "120"}}),
                        j});
    }
    {
        auto j = pull("rtmp-push", "rtmp://live.example.com/app/streamkey123",
                      "rtmp://live.example.com/app/••••", {});
        j.kind = JobKind::Push;
        j.remoteFormat = "flv";
        j.secrets = {"streamkey123"};
        rows.push_back(
            {"rtmp-push: key masked",
             cam({{"type", "rtmp-push"}, {"rtmpUri", "rtmp://live.example.com/app/streamkey123"}}),
             j});
    }
    {
        JobSpec j;
        j.kind = JobKind::Social;
        j.type = "social";
        j.streamGuid = "live/cam";
        j.remote = "rtmp://a.rtmp.youtube.com/live2/sk-abcd-1234";
        j.remoteMasked = "rtmp://a.rtmp.youtube.com/live2/••••";
        j.remoteFormat = "flv";
        j.persist = true;
        j.attempts = 0;
        j.secrets = {"sk-abcd-1234"};
        rows.push_back(
            {"destUri: social pusher, key masked",
             Json::array({{{"streamGuid", "live/cam"},
                           {"destUri", "rtmp://a.rtmp.youtube.com/live2/sk-abcd-1234"}}}),
             j});
    }
    {
        JobSpec j;
        j.kind = JobKind::Record;
        j.type = "record";
        j.streamGuid = "live/cam";
        j.persist = true;
        j.target = "archive";
        j.objectPrefix = "cams/front";
        rows.push_back(
            {"cloudParams: recording",
             Json::array({{{"streamGuid", "live/cam"},
                           {"cloudParams",
                            {{"bucketName", "archive"}, {"fileStorageName", "cams/front"}}}}}),
             j});
    }
    {
        UrlPolicy strict = defaultPolicy();
        strict.allowLoopback = false;
        strict.allowPrivate = false;
        auto j = pull("rtmp", "rtmp://8.8.8.8/live/x", "rtmp://8.8.8.8/live/••••",
                      {"-rw_timeout", "8000000"});
        j.secrets = {"x"};
        rows.push_back({"public source under the strictest policy",
                        cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://8.8.8.8/live/x"}}), j, strict});
    }
    {
        UrlPolicy linkLocal = defaultPolicy();
        linkLocal.allowLinkLocal = true;
        rows.push_back({"link-local ipv6 when the policy allows it",
                        cam({{"type", "rtsp"}, {"rtspUri", "rtsp://[fe80::1]/x"}}),
                        pull("rtsp", "rtsp://[fe80::1]/x", "rtsp://[fe80::1]/x",
                             {"-rtsp_transport", "tcp", "-timeout", "8000000"}),
                        linkLocal});
    }
    return rows;
}

struct BadRow {
    const char* name;
    Json streams;
    std::string path;    // exact problem path
    std::string message; // part of its message
    UrlPolicy policy = defaultPolicy();
};

UrlPolicy noLoopback() {
    auto p = defaultPolicy();
    p.allowLoopback = false;
    return p;
}
UrlPolicy noPrivate() {
    auto p = defaultPolicy();
    p.allowPrivate = false;
    return p;
}
UrlPolicy linkLocalAllowed() {
    auto p = defaultPolicy();
    p.allowLinkLocal = true;
    return p;
}

std::vector<BadRow> badRows() {
    const std::string props = "streams[0].camParams.properties.";
    auto rtsp = [](const std::string& uri) {
        return cam({{"type", "rtsp"}, {"rtspUri", uri}});
    };
    auto rtmp = [](const std::string& uri) {
        return cam({{"type", "rtmp"}, {"rtmpUri", uri}});
    };
    auto srt = [](Json extra) {
        Json p = {{"type", "srt"}, {"port", "9000"}};
        p.update(extra);
        return cam(p);
    };
    auto dest = [](const std::string& uri) {
        return Json::array({{{"streamGuid", "live/cam"}, {"destUri", uri}}});
    };
    UrlPolicy noFiles = defaultPolicy();
    noFiles.fileRoots.clear();
    return {
        // Not URLs.
        {"malformed: no host", rtsp("rtsp:///x"), props + "rtspUri", "is not a valid URL"},
        {"malformed: no scheme", rtsp("192.0.2.1/x"), props + "rtspUri", "is not a valid URL"},
        {"malformed: port out of range", rtsp("rtsp://cam:70000/x"), props + "rtspUri",
         "is not a valid URL"},
        {"malformed: port a word", rtsp("rtsp://cam:abc/x"), props + "rtspUri",
         "is not a valid URL"},
        {"malformed: space", rtsp("rtsp://cam/a b"), props + "rtspUri", "is not a valid URL"},
        {"malformed: newline", rtsp("rtsp://cam/a\nb"), props + "rtspUri", "is not a valid URL"},
        {"malformed: unclosed ipv6", rtsp("rtsp://[::1/x"), props + "rtspUri",
         "is not a valid URL"},
        // Wrong schemes.
        {"file:/// for rtsp (no host)", rtsp("file:///etc/passwd"), props + "rtspUri",
         "is not a valid URL"},
        {"file:// for rtsp", rtsp("file://localhost/etc/passwd"), props + "rtspUri",
         "scheme 'file' is not allowed here"},
        {"http for rtsp", rtsp("http://192.0.2.1/x"), props + "rtspUri",
         "scheme 'http' is not allowed here (rtsp, rtsps)"},
        {"rtsp for hls", cam({{"type", "hls"}, {"hlsUri", "rtsp://192.0.2.1/x"}}), props + "hlsUri",
         "scheme 'rtsp' is not allowed here (http, https)"},
        {"concat: as rtmp", rtmp("concat:/etc/passwd|/etc/shadow"), props + "rtmpUri",
         "is not a valid URL"},
        {"concat: as a file", cam({{"type", "file"}, {"files", "concat:a.mp4|b.mp4"}}),
         props + "files", "must be a file path"},
        {"url as a file", cam({{"type", "file"}, {"files", "http://192.0.2.1/a.mp4"}}),
         props + "files", "must be a file path"},
        {"subfile:// for rtmp-push",
         cam({{"type", "rtmp-push"}, {"rtmpUri", "subfile://x/etc/passwd"}}), props + "rtmpUri",
         "scheme 'subfile' is not allowed"},
        // Files.
        {"file outside the root", cam({{"type", "file"}, {"files", "/etc/passwd"}}),
         props + "files", "'/etc/passwd' is outside the media folders"},
        {"file with .. out of the root", cam({{"type", "file"}, {"files", "../secret.mp4"}}),
         props + "files", "is outside the media folders"},
        {"file with .. deeper", cam({{"type", "file"}, {"files", "clips/../../x.mp4"}}),
         props + "files", "is outside the media folders"},
        {"file in a sibling folder", cam({{"type", "file"}, {"files", "/srv/media-other/x.mp4"}}),
         props + "files", "is outside the media folders"},
        {"file index past the list", cam({{"type", "file"}, {"files", "a.mp4"}, {"index", "3"}}),
         props + "files", "names no file at index 3"},
        {"file without roots", cam({{"type", "file"}, {"files", "a.mp4"}}), props + "files",
         "file sources are not allowed by the URL policy", noFiles},
        // Address classes.
        {"link-local metadata", rtsp("rtsp://169.254.169.254/latest/meta-data"), props + "rtspUri",
         "link-local address '169.254.169.254'"},
        {"link-local hls", cam({{"type", "hls"}, {"uri", "http://169.254.169.254/x.m3u8"}}),
         props + "uri", "link-local address"},
        {"link-local ipv6", rtsp("rtsp://[fe80::1]/x"), props + "rtspUri",
         "link-local address 'fe80::1'"},
        {"link-local v4-mapped", rtsp("rtsp://[::ffff:169.254.169.254]/x"), props + "rtspUri",
         "cloud instance metadata address '::ffff:169.254.169.254'"},
        {"link-local ipcam",
         cam({{"type", "ipcam"}, {"host", "169.254.169.254"}, {"remoteStreamName", "x"}}),
         props + "host", "link-local address"},
        {"link-local srt-caller",
         cam({{"type", "srt-caller"}, {"ip", "169.254.1.1"}, {"port", "9000"}}), props + "ip",
         "link-local address"},
        {"link-local destUri", dest("rtmp://169.254.169.254/app/key"), "streams[0].destUri",
         "link-local address"},
        {"unspecified source", rtsp("rtsp://0.0.0.0/x"), props + "rtspUri",
         "unspecified address '0.0.0.0' cannot be a source"},
        {"unspecified ipv6 source", rtmp("rtmp://[::]/live/x"), props + "rtmpUri",
         "unspecified address"},
        {"unspecified destination", dest("rtmp://0.0.0.0/app/key"), "streams[0].destUri",
         "unspecified address"},
        {"loopback refused", rtmp("rtmp://127.0.0.1/live/x"), props + "rtmpUri",
         "loopback address '127.0.0.1' is not allowed by the URL policy", noLoopback()},
        {"localhost refused", rtsp("rtsp://localhost:8554/x"), props + "rtspUri",
         "loopback address 'localhost'", noLoopback()},
        {"LOCALHOST refused", rtsp("rtsp://LocalHost/x"), props + "rtspUri", "loopback address",
         noLoopback()},
        {"sub.localhost refused", rtsp("rtsp://cam.localhost/x"), props + "rtspUri",
         "loopback address", noLoopback()},
        {"ipv6 loopback refused", rtsp("rtsp://[::1]/x"), props + "rtspUri", "loopback address",
         noLoopback()},
        {"v4-mapped loopback refused", rtsp("rtsp://[::ffff:127.0.0.1]/x"), props + "rtspUri",
         "loopback address", noLoopback()},
        {"loopback destUri refused", dest("rtmp://127.0.0.1/app/key"), "streams[0].destUri",
         "loopback address", noLoopback()},
        {"private 10/8 refused", rtsp("rtsp://10.0.0.5/x"), props + "rtspUri",
         "private address '10.0.0.5' is not allowed by the URL policy", noPrivate()},
        {"private 192.168/16 refused", rtsp("rtsp://192.168.1.2/x"), props + "rtspUri",
         "private address", noPrivate()},
        {"private 172.16/12 refused", rtsp("rtsp://172.31.0.1/x"), props + "rtspUri",
         "private address", noPrivate()},
        {"CGNAT refused", rtsp("rtsp://100.64.0.1/x"), props + "rtspUri", "private address",
         noPrivate()},
        {"ipv6 ULA refused", rtsp("rtsp://[fd00::1]/x"), props + "rtspUri", "private address",
         noPrivate()},
        {"private ipcam refused",
         cam({{"type", "ipcam"}, {"host", "192.168.0.9"}, {"remoteStreamName", "x"}}),
         props + "host", "private address", noPrivate()},
        // Types and fields.
        {"unknown type", cam({{"type", "webrtc"}, {"uri", "rtsp://192.0.2.1/x"}}), props + "type",
         "unknown restreamer type 'webrtc'"},
        {"type missing", cam({{"rtspUri", "rtsp://192.0.2.1/x"}}), props + "type",
         "required for this type"},
        {"rtspUri missing", cam({{"type", "rtsp"}}), props + "rtspUri", "required for this type"},
        {"rtmpUri empty", cam({{"type", "rtmp"}, {"rtmpUri", ""}}), props + "rtmpUri",
         "required for this type"},
        {"ipcam host missing", cam({{"type", "ipcam"}, {"remoteStreamName", "x"}}), props + "host",
         "required for this type"},
        {"ipcam stream name missing", cam({{"type", "ipcam"}, {"host", "192.0.2.1"}}),
         props + "remoteStreamName", "required for this type"},
        {"file list missing", cam({{"type", "file"}}), props + "files", "required for this type"},
        {"srt without port", cam({{"type", "srt"}}), props + "port", "required for this type"},
        {"srt port privileged", srt({{"port", "80"}}), props + "port",
         "must be an integer between 1024 and 65535, got '80'"},
        {"srt ip a name", srt({{"ip", "example.com"}}), props + "ip",
         "must be an IP address to listen on"},
        {"srt-caller without ip", cam({{"type", "srt-caller"}, {"port", "9000"}}), props + "ip",
         "required for this type"},
        {"srt-caller role",
         cam({{"type", "srt-caller"}, {"ip", "203.0.113.5"}, {"port", "9000"}, {"role", "both"}}),
         props + "role", "must be sender or receiver"},
        {"mpegts cast", cam({{"type", "mpegts"}, {"port", "5000"}, {"cast", "broadcast"}}),
         props + "cast", "must be unicast or multicast"},
        {"rtsp transport",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"transport", "http"}}),
         props + "transport", "must be tcp or udp"},
        {"attempts not an integer",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"attempts", "many"}}),
         props + "attempts", "must be an integer between 0 and 1000, got 'many'"},
        {"attempts fractional",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"attempts", "2.5"}}),
         props + "attempts", "must be an integer"},
        {"delayS negative",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"delayS", "-1"}}),
         props + "delayS", "must be a number of seconds between 0 and 3600, got '-1'"},
        {"delayS a word",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"delayS", "soon"}}),
         props + "delayS", "must be a number of seconds"},
        {"immediate not a flag",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"immediate", "maybe"}}),
         props + "immediate", "must be true or false, got 'maybe'"},
        {"passphrase too short", srt({{"passphrase", "short"}}), props + "passphrase",
         "must be 10..79 characters"},
        {"passphrase too long", srt({{"passphrase", std::string(80, 'a')}}), props + "passphrase",
         "must be 10..79 characters"},
        {"passphrase with &", srt({{"passphrase", "0123456789&mode=x"}}), props + "passphrase",
         "must be 10..79 characters"},
        {"streamid with a space", srt({{"streamid", "a b"}}), props + "streamid",
         "has characters not allowed"},
        {"streamid with &", srt({{"streamid", "a&passphrase=x"}}), props + "streamid",
         "has characters not allowed"},
        {"latency too low", srt({{"latency", "5"}}), props + "latency",
         "must be an integer between 20 and 8000"},
        {"action kill",
         cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"action", "kill"}}),
         props + "action", "only \"create\" can be stored in a provision, got 'kill'"},
        {"destUri http", dest("http://192.0.2.1/app/key"), "streams[0].destUri",
         "scheme 'http' is not allowed here (rtmp, rtmps)"},
        {"destUri malformed", dest("rtmp:/nohost"), "streams[0].destUri", "is not a valid URL"},
        {"second stream",
         Json::array({{{"streamGuid", "live/a"}, {"destUri", "rtmp://192.0.2.1/a/k"}},
                      {{"streamGuid", "live/b"}, {"destUri", "file://h/etc/passwd"}}}),
         "streams[1].destUri", "scheme 'file'"},
        // What ffmpeg would read differently from the check (issue 14): refused, not guessed.
        {"fragment hides the metadata address", rtsp("rtsp://169.254.169.254:554#@example.com/x"),
         props + "rtspUri", "has a fragment"},
        {"fragment after a public host", rtsp("rtsp://192.0.2.1/x#@169.254.169.254/y"),
         props + "rtspUri", "has a fragment"},
        {"two @ in the authority", rtsp("rtsp://u@169.254.169.254@192.0.2.1/x"), props + "rtspUri",
         "has more than one '@'"},
        {"two @, the metadata address last", rtsp("rtsp://u@192.0.2.1@169.254.169.254/x"),
         props + "rtspUri", "has more than one '@'"},
        {"@ in the password", rtsp("rtsp://u:p@ss@192.0.2.1/x"), props + "rtspUri",
         "has more than one '@'"},
        {"backslash before @", rtsp("rtsp://192.0.2.1\\@169.254.169.254/x"), props + "rtspUri",
         "has a backslash"},
        {"backslash as a path separator", rtsp("rtsp://192.0.2.1\\x"), props + "rtspUri",
         "has a backslash"},
        {"percent-encoded host", rtsp("rtsp://%31%36%39.254.169.254/x"), props + "rtspUri",
         "percent-encoded host"},
        {"decimal IPv4", rtsp("rtsp://2852039166/x"), props + "rtspUri", "non-canonical form"},
        {"octal IPv4", rtsp("rtsp://0251.0376.0251.0376/x"), props + "rtspUri",
         "non-canonical form"},
        {"hex IPv4", rtmp("rtmp://0xa9.0xfe.0xa9.0xfe/live/x"), props + "rtmpUri",
         "non-canonical form"},
        {"short IPv4", rtsp("rtsp://127.1/x"), props + "rtspUri", "non-canonical form"},
        {"IPvFuture", rtsp("rtsp://[v1.x]/x"), props + "rtspUri", "neither a name nor an IP"},
        {"IPv6 zone", rtsp("rtsp://[fe80::1%25eth0]/x"), props + "rtspUri", ""},
        {"port out of range", rtsp("rtsp://192.0.2.1:0/x"), props + "rtspUri",
         "is not a valid URL"},
        {"rtmp with a password", rtmp("rtmp://u:pw@192.0.2.1/live/x"), props + "rtmpUri",
         "cannot carry a password"},
        {"destUri with a password", dest("rtmps://u:pw@192.0.2.1/app/key"), "streams[0].destUri",
         "cannot carry a password"},
        // Metadata addresses: never, whatever the policy allows.
        {"AWS IPv6 metadata", rtsp("rtsp://[fd00:ec2::254]/x"), props + "rtspUri",
         "cloud instance metadata address 'fd00:ec2::254'"},
        {"Alibaba metadata", rtsp("rtsp://100.100.100.200/x"), props + "rtspUri",
         "cloud instance metadata address '100.100.100.200'"},
        {"Oracle metadata", rtsp("rtsp://192.0.0.192/x"), props + "rtspUri",
         "cloud instance metadata address"},
        {"metadata with link-local allowed", rtsp("rtsp://169.254.169.254/x"), props + "rtspUri",
         "is never allowed", linkLocalAllowed()},
        {"ECS task metadata", rtsp("rtsp://169.254.170.2/v2/credentials"), props + "rtspUri",
         "is never allowed", linkLocalAllowed()},
        {"v4-compatible metadata", rtsp("rtsp://[::169.254.169.254]/x"), props + "rtspUri",
         "metadata"},
        {"NAT64 metadata", rtsp("rtsp://[64:ff9b::a9fe:a9fe]/x"), props + "rtspUri", "metadata"},
        {"6to4 metadata", rtsp("rtsp://[2002:a9fe:a9fe::1]/x"), props + "rtspUri", "metadata"},
        {"GCP metadata name",
         cam({{"type", "hls"}, {"hlsUri", "http://metadata.google.internal/x"}}), props + "hlsUri",
         "is a cloud instance metadata service"},
        {"GCP metadata name, upper case and dot", dest("rtmp://METADATA.GOOGLE.INTERNAL./app/key"),
         "streams[0].destUri", "is a cloud instance metadata service"},
        {"metadata ipcam host",
         cam({{"type", "ipcam"}, {"host", "fd00:ec2::254"}, {"remoteStreamName", "x"}}),
         props + "host", "metadata"},
    };
}

} // namespace

class TestJobSpec : public QObject {
    Q_OBJECT
private slots:
    void jobs_data();
    void jobs();
    void refused_data();
    void refused();
    void everyProblemAtOnce();
    void noMediaFieldsNoJob();
    void sealedValuesAreOpened();
    void classify_data();
    void classify();
    void resolved_data();
    void resolved();
    void ffmpeg_data();
    void ffmpeg();
    void scrub_data();
    void scrub();
    void scrubTerminatesWhenASecretLooksLikeTheMask();
    void credentialsGoToPullJobsOnly();
    void pinnedUrlCarriesTheCheckedAddress();
    void ffmpegCommandCarriesNoSecret_data();
    void ffmpegCommandCarriesNoSecret();
    void outputsSplitAsFfmpegReadsThem_data();
    void outputsSplitAsFfmpegReadsThem();
};

void TestJobSpec::jobs_data() {
    QTest::addColumn<int>("index");
    const auto rows = goodRows();
    for (std::size_t i = 0; i < rows.size(); ++i)
        QTest::addRow("%s", rows[i].name) << int(i);
}

void TestJobSpec::jobs() {
    QFETCH(int, index);
    const auto row = goodRows()[static_cast<std::size_t>(index)];
    auto jobs = jobsForProvision(provision(row.streams), row.policy);
    QVERIFY2(bool(jobs), jobs ? "" : sy::model::describe(jobs.error()).c_str());
    QCOMPARE(jobs->size(), std::size_t{1});
    QCOMPARE(describe(jobs->front()), describe(row.expected));
    QVERIFY(jobs->front() == row.expected);
    // Whatever is shown never carries a secret.
    for (const auto& s : jobs->front().secrets)
        QVERIFY2(jobs->front().remoteMasked.find(s) == std::string::npos, s.c_str());
}

void TestJobSpec::refused_data() {
    QTest::addColumn<int>("index");
    const auto rows = badRows();
    for (std::size_t i = 0; i < rows.size(); ++i)
        QTest::addRow("%s", rows[i].name) << int(i);
}

void TestJobSpec::refused() {
    QFETCH(int, index);
    const auto row = badRows()[static_cast<std::size_t>(index)];
    auto jobs = jobsForProvision(provision(row.streams), row.policy);
    QVERIFY2(!bool(jobs), "accepted");
    const auto all = sy::model::describe(jobs.error());
    // The cause first, then where: a row that fails on the path alone says so.
    const sy::model::Problem* match = nullptr;
    for (const auto& p : jobs.error())
        if (!match && p.message.find(row.message) != std::string::npos)
            match = &p;
    QVERIFY2(match, ("no problem says …" + row.message + "…; got:\n" + all).c_str());
    QCOMPARE(QString::fromStdString(match->path), QString::fromStdString(row.path));
}

void TestJobSpec::everyProblemAtOnce() {
    auto jobs = jobsForProvision(
        provision(Json::array(
            {{{"streamGuid", "live/a"},
              {"camParams",
               {{"properties",
                 {{"type", "srt"}, {"port", "9000"}, {"passphrase", "short"}, {"attempts", "x"}}}}},
              {"destUri", "rtmp://169.254.169.254/a/k"}},
             {{"streamGuid", "live/b"},
              {"camParams", {{"properties", {{"type", "rtsp"}, {"rtspUri", "file:///x"}}}}}}})),
        defaultPolicy());
    QVERIFY(!jobs);
    // Where each is: the stream and the field (the exact path form is checked by refused()).
    const std::vector<std::pair<std::string, std::string>> expected = {{"streams[0]", "attempts"},
                                                                       {"streams[0]", "passphrase"},
                                                                       {"streams[0]", "destUri"},
                                                                       {"streams[1]", "rtspUri"}};
    QCOMPARE(jobs.error().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& path = jobs.error()[i].path;
        QVERIFY2(path.starts_with(expected[i].first) && path.ends_with(expected[i].second),
                 path.c_str());
    }
}

void TestJobSpec::noMediaFieldsNoJob() {
    auto jobs =
        jobsForProvision(provision(Json::array({{{"streamGuid", "live/a"}}})), defaultPolicy());
    QVERIFY(jobs && jobs->empty());
    // Three media fields on one stream: three jobs, in the order pull, social, record.
    jobs = jobsForProvision(
        provision(Json::array(
            {{{"streamGuid", "live/a"},
              {"camParams",
               {{"properties", {{"type", "rtmp"}, {"rtmpUri", "rtmp://192.0.2.1/l/s"}}}}},
              {"destUri", "rtmp://192.0.2.2/app/key1"},
              {"cloudParams", {{"bucketName", "archive"}}}}})),
        defaultPolicy());
    QVERIFY(jobs);
    QCOMPARE(jobs->size(), std::size_t{3});
    QCOMPARE(toString((*jobs)[0].kind), toString(JobKind::Pull));
    QCOMPARE(toString((*jobs)[1].kind), toString(JobKind::Social));
    QCOMPARE(toString((*jobs)[2].kind), toString(JobKind::Record));
    for (const auto& j : *jobs)
        QCOMPARE(j.streamGuid, std::string("live/a"));
}

void TestJobSpec::sealedValuesAreOpened() {
    // `open` turns sealed values back into plain text; one that cannot be opened is a problem
    // that names the field, not the value.
    auto open = [](const std::string& v) -> sy::Result<std::string> {
        if (v == "SEALED:key")
            return std::string("rtmp://192.0.2.2/app/realkey99");
        if (v.starts_with("SEALED:"))
            return sy::fail("corrupt", "the secret key does not open this value");
        return v;
    };
    auto jobs = jobsForProvision(
        provision(Json::array({{{"streamGuid", "live/a"}, {"destUri", "SEALED:key"}}})),
        defaultPolicy(), open);
    QVERIFY(jobs);
    QCOMPARE(jobs->front().remote, std::string("rtmp://192.0.2.2/app/realkey99"));
    QCOMPARE(jobs->front().secrets, std::vector<std::string>{"realkey99"});
    auto bad = jobsForProvision(
        provision(Json::array({{{"streamGuid", "live/a"}, {"destUri", "SEALED:other"}}})),
        defaultPolicy(), open);
    QVERIFY(!bad);
    QCOMPARE(bad.error().front().path, std::string("streams[0].destUri"));
    QVERIFY(bad.error().front().message.find("cannot be read back") != std::string::npos);
}

void TestJobSpec::classify_data() {
    QTest::addColumn<std::string>("host");
    QTest::addColumn<int>("cls"); // -1: not a literal
    auto row = [](const char* h, int c) {
        QTest::addRow("%s", *h ? h : "(empty)") << std::string(h) << c;
    };
    const int pub = int(HostClass::Public), loop = int(HostClass::Loopback),
              priv = int(HostClass::Private), ll = int(HostClass::LinkLocal),
              any = int(HostClass::Unspecified), meta = int(HostClass::Metadata);
    row("1.2.3.4", pub);
    row("8.8.8.8", pub);
    row("127.0.0.1", loop);
    row("127.255.255.254", loop);
    row("0.0.0.0", any);
    row("10.1.2.3", priv);
    row("172.16.0.1", priv);
    row("172.31.255.255", priv);
    row("172.32.0.1", pub);
    row("172.15.255.255", pub);
    row("192.168.0.1", priv);
    row("192.169.0.1", pub);
    row("100.64.0.1", priv);
    row("100.127.255.255", priv);
    row("100.63.255.255", pub);
    row("100.128.0.1", pub);
    row("169.254.169.254", meta);
    row("169.254.0.1", meta);
    row("169.254.170.2", meta);
    row("100.100.100.200", meta);
    row("100.100.100.201", priv);
    row("192.0.0.192", meta);
    row("fd00:ec2::254", meta);
    row("fd00:ec2::253", priv);
    row("::ffff:a9fe:a9fe", meta);
    row("64:ff9b::a9fe:a9fe", meta);
    row("64:ff9b::808:808", pub);
    row("2002:a9fe:a9fe::1", meta);
    row("169.255.0.1", pub);
    row("::1", loop);
    row("::", any);
    row("fe80::1", ll);
    row("febf::1", ll);
    row("fc00::1", priv);
    row("fd12:3456::1", priv);
    row("2001:db8::1", pub);
    row("::ffff:127.0.0.1", loop);
    row("::ffff:169.254.169.254", meta);
    row("::ffff:10.0.0.1", priv);
    row("::ffff:100.64.1.1", priv);
    row("::ffff:0.0.0.0", any);
    row("::ffff:8.8.8.8", pub);
    row("example.com", -1);
    row("localhost", -1);
    row("[::1]", -1);
    row("1.2.3", -1);
    row("", -1);
}

void TestJobSpec::classify() {
    QFETCH(std::string, host);
    QFETCH(int, cls);
    const auto c = classifyLiteral(host);
    QCOMPARE(c ? int(*c) : -1, cls);
}

void TestJobSpec::resolved_data() {
    QTest::addColumn<std::string>("url");
    QTest::addColumn<bool>("allowLoopback");
    QTest::addColumn<std::string>("expected"); // parts of the reason, '|'-separated; "" allowed
    QTest::addRow("localhost refused") << std::string("rtsp://localhost/x") << false
                                       << std::string("loopback address|'localhost'");
    QTest::addRow("localhost. refused")
        << std::string("rtsp://LOCALHOST./x") << false << std::string("loopback address");
    QTest::addRow("metadata name, never looked up")
        << std::string("http://metadata.google.internal/x") << true
        << std::string("cloud instance metadata service");
    QTest::addRow("a fragment") << std::string("rtsp://8.8.8.8#@127.0.0.1/x") << true
                                << std::string("has a fragment");
    QTest::addRow("localhost allowed")
        << std::string("rtsp://localhost/x") << true << std::string();
    QTest::addRow("short form 127.1")
        << std::string("rtmp://127.1/live/x") << true << std::string("'127.1'|non-canonical form");
    QTest::addRow("decimal 2130706433")
        << std::string("rtmp://2130706433/live/x") << true << std::string("non-canonical form");
    QTest::addRow("decimal metadata address") << std::string("http://2852039166/latest/meta-data")
                                              << true << std::string("non-canonical form");
    QTest::addRow("literal link-local")
        << std::string("rtsp://169.254.169.254/x") << true << std::string("link-local address");
    QTest::addRow("literal public") << std::string("rtsp://8.8.8.8/x") << false << std::string();
    QTest::addRow("unresolvable") << std::string("rtsp://no-such-host.invalid/x") << true
                                  << std::string("cannot resolve|'no-such-host.invalid'");
    QTest::addRow("a file path") << std::string("/srv/media/a.mp4") << false << std::string();
}

void TestJobSpec::resolved() {
    QFETCH(std::string, url);
    QFETCH(bool, allowLoopback);
    QFETCH(std::string, expected);
    UrlPolicy policy = defaultPolicy();
    policy.allowLoopback = allowLoopback;
    const auto why = checkResolved(url, policy);
    if (expected.empty()) {
        QVERIFY2(!why, why ? why->c_str() : "");
        return;
    }
    QVERIFY2(why.has_value(), "allowed");
    std::size_t start = 0;
    while (start <= expected.size()) {
        const auto bar = expected.find('|', start);
        const auto part = expected.substr(start, bar == std::string::npos ? bar : bar - start);
        QVERIFY2(why->find(part) != std::string::npos, (part + " not in: " + *why).c_str());
        if (bar == std::string::npos)
            break;
        start = bar + 1;
    }
}

void TestJobSpec::ffmpeg_data() {
    QTest::addColumn<Json>("streams");
    QTest::addColumn<std::string>("output");
    QTest::addColumn<std::string>("golden");
    const std::string head =
        "ffmpeg -hide_banner -nostdin -loglevel error -progress pipe:1 -stats_period 0.5 ";
    const std::string cluster = "rtmp://127.0.0.1:24001/live/cam";
    const std::string pullTail = " -map 0:v:0? -map 0:a:0? -c:v copy -c:a aac -b:a 128k -ar "
                                 "44100 -f flv " +
                                 cluster;
    QTest::addRow("pull rtsp")
        << cam({{"type", "rtsp"}, {"rtspUri", "rtsp://u:pw123@192.0.2.10/s"}}) << std::string()
        << head + "-rtsp_transport tcp -timeout 8000000 -i rtsp://u:pw123@192.0.2.10/s" + pullTail;
    QTest::addRow("pull rtmp") << cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://192.0.2.1/live/s"}})
                               << std::string()
                               << head + "-rw_timeout 8000000 -i rtmp://192.0.2.1/live/s" +
                                      pullTail;
    QTest::addRow("pull file looped")
        << cam({{"type", "file"}, {"files", "a.mp4"}, {"loop", "true"}}) << std::string()
        << head + "-stream_loop -1 -re -i /srv/media/a.mp4" + pullTail;
    QTest::addRow("pull srt listener") << cam({{"type", "srt"}, {"port", "9000"}}) << std::string()
                                       << head + "-i srt://0.0.0.0:9000?mode=listener" + pullTail;
    QTest::addRow("push rtmp") << cam({{"type", "rtmp-push"},
                                       {"rtmpUri", "rtmp://192.0.2.1/app/key1"}})
                               << std::string()
                               << head + "-rw_timeout 8000000 -i " + cluster +
                                      " -map 0 -c copy -f flv rtmp://192.0.2.1/app/key1";
    QTest::addRow("push srt caller")
        << cam({{"type", "srt-caller"}, {"ip", "192.0.2.1"}, {"port", "9000"}}) << std::string()
        << head + "-rw_timeout 8000000 -i " + cluster +
               " -map 0 -c copy -f mpegts srt://192.0.2.1:9000?mode=caller";
    QTest::addRow("social") << Json::array({{{"streamGuid", "live/cam"},
                                             {"destUri", "rtmps://192.0.2.9/app/sk-1"}}})
                            << std::string()
                            << head + "-rw_timeout 8000000 -i " + cluster +
                                   " -map 0 -c copy -f flv rtmps://192.0.2.9/app/sk-1";
    QTest::addRow("record")
        << Json::array({{{"streamGuid", "live/cam"}, {"cloudParams", {{"bucketName", "archive"}}}}})
        << std::string("/data/recordings/7.mkv")
        << head + "-rw_timeout 2000000 -i " + cluster +
               " -map 0 -c copy -cluster_time_limit 2000 -flush_packets 1 -f matroska -y "
               "/data/recordings/7.mkv";
}

void TestJobSpec::ffmpeg() {
    QFETCH(Json, streams);
    QFETCH(std::string, output);
    QFETCH(std::string, golden);
    auto jobs = jobsForProvision(provision(streams), defaultPolicy());
    QVERIFY(jobs && jobs->size() == 1);
    const auto& spec = jobs->front();
    const std::string cluster = "rtmp://127.0.0.1:24001/live/cam";
    const auto args = ffmpegArguments(spec, cluster, output);
    QCOMPARE(QString::fromStdString(join(args)), QString::fromStdString(golden));
    // What matters, whatever the golden line: one input, the format, and the output URL last.
    const auto at = [&](const std::string& a) {
        return std::find(args.begin(), args.end(), a) - args.begin();
    };
    const auto input = at("-i");
    QVERIFY(input < std::ptrdiff_t(args.size()) - 1);
    QCOMPARE(std::count(args.begin(), args.end(), std::string("-i")), std::ptrdiff_t{1});
    QCOMPARE(args[0], std::string("ffmpeg"));
    QVERIFY(at("-nostdin") < input);
    const auto format = at("-f");
    // "-f <format> <output>", or "-f matroska -y <file>" for a recording.
    QVERIFY(format > input);
    QCOMPARE(format, std::ptrdiff_t(args.size()) - (output.empty() ? 3 : 4));
    switch (spec.kind) {
    case JobKind::Pull:
        QCOMPARE(args[std::size_t(input) + 1], spec.remote);
        QCOMPARE(args.back(), cluster);
        QCOMPARE(args[std::size_t(format) + 1], std::string("flv"));
        if (spec.type == "rtsp") {
            QVERIFY(at("-rtsp_transport") < input);
            QCOMPARE(args[std::size_t(at("-rtsp_transport")) + 1], std::string("tcp"));
        }
        if (spec.type == "rtmp")
            QVERIFY(at("-rw_timeout") < input);
        break;
    case JobKind::Push:
    case JobKind::Social:
        QCOMPARE(args[std::size_t(input) + 1], cluster);
        QVERIFY(at("-rw_timeout") < input);
        QCOMPARE(args.back(), spec.remote);
        QCOMPARE(args[std::size_t(format) + 1], spec.remoteFormat);
        break;
    case JobKind::Record:
        QCOMPARE(args[std::size_t(input) + 1], cluster);
        QVERIFY(at("-rw_timeout") < input);
        QCOMPARE(args[std::size_t(format) + 1], std::string("matroska"));
        QCOMPARE(args.back(), output);
        break;
    case JobKind::Transcode: // jobsForProvision never makes one (transcodeladder.h does)
        QFAIL("a transcode job from jobsForProvision");
        break;
    }
}

void TestJobSpec::scrub_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<std::vector<std::string>>("secrets");
    QTest::addColumn<std::string>("expected");
    QTest::addRow("key in a URL") << std::string("rtmp://h/app/sk-123 failed")
                                  << std::vector<std::string>{"sk-123"}
                                  << std::string("rtmp://h/app/•••• failed");
    QTest::addRow("every occurrence, every secret")
        << std::string("pw1x and pw1x, key9 and key9") << std::vector<std::string>{"pw1x", "key9"}
        << std::string("•••• and ••••, •••• and ••••");
    QTest::addRow("back to back") << std::string("abcabcabc") << std::vector<std::string>{"abc"}
                                  << std::string("••••••••••••");
    QTest::addRow("short secrets are not scrubbed")
        << std::string("a b ab") << std::vector<std::string>{"ab", ""} << std::string("a b ab");
    QTest::addRow("no secrets") << std::string("plain") << std::vector<std::string>{}
                                << std::string("plain");
    QTest::addRow("not present") << std::string("plain") << std::vector<std::string>{"secret"}
                                 << std::string("plain");
}

void TestJobSpec::scrub() {
    QFETCH(std::string, text);
    QFETCH(std::vector<std::string>, secrets);
    QFETCH(std::string, expected);
    QCOMPARE(QString::fromStdString(sy::media::scrub(text, secrets)),
             QString::fromStdString(expected));
}

// A secret made of the mask's own characters ("••", e.g. a masked key sent back as a key) must
// not make scrub() replace its own replacement for ever. Run in a child process so that a loop
// fails this test instead of hanging the run.
void TestJobSpec::scrubTerminatesWhenASecretLooksLikeTheMask() {
    const pid_t pid = ::fork();
    QVERIFY(pid >= 0);
    if (pid == 0) {
        const auto out = sy::media::scrub("rtmp://h/app/•• failed", {"••"});
        ::_exit(out.find("failed") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // polling interval
    if (done == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        QFAIL("scrub(\"…•• failed\", {\"••\"}) did not return within 10 s (it keeps replacing "
              "the mask it inserted)");
    }
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// Round-trip auth: the provision's credentials travel with its restreamers (form-encoded), never
// with jobs that read the cluster, and the password is a secret to scrub.
void TestJobSpec::credentialsGoToPullJobsOnly() {
    auto streams = cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://203.0.113.7/live/src"}});
    streams.push_back({{"streamGuid", "live/cam"}, {"destUri", "rtmp://203.0.113.9/app/key"}});
    auto parsed = sy::model::parseProvisions(
        Json{{"provisionGuid", "prov1"},
             {"credentials", {{"username", "al ice"}, {"password", "p&ss=1"}}},
             {"streams", streams}});
    QVERIFY(parsed);
    auto jobs = jobsForProvision(parsed->front(), defaultPolicy());
    QVERIFY2(bool(jobs), jobs ? "" : sy::model::describe(jobs.error()).c_str());
    QCOMPARE(jobs->size(), std::size_t{2});
    for (const auto& j : *jobs) {
        if (j.kind == JobKind::Pull) {
            QCOMPARE(j.publishCredentials, std::string("username=al%20ice&password=p%26ss%3D1"));
            QVERIFY(std::find(j.secrets.begin(), j.secrets.end(), "p&ss=1") != j.secrets.end());
        } else {
            QVERIFY(j.publishCredentials.empty());
        }
    }
    // Without credentials nothing is added.
    auto plain = jobsForProvision(provision(streams), defaultPolicy());
    QVERIFY(plain);
    for (const auto& j : *plain)
        QVERIFY(j.publishCredentials.empty());
}

// Resolved once: ffmpeg gets the address that was checked instead of the name (no second
// lookup that a rebinding DNS server could answer differently); TLS schemes keep the name.
void TestJobSpec::pinnedUrlCarriesTheCheckedAddress() {
    UrlPolicy policy = defaultPolicy();
    auto pinned = pinResolved("rtsp://user:pw@localhost:8554/cam?x=1", policy);
    QVERIFY2(bool(pinned), pinned ? "" : pinned.error().message.c_str());
    QVERIFY2(*pinned == "rtsp://user:pw@127.0.0.1:8554/cam?x=1" ||
                 *pinned == "rtsp://user:pw@[::1]:8554/cam?x=1",
             pinned->c_str());
    // An rtmp server with virtual hosts still sees the name in the tcUrl.
    QCOMPARE(rtmpTcUrl("rtmp://ingest.example.com:1935/live2/sk-1?x=1"),
             std::string("rtmp://ingest.example.com:1935/live2"));
    QCOMPARE(rtmpTcUrl("rtmp://u@h/a/b/key"), std::string("rtmp://h/a/b"));
    JobSpec social;
    social.kind = JobKind::Social;
    social.remote = "rtmp://127.0.0.1/live2/sk-1";
    social.remoteTcUrl = "rtmp://ingest.example.com/live2";
    const auto argv = ffmpegCommand(social, "rtmp://127.0.0.1:24001/live/cam").argv;
    const auto tc = std::find(argv.begin(), argv.end(), std::string("-rtmp_tcurl"));
    QVERIFY(tc != argv.end() && tc + 1 != argv.end());
    QCOMPARE(*(tc + 1), social.remoteTcUrl);
    auto tls = pinResolved("rtmps://localhost/app/key", policy);
    QVERIFY(tls);
    QCOMPARE(*tls, std::string("rtmps://localhost/app/key"));
    QCOMPARE(*pinResolved("rtmp://192.0.2.1/live/x", policy),
             std::string("rtmp://192.0.2.1/live/x"));
    QCOMPARE(*pinResolved("/srv/media/a.mp4", policy), std::string("/srv/media/a.mp4"));
    policy.allowLoopback = false;
    QVERIFY(!pinResolved("rtsp://localhost/x", policy));
}

// No secret on the command line of any job (issue 14): stream keys, passwords, passphrases,
// streamids, query tokens and the core's stream token ride in the documents the child reads
// from pipes; every input and output names its protocol whitelist.
void TestJobSpec::ffmpegCommandCarriesNoSecret_data() {
    QTest::addColumn<Json>("streams");
    QTest::addColumn<std::vector<std::string>>("hidden"); // besides the job's own secrets
    QTest::addRow("pull rtsp with a password")
        << cam({{"type", "rtsp"}, {"rtspUri", "rtsp://u:campw-1@192.0.2.10/s?token=qtok-2"}})
        << std::vector<std::string>{"campw-1", "qtok-2"};
    QTest::addRow("pull rtmp with a key")
        << cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://192.0.2.1/live/srckey-3"}})
        << std::vector<std::string>{"srckey-3"};
    QTest::addRow("pull hls with a signature")
        << cam({{"type", "hls"}, {"hlsUri", "https://cdn.example.com/i.m3u8?sig=sig-4"}})
        << std::vector<std::string>{"sig-4"};
    QTest::addRow("srt listener with passphrase and streamid")
        << cam({{"type", "srt"},
                {"port", "9000"},
                {"passphrase", "srtpass-5678"},
                {"streamid", "#!::r=live/x,s=sidsec-6"}})
        << std::vector<std::string>{"srtpass-5678", "sidsec-6"};
    QTest::addRow("push rtmp with a key")
        << cam({{"type", "rtmp-push"}, {"rtmpUri", "rtmp://192.0.2.1/app/pushkey-7"}})
        << std::vector<std::string>{"pushkey-7"};
    QTest::addRow("push srt with passphrase and streamid")
        << cam({{"type", "srt-caller"},
                {"ip", "192.0.2.1"},
                {"port", "9000"},
                {"passphrase", "srtpass-8901"},
                {"streamid", "sidsec-9"}})
        << std::vector<std::string>{"srtpass-8901", "sidsec-9"};
    QTest::addRow("social rtmps")
        << Json::array({{{"streamGuid", "live/cam"},
                         {"destUri", "rtmps://a.rtmps.example.com:443/app/sk-10?auth=au-11"}}})
        << std::vector<std::string>{"sk-10", "au-11"};
    QTest::addRow("record") << Json::array({{{"streamGuid", "live/cam"},
                                             {"cloudParams", {{"bucketName", "archive"}}}}})
                            << std::vector<std::string>{};
}

void TestJobSpec::ffmpegCommandCarriesNoSecret() {
    QFETCH(Json, streams);
    QFETCH(std::vector<std::string>, hidden);
    auto jobs = jobsForProvision(provision(streams), defaultPolicy());
    QVERIFY2(jobs && jobs->size() == 1, jobs ? "" : sy::model::describe(jobs.error()).c_str());
    const auto& spec = jobs->front();
    // The core's stream token rides on the cluster URL, as mediamanager.cpp builds it.
    const std::string cluster = "rtmp://127.0.0.1:24001/live/cam?token=coretoken-12";
    const auto c = ffmpegCommand(spec, cluster, "/data/recordings/7.mkv");
    const auto argv = join(c.argv);
    auto all = hidden;
    all.insert(all.end(), spec.secrets.begin(), spec.secrets.end());
    all.push_back("coretoken-12");
    std::string docs;
    for (const auto& d : c.documents)
        docs += d + "\n";
    for (const auto& secret : all) {
        QVERIFY2(argv.find(secret) == std::string::npos, (secret + " in: " + argv).c_str());
        QVERIFY2(docs.find(secret) != std::string::npos, (secret + " not in: " + docs).c_str());
    }
    // The same command as the logical form, with the URLs moved out.
    QCOMPARE(join(c.logical), join(ffmpegArguments(spec, cluster, "/data/recordings/7.mkv")));
    QVERIFY(join(c.logical).find("coretoken-12") != std::string::npos);
    // Each document is read on its descriptor, in order.
    for (std::size_t i = 0; i < c.documents.size(); ++i) {
        const auto fd = std::to_string(3 + i);
        QVERIFY2(argv.find(" pipe:" + fd + " ") != std::string::npos ||
                     argv.find(" /dev/fd/" + fd + " ") != std::string::npos,
                 argv.c_str());
    }
    // Every input has a whitelist in front of it; a network one is read by concat from a pipe.
    for (std::size_t i = 0; i + 1 < c.argv.size(); ++i)
        if (c.argv[i] == "-i") {
            const auto wl = std::find(c.argv.begin(), c.argv.begin() + std::ptrdiff_t(i),
                                      std::string("-protocol_whitelist"));
            QVERIFY2(wl != c.argv.begin() + std::ptrdiff_t(i), argv.c_str());
        }
    for (const auto& d : c.documents)
        if (d.starts_with("ffconcat"))
            QVERIFY2(d.find("\noption protocol_whitelist '") != std::string::npos, d.c_str());
    // The cluster input names the node and the stream, nothing else.
    if (spec.kind == JobKind::Pull)
        QCOMPARE(c.argv.back(), std::string("rtmp://127.0.0.1:24001/live"));
}

// An output URL in argv keeps the node and the application; the rest goes to the preset, split
// as ffmpeg's rtmp splits a URL (rtmpproto.c), so nginx sees the same app and stream name.
void TestJobSpec::outputsSplitAsFfmpegReadsThem_data() {
    QTest::addColumn<std::string>("url");
    QTest::addColumn<std::string>("shown");
    QTest::addColumn<std::string>("preset");
    QTest::addRow("cluster with token")
        << std::string("rtmp://127.0.0.1:24001/live/cam?token=t.k-1")
        << std::string("rtmp://127.0.0.1:24001/live")
        << std::string("rtmp_app=live\nrtmp_playpath=cam?token=t.k-1\n");
    QTest::addRow("app instance: two segments")
        << std::string("rtmp://h/live2/sub/KEY") << std::string("rtmp://h/live2/sub")
        << std::string("rtmp_app=live2/sub\nrtmp_playpath=KEY\n");
    QTest::addRow("rtmps with port and query")
        << std::string("rtmps://live-api-s.example.com:443/rtmp/FB-1?s_bl=1&a=b")
        << std::string("rtmps://live-api-s.example.com:443/rtmp")
        << std::string("rtmp_app=rtmp\nrtmp_playpath=FB-1?s_bl=1&a=b\n");
    QTest::addRow("mp4 play path")
        << std::string("rtmp://h/vod/clip.mp4") << std::string("rtmp://h/vod")
        << std::string("rtmp_app=vod\nrtmp_playpath=mp4:clip.mp4\n");
    QTest::addRow("flv play path")
        << std::string("rtmp://h/vod/x.flv") << std::string("rtmp://h/vod")
        << std::string("rtmp_app=vod\nrtmp_playpath=x\n");
    QTest::addRow("srt passphrase and streamid")
        << std::string("srt://192.0.2.1:9000?mode=caller&passphrase=p4ssphrase1&streamid=#!::s=x&"
                       "latency=120000")
        << std::string("srt://192.0.2.1:9000?mode=caller&latency=120000")
        << std::string("passphrase=p4ssphrase1\nstreamid=#!::s=x\n");
    QTest::addRow("srt without secrets")
        << std::string("srt://192.0.2.1:9000?mode=caller")
        << std::string("srt://192.0.2.1:9000?mode=caller") << std::string();
}

void TestJobSpec::outputsSplitAsFfmpegReadsThem() {
    QFETCH(std::string, url);
    QFETCH(std::string, shown);
    QFETCH(std::string, preset);
    FfmpegCommandBuilder b;
    b.output(url, protocolWhitelist(url));
    const auto c = b.take();
    QCOMPARE(c.logical.back(), url);
    QCOMPARE(c.argv.back(), shown);
    QCOMPARE(c.documents.empty() ? std::string() : c.documents.front(), preset);
    QCOMPARE(std::count(c.argv.begin(), c.argv.end(), std::string("-fpre")),
             std::ptrdiff_t(preset.empty() ? 0 : 1));
}

QTEST_APPLESS_MAIN(TestJobSpec)
#include "tst_jobspec.moc"
