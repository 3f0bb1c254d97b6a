#include "core/media/jobspec.h"

#include "core/util/strings.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

namespace sy::media {

namespace {

using model::Problems;

// One stream's camParams.properties, read with paths for problems.
struct Props {
    const std::map<std::string, std::string>& map;
    std::string path;
    Problems& problems;

    std::optional<std::string> get(const std::string& k) const {
        const auto it = map.find(k);
        if (it == map.end() || it->second.empty())
            return std::nullopt;
        return it->second;
    }
    std::string required(const std::string& k) const {
        auto v = get(k);
        if (!v)
            problems.push_back({model::joinPath(path, k), "required for this type"});
        return v.value_or("");
    }
    bool flag(const std::string& k, bool def) const {
        auto v = get(k);
        if (!v)
            return def;
        const auto l = toLower(*v);
        if (l == "true" || l == "1" || l == "yes")
            return true;
        if (l == "false" || l == "0" || l == "no")
            return false;
        problems.push_back(
            {model::joinPath(path, k), "must be true or false, got " + sy::quoted(*v)});
        return def;
    }
    std::optional<long long> integer(const std::string& k, long long lo, long long hi) const {
        auto v = get(k);
        if (!v)
            return std::nullopt;
        auto n = parseInt(*v);
        if (!n || *n < lo || *n > hi) {
            problems.push_back({model::joinPath(path, k),
                                "must be an integer between " + std::to_string(lo) + " and " +
                                    std::to_string(hi) + ", got " + sy::quoted(*v)});
            return std::nullopt;
        }
        return n;
    }
};

// A URL of one of `schemes`, allowed by the policy (IP literals and metadata names; other names
// are checked when the job starts). Returns the parsed URL or records a problem.
std::optional<MediaUrl> checkUrl(const std::string& text, const std::vector<std::string>& schemes,
                                 const UrlPolicy& policy, const std::string& path,
                                 Problems& problems) {
    auto u = parseMediaUrl(text);
    if (!u) {
        problems.push_back({path, u.error().message});
        return std::nullopt;
    }
    if (std::find(schemes.begin(), schemes.end(), u->scheme) == schemes.end()) {
        std::string allowedSchemes;
        for (const auto& s : schemes)
            allowedSchemes += (allowedSchemes.empty() ? "" : ", ") + s;
        problems.push_back({path, "scheme " + sy::quoted(u->scheme) + " is not allowed here (" +
                                      allowedSchemes + ")"});
        return std::nullopt;
    }
    // ffmpeg's rtmp has no option for a password: it would have to be on its command line.
    if ((u->scheme == "rtmp" || u->scheme == "rtmps") && !u->password.empty()) {
        problems.push_back({path, "an rtmp URL cannot carry a password (user:password@): "
                                  "put the credentials in the stream key or the query"});
        return std::nullopt;
    }
    if (auto why = hostProblem(*u, policy)) {
        problems.push_back({path, *why});
        return std::nullopt;
    }
    return std::move(u).value();
}

std::string joinQuery(const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string q;
    for (const auto& [k, v] : kv)
        q += (q.empty() ? "?" : "&") + k + "=" + v;
    return q;
}

bool validToken(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
               c == ':' || c == '=' || c == ',' || c == '/' || c == '#' || c == '!';
    });
}

// srt:// URL options shared by listener and caller: latency (ms), passphrase, streamid.
std::string srtOptions(const Props& p, const char* mode, std::vector<std::string>& secrets) {
    std::vector<std::pair<std::string, std::string>> kv{{"mode", mode}};
    if (auto latency = p.integer("latency", 20, 8000))
        kv.emplace_back("latency", std::to_string(*latency * 1000)); // ffmpeg wants microseconds
    if (auto pass = p.get("passphrase")) {
        if (pass->size() < 10 || pass->size() > 79 || !validToken(*pass))
            p.problems.push_back({model::joinPath(p.path, "passphrase"),
                                  "must be 10..79 characters without spaces or '&'"});
        kv.emplace_back("passphrase", *pass);
        secrets.push_back(*pass);
    }
    if (auto id = p.get("streamid")) {
        if (!validToken(*id))
            p.problems.push_back(
                {model::joinPath(p.path, "streamid"), "has characters not allowed"});
        kv.emplace_back("streamid", *id);
        secrets.push_back(*id); // often carries the publisher's secret (",s=…")
    }
    return joinQuery(kv);
}

