#include "core/media/jobspec.h"

#include "core/util/strings.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

namespace sy::media {

namespace {

using model::Problems;

struct Url {
    std::string scheme, user, password, host, path, query;
    int port = 0;
};

// scheme://[user[:password]@]host[:port][/path][?query]; IPv6 hosts in brackets.
std::optional<Url> parseUrl(const std::string& text) {
    Url u;
    const auto colon = text.find("://");
    if (colon == std::string::npos || colon == 0)
        return std::nullopt;
    u.scheme = toLower(text.substr(0, colon));
    for (char c : u.scheme)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
            return std::nullopt;
    std::string rest = text.substr(colon + 3);
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f)
            return std::nullopt;
    const auto q = rest.find('?');
    if (q != std::string::npos) {
        u.query = rest.substr(q + 1);
        rest.resize(q);
    }
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "" : rest.substr(slash);
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        const auto userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto c = userinfo.find(':');
        u.user = userinfo.substr(0, c);
        if (c != std::string::npos)
            u.password = userinfo.substr(c + 1);
    }
    std::string portText;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string::npos)
            return std::nullopt;
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':')
                return std::nullopt;
            portText = authority.substr(close + 2);
        }
    } else {
        const auto c = authority.rfind(':');
        u.host = authority.substr(0, c);
        if (c != std::string::npos)
            portText = authority.substr(c + 1);
    }
    if (u.host.empty())
        return std::nullopt;
    if (!portText.empty()) {
        const auto port = parseInt(portText);
        if (!port || *port < 1 || *port > 65535)
            return std::nullopt;
        u.port = static_cast<int>(*port);
    }
    return u;
}

std::optional<std::string> hostAllowed(HostClass c, const UrlPolicy& policy,
                                       const std::string& host) {
    switch (c) {
    case HostClass::Public:
        return std::nullopt;
    case HostClass::Loopback:
        if (policy.allowLoopback)
            return std::nullopt;
        return "loopback address " + sy::quoted(host) + " is not allowed by the URL policy";
    case HostClass::Private:
        if (policy.allowPrivate)
            return std::nullopt;
        return "private address " + sy::quoted(host) + " is not allowed by the URL policy";
    case HostClass::LinkLocal:
        if (policy.allowLinkLocal)
            return std::nullopt;
        return "link-local address " + sy::quoted(host) +
               " (cloud instance metadata lives there) is not allowed by the URL policy";
    case HostClass::Unspecified:
        return "unspecified address " + sy::quoted(host) + " cannot be a source or destination";
    }
    return std::nullopt;
}

HostClass classifyV4(std::uint32_t a) { // host byte order
    if ((a >> 24) == 127)
        return HostClass::Loopback;
    if (a == 0)
        return HostClass::Unspecified;
    if ((a >> 24) == 10 || (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || (a >> 22) == 0x191)
        return HostClass::Private; // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT)
    if ((a >> 16) == 0xA9FE)
        return HostClass::LinkLocal;
    return HostClass::Public;
}

HostClass classifyV6(const in6_addr& a) {
    static const in6_addr loop = IN6ADDR_LOOPBACK_INIT;
    static const in6_addr any = IN6ADDR_ANY_INIT;
    if (std::memcmp(&a, &loop, sizeof a) == 0)
        return HostClass::Loopback;
    if (std::memcmp(&a, &any, sizeof a) == 0)
        return HostClass::Unspecified;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
        std::uint32_t v4;
        std::memcpy(&v4, &a.s6_addr[12], 4);
        return classifyV4(ntohl(v4));
    }
    if ((a.s6_addr[0] & 0xfe) == 0xfc)
        return HostClass::Private;
    if (a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80)
        return HostClass::LinkLocal;
    return HostClass::Public;
}

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