std::string ipHost(const std::string& ip) {
    return ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
}

std::string maskedUrl(const MediaUrl& u, bool keyInPath) {
    MediaUrl shown = u;
    if (!u.password.empty())
        shown.userinfo = u.user + ":••••";
    if (keyInPath) {
        const auto last = shown.path.rfind('/');
        if (last != std::string::npos && last > 0 && last + 1 < shown.path.size())
            shown.path = shown.path.substr(0, last + 1) + "••••";
    }
    if (!shown.query.empty())
        shown.query = "••••";
    return shown.text();
}

// The values that grant access: the password, the stream key, every query value (tokens,
// signatures), as written: what ffmpeg and its errors show.
void addUrlSecrets(const MediaUrl& u, bool keyInPath, std::vector<std::string>& secrets) {
    if (!u.password.empty())
        secrets.push_back(u.password);
    if (keyInPath) {
        const auto last = u.path.rfind('/');
        if (last != std::string::npos && last + 1 < u.path.size())
            secrets.push_back(u.path.substr(last + 1));
    }
    for (const auto& param : split(u.query, '&'))
        if (const auto eq = param.find('='); eq != std::string_view::npos && eq + 1 < param.size())
            secrets.emplace_back(param.substr(eq + 1));
}

const std::vector<std::string> kPullTypes = {"rtmp", "rtsp",   "ipcam",      "hls",      "file",
                                             "srt",  "mpegts", "srt-caller", "rtmp-push"};

void pullFromUrl(JobSpec& j, const Props& p, const std::string& key,
                 const std::vector<std::string>& schemes, const UrlPolicy& policy) {
    const auto text = p.required(key);
    if (text.empty())
        return;
    const auto before = p.problems.size();
    auto u = checkUrl(text, schemes, policy, model::joinPath(p.path, key), p.problems);
    if (!u || p.problems.size() != before)
        return;
    // An rtmp source's last path segment is its stream key, as a destination's is.
    const bool keyInPath = u->scheme == "rtmp" || u->scheme == "rtmps";
    j.remote = text;
    j.remoteMasked = maskedUrl(*u, keyInPath);
    addUrlSecrets(*u, keyInPath, j.secrets);
}

void fileSource(JobSpec& j, const Props& p, const UrlPolicy& policy) {
    const auto files = p.required("files");
    if (files.empty())
        return;
    std::vector<std::string> list;
    for (auto f : split(files, ','))
        if (!trim(f).empty())
            list.emplace_back(trim(f));
    const auto index = p.integer("index", 0, 10000).value_or(0);
    const std::string path = model::joinPath(p.path, "files");
    if (list.empty() || static_cast<std::size_t>(index) >= list.size()) {
        p.problems.push_back({path, "names no file at index " + std::to_string(index)});
        return;
    }
    const std::string file = list[static_cast<std::size_t>(index)];
    if (file.find("://") != std::string::npos || file.find(':') != std::string::npos) {
        p.problems.push_back({path, "must be a file path, got " + sy::quoted(file)});
        return;
    }
    if (policy.fileRoots.empty()) {
        p.problems.push_back({path, "file sources are not allowed by the URL policy"});
        return;
    }
    for (const auto& root : policy.fileRoots) {
        const auto full = std::filesystem::path(file).is_absolute()
                              ? std::filesystem::path(file).lexically_normal()
                              : (root / file).lexically_normal();
        const auto rel = full.lexically_relative(root.lexically_normal());
        if (!rel.empty() && *rel.begin() != ".." && !rel.is_absolute()) {
            j.remote = full.string();
            j.remoteMasked = full.filename().string();
            if (p.flag("loop", false))
                j.remoteOptions = {"-stream_loop", "-1"};
            j.remoteOptions.push_back("-re");
            return;
        }
    }
    p.problems.push_back({path, sy::quoted(file) + " is outside the media folders the URL policy "
                                                   "allows"});
}

void fillFromCamParams(JobSpec& j, const Props& p, const UrlPolicy& policy) {
    const auto type = toLower(p.required("type"));
    j.type = type;
    if (type.empty())
        return;
    if (std::find(kPullTypes.begin(), kPullTypes.end(), type) == kPullTypes.end()) {
        p.problems.push_back({model::joinPath(p.path, "type"),
                              "unknown restreamer type " + sy::quoted(type) +
                                  " (rtmp, rtsp, ipcam, hls, file, srt, mpegts, srt-caller, "
                                  "rtmp-push)"});
        return;
    }
    if (auto action = p.get("action"); action && toLower(*action) != "create")
        p.problems.push_back(
            {model::joinPath(p.path, "action"),
             "only \"create\" can be stored in a provision, got " + sy::quoted(*action)});
    j.immediate = p.flag("immediate", true);
    j.persist = p.flag("persist", false);
    j.attempts = static_cast<int>(p.integer("attempts", 0, 1000).value_or(5));
    if (auto d = p.get("delayS")) {
        auto v = parseDouble(*d);
        if (!v || *v < 0 || *v > 3600)
            p.problems.push_back(
                {model::joinPath(p.path, "delayS"),
                 "must be a number of seconds between 0 and 3600, got " + sy::quoted(*d)});
        else
            j.delayS = *v;
    }
    j.kind = JobKind::Pull;
    if (type == "rtmp") {
        pullFromUrl(j, p, "rtmpUri", {"rtmp", "rtmps"}, policy);
        j.remoteOptions = {"-rw_timeout", "8000000"};
    } else if (type == "rtsp") {
        pullFromUrl(j, p, "rtspUri", {"rtsp", "rtsps"}, policy);
        const auto transport = toLower(p.get("transport").value_or("tcp"));
        if (transport != "tcp" && transport != "udp")
            p.problems.push_back({model::joinPath(p.path, "transport"), "must be tcp or udp"});
        j.remoteOptions = {"-rtsp_transport", transport, "-timeout", "8000000"};
    } else if (type == "ipcam") {
        const auto host = p.required("host");
        const auto port = p.integer("port", 1, 65535).value_or(554);
        const auto ctx = p.get("remoteContextPath").value_or("");
        const auto name = p.required("remoteStreamName");
        if (!host.empty() && !name.empty()) {
            std::string url = "rtsp://" + ipHost(host) + ":" + std::to_string(port) + "/";
            if (!ctx.empty())
                url += std::string(trim(ctx)) + (ctx.ends_with('/') ? "" : "/");
            url += name;
            const auto before = p.problems.size();
            auto u = checkUrl(url, {"rtsp"}, policy, model::joinPath(p.path, "host"), p.problems);
            if (u && p.problems.size() == before) {
                j.remote = url;
                j.remoteMasked = maskedUrl(*u, false);
            }
        }
        j.remoteOptions = {"-rtsp_transport", "tcp", "-timeout", "8000000"};
    } else if (type == "hls") {
        pullFromUrl(j, p, p.get("hlsUri") ? "hlsUri" : "uri", {"http", "https"}, policy);
        // A redirect would lead the playlist request past the policy.
        j.remoteOptions = {"-rw_timeout", "8000000", "-max_redirects", "0"};
    } else if (type == "file") {
        fileSource(j, p, policy);
    } else if (type == "srt" || type == "mpegts") {
        j.listen = true;
        const auto ip = p.get("ip").value_or("0.0.0.0");
        const auto port = p.integer("port", 1024, 65535);
        if (!p.get("port"))
            p.problems.push_back({model::joinPath(p.path, "port"), "required for this type"});
        if (!classifyLiteral(ip))
            p.problems.push_back({model::joinPath(p.path, "ip"),
                                  "must be an IP address to listen on, got " + sy::quoted(ip)});
        if (!port)
            return;
        if (type == "srt") {
            j.remote = "srt://" + ipHost(ip) + ":" + std::to_string(*port) +
                       srtOptions(p, "listener", j.secrets);
        } else {
            const auto cast = toLower(p.get("cast").value_or("unicast"));
            if (cast != "unicast" && cast != "multicast")
                p.problems.push_back(
                    {model::joinPath(p.path, "cast"), "must be unicast or multicast"});
            j.remote =
                "udp://" + ipHost(ip) + ":" + std::to_string(*port) +
                (cast == "multicast" ? "?reuse=1&overrun_nonfatal=1" : "?overrun_nonfatal=1");
        }
        j.remoteMasked = scrub(j.remote, j.secrets);
    } else if (type == "srt-caller") {
        const auto role = toLower(p.get("role").value_or("sender"));
        const auto ip = p.required("ip");
        const auto port = p.integer("port", 1, 65535);
        if (!p.get("port"))
            p.problems.push_back({model::joinPath(p.path, "port"), "required for this type"});
        if (role != "sender" && role != "receiver")
            p.problems.push_back({model::joinPath(p.path, "role"), "must be sender or receiver"});
        if (ip.empty() || !port)
            return;
        std::string url = "srt://" + ipHost(ip) + ":" + std::to_string(*port);
        const auto before = p.problems.size();
        auto u = checkUrl(url, {"srt"}, policy, model::joinPath(p.path, "ip"), p.problems);
        if (!u || p.problems.size() != before)
            return;
        j.remote = url + srtOptions(p, "caller", j.secrets);
        j.remoteMasked = scrub(j.remote, j.secrets);
        if (role == "sender") {
            j.kind = JobKind::Push;
            j.remoteFormat = "mpegts";
        } else {
            j.remoteOptions = {"-rw_timeout", "8000000"};
        }
    } else if (type == "rtmp-push") {
        j.kind = JobKind::Push;
        j.remoteFormat = "flv";
        const auto text = p.required("rtmpUri");
        if (text.empty())
            return;
        const auto before = p.problems.size();
        auto u = checkUrl(text, {"rtmp", "rtmps"}, policy, model::joinPath(p.path, "rtmpUri"),
                          p.problems);
        if (!u || p.problems.size() != before)
            return;
        j.remote = text;
        j.remoteMasked = maskedUrl(*u, true);
        addUrlSecrets(*u, true, j.secrets);
    }
}

} // namespace