// A URL of one of `schemes`, allowed by the policy (IP literals; names are checked when the job
// starts). Returns the parsed URL or records a problem.
std::optional<Url> checkUrl(const std::string& text, const std::vector<std::string>& schemes,
                            const UrlPolicy& policy, const std::string& path, Problems& problems) {
    auto u = parseUrl(text);
    if (!u) {
        problems.push_back({path, "is not a valid URL (scheme://host[:port]/path): " +
                                      sy::quoted(text.substr(0, 200))});
        return std::nullopt;
    }
    if (std::find(schemes.begin(), schemes.end(), u->scheme) == schemes.end()) {
        std::string allowed;
        for (const auto& s : schemes)
            allowed += (allowed.empty() ? "" : ", ") + s;
        problems.push_back(
            {path, "scheme " + sy::quoted(u->scheme) + " is not allowed here (" + allowed + ")"});
        return std::nullopt;
    }
    const auto lower = toLower(u->host);
    const auto cls = lower == "localhost" || lower.ends_with(".localhost")
                         ? std::optional(HostClass::Loopback)
                         : classifyLiteral(u->host);
    if (cls)
        if (auto why = hostAllowed(*cls, policy, u->host)) {
            problems.push_back({path, *why});
            return std::nullopt;
        }
    return u;
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

std::string maskedUrl(const Url& u, const std::string& original, bool keyInPath) {
    std::string out = u.scheme + "://";
    if (!u.user.empty())
        out += u.user + (u.password.empty() ? "" : ":••••") + "@";
    out += u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    if (u.port)
        out += ":" + std::to_string(u.port);
    std::string path = u.path;
    if (keyInPath) {
        const auto last = path.rfind('/');
        if (last != std::string::npos && last + 1 < path.size())
            path = path.substr(0, last + 1) + "••••";
    }
    out += path;
    if (!u.query.empty())
        out += "?••••";
    (void)original;
    return out;
}

void addUrlSecrets(const Url& u, bool keyInPath, std::vector<std::string>& secrets) {
    if (!u.password.empty())
        secrets.push_back(u.password);
    if (keyInPath) {
        const auto last = u.path.rfind('/');
        if (last != std::string::npos && last + 1 < u.path.size())
            secrets.push_back(u.path.substr(last + 1));
    }
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
    j.remote = text;
    j.remoteMasked = maskedUrl(*u, text, false);
    addUrlSecrets(*u, false, j.secrets);
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
                j.remoteMasked = maskedUrl(*u, url, false);
            }
        }
        j.remoteOptions = {"-rtsp_transport", "tcp", "-timeout", "8000000"};
    } else if (type == "hls") {
        pullFromUrl(j, p, p.get("hlsUri") ? "hlsUri" : "uri", {"http", "https"}, policy);
        j.remoteOptions = {"-rw_timeout", "8000000"};
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
        j.remoteMasked = maskedUrl(*u, text, true);
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

std::optional<HostClass> classifyLiteral(const std::string& host) {
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return classifyV4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return classifyV6(v6);
    return std::nullopt;
}

std::optional<std::string> checkResolved(const std::string& url, const UrlPolicy& policy) {
    auto u = parseUrl(url);
    if (!u)
        return std::nullopt; // file paths; URLs were checked when the provision was stored
    if (classifyLiteral(u->host))
        return hostAllowed(*classifyLiteral(u->host), policy, u->host);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(u->host.c_str(), nullptr, &hints, &res);
    if (rc != 0)
        return "cannot resolve " + sy::quoted(u->host) + ": " + ::gai_strerror(rc);
    std::optional<std::string> why;
    for (auto* a = res; a && !why; a = a->ai_next) {
        HostClass c = HostClass::Public;
        if (a->ai_family == AF_INET)
            c = classifyV4(ntohl(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr.s_addr));
        else if (a->ai_family == AF_INET6)
            c = classifyV6(reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (auto bad = hostAllowed(c, policy, u->host))
            why = *bad + " (the name resolves there)";
    }
    ::freeaddrinfo(res);
    return why;
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
                j.remoteMasked = maskedUrl(*u, text, true);
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

std::vector<std::string> ffmpegArguments(const JobSpec& spec, const std::string& clusterUrl,
                                         const std::string& outputFile) {
    std::vector<std::string> a{"ffmpeg",    "-hide_banner", "-nostdin",      "-loglevel", "error",
                               "-progress", "pipe:1",       "-stats_period", "0.5"};
    auto add = [&](std::initializer_list<std::string> more) {
        a.insert(a.end(), more);
    };
    switch (spec.kind) {
    case JobKind::Pull:
        a.insert(a.end(), spec.remoteOptions.begin(), spec.remoteOptions.end());
        add({"-i", spec.remote, "-map", "0:v:0?", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "aac",
             "-b:a", "128k", "-ar", "44100", "-f", "flv", clusterUrl});
        break;
    case JobKind::Push:
    case JobKind::Social:
        add({"-rw_timeout", "8000000", "-i", clusterUrl, "-map", "0", "-c", "copy", "-f",
             spec.remoteFormat.empty() ? "flv" : spec.remoteFormat, spec.remote});
        break;
    case JobKind::Record:
        // Matroska stays readable up to the last cluster when the capture is cut short; the
        // finished file is remuxed to MP4.
        // One SIGTERM does not interrupt ffmpeg's blocking read once it runs (a second one
        // aborts the trailer), so a short read timeout ends the capture by itself soon after the
        // publisher leaves; short clusters flushed at once keep a hard kill from losing much.
        add({"-rw_timeout", "2000000", "-i", clusterUrl, "-map", "0", "-c", "copy",
             "-cluster_time_limit", "2000", "-flush_packets", "1", "-f", "matroska", "-y",
             outputFile});
        break;
    case JobKind::Transcode: // one input, N outputs: ladderArguments() (transcodeladder.h)
        break;
    }
    return a;
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