std::string_view toString(JobKind k) {
    switch (k) {
    case JobKind::Pull:
        return "pull";
    case JobKind::Push:
        return "push";
    case JobKind::Social:
        return "social";
    case JobKind::Record:
        return "record";
    case JobKind::Transcode:
        return "transcode";
    }
    return "pull";
}

Result<std::vector<JobSpec>, Problems>
jobsForProvision(const model::ProvisionRequest& p, const UrlPolicy& policy,
                 const std::function<Result<std::string>(const std::string&)>& open) {
    Problems problems;
    std::vector<JobSpec> jobs;
    if (!p.streams)
        return jobs;
    auto plain = [&](const std::string& value, const std::string& path) {
        if (!open)
            return value;
        auto v = open(value);
        if (!v) {
            problems.push_back({path, "cannot be read back: " + v.error().message});
            return std::string();
        }
        return *v;
    };
    for (std::size_t i = 0; i < p.streams->size(); ++i) {
        const auto& s = (*p.streams)[i];
        const std::string path = model::indexPath("streams", i);
        const std::string guid = s.streamGuid.value_or("");
        if (s.camParams && !s.camParams->properties.empty()) {
            std::map<std::string, std::string> props;
            for (const auto& [k, v] : s.camParams->properties)
                props[k] =
                    plain(v, model::joinPath(model::joinPath(path, "camParams"), "properties"));
            JobSpec j;
            j.streamGuid = guid;
            j.streamIndex = static_cast<int>(i);
            Props reader{props, model::joinPath(model::joinPath(path, "camParams"), "properties"),
                         problems};
            fillFromCamParams(j, reader, policy);
            jobs.push_back(std::move(j));
        }
        if (s.destUri) {
            JobSpec j;
            j.kind = JobKind::Social;
            j.type = "social";
            j.streamGuid = guid;
            j.streamIndex = static_cast<int>(i);
            j.attempts = 0;
            j.persist = true; // a destination keeps being retried until the provision goes
            j.remoteFormat = "flv";
            const auto text = plain(*s.destUri, model::joinPath(path, "destUri"));
            const auto before = problems.size();
            auto u = checkUrl(text, {"rtmp", "rtmps"}, policy, model::joinPath(path, "destUri"),
                              problems);
            if (u && problems.size() == before) {
                j.remote = text;
                j.remoteMasked = maskedUrl(*u, true);
                addUrlSecrets(*u, true, j.secrets);
            }
            jobs.push_back(std::move(j));
        }
        if (s.cloudParams) {
            JobSpec j;
            j.kind = JobKind::Record;
            j.type = "record";
            j.streamGuid = guid;
            j.streamIndex = static_cast<int>(i);
            j.persist = true;
            j.target = s.cloudParams->bucketName.value_or("");
            j.objectPrefix = s.cloudParams->fileStorageName.value_or("");
            jobs.push_back(std::move(j));
        }
    }
    // Round-trip auth (reference §3.4 `credentials`): restreamers publish into the cluster with
    // the provision's credentials; the media manager uses them when the group asks for them.
    if (p.credentials) {
        // The password and token are stored sealed (MediaManager::sealSecrets).
        const auto opened = [&](const std::optional<std::string>& v, const char* key) {
            return v && !v->empty() ? std::optional(plain(*v, model::joinPath("credentials", key)))
                                    : std::nullopt;
        };
        const auto password = opened(p.credentials->password, "password");
        const auto token = opened(p.credentials->token, "token");
        std::string query;
        const auto add = [&](const char* key, const std::optional<std::string>& v) {
            if (v && !v->empty())
                query += (query.empty() ? "" : "&") + std::string(key) + "=" + formEncode(*v);
        };
        add("username", p.credentials->username);
        add("password", password);
        add("token", token);
        for (auto& j : jobs) {
            if (j.kind != JobKind::Pull || query.empty())
                continue;
            j.publishCredentials = query;
            for (const auto& secret : {password, token})
                if (secret && !secret->empty()) {
                    j.secrets.push_back(*secret);
                    j.secrets.push_back(formEncode(*secret));
                }
        }
    }
    if (!problems.empty())
        return unexpected(std::move(problems));
    return jobs;
}

std::string formEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

FfmpegCommand ffmpegCommand(const JobSpec& spec, const std::string& clusterUrl,
                            const std::string& outputFile) {
    FfmpegCommandBuilder b;
    const std::string cluster = "rtmp,tcp"; // the nodes: plain RTMP on loopback or the LAN
    switch (spec.kind) {
    case JobKind::Pull: {
        auto options = spec.remoteOptions;
        if (!spec.remoteTcUrl.empty())
            options.insert(options.end(), {"-rtmp_tcurl", spec.remoteTcUrl});
        b.input(spec.remote, options, protocolWhitelist(spec.remote));
        b.add({"-map", "0:v:0?", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "aac", "-b:a", "128k",
               "-ar", "44100", "-f", "flv"});
        b.output(clusterUrl, cluster);
        break;
    }
    case JobKind::Push:
    case JobKind::Social:
        b.input(clusterUrl, {"-rw_timeout", "8000000"}, cluster);
        b.add({"-map", "0", "-c", "copy", "-f",
               spec.remoteFormat.empty() ? "flv" : spec.remoteFormat});
        if (!spec.remoteTcUrl.empty())
            b.add({"-rtmp_tcurl", spec.remoteTcUrl});
        b.output(spec.remote, protocolWhitelist(spec.remote));
        break;
    case JobKind::Record:
        // Matroska stays readable up to the last cluster when the capture is cut short; the
        // finished file is remuxed to MP4.
        // One SIGTERM does not interrupt ffmpeg's blocking read once it runs (a second one
        // aborts the trailer), so a short read timeout ends the capture by itself soon after the
        // publisher leaves; short clusters flushed at once keep a hard kill from losing much.
        b.input(clusterUrl, {"-rw_timeout", "2000000"}, cluster);
        b.add({"-map", "0", "-c", "copy", "-cluster_time_limit", "2000", "-flush_packets", "1",
               "-f", "matroska", "-y"});
        b.output(outputFile, "file");
        break;
    case JobKind::Transcode: // one input, N outputs: ladderCommand() (transcodeladder.h)
        break;
    }
    return b.take();
}

std::vector<std::string> ffmpegArguments(const JobSpec& spec, const std::string& clusterUrl,
                                         const std::string& outputFile) {
    return ffmpegCommand(spec, clusterUrl, outputFile).logical;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
    static const std::string mask = "••••";
    for (const auto& s : secrets) {
        if (s.size() < 3)
            continue;
        // Resume after the inserted mask: a secret that looks like the mask never matches it.
        for (auto pos = text.find(s); pos != std::string::npos;
             pos = text.find(s, pos + mask.size()))
            text.replace(pos, s.size(), mask);
    }
    return text;
}

} // namespace sy::media
