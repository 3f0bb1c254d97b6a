#include "core/nodes/nginxconfigtemplate.h"

#include "core/nodes/resourcelocator.h"
#include "core/util/strings.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace sy::nodes {

namespace {

constexpr std::string_view kBegin = "#@BEGIN_APPLICATION@\n";
constexpr std::string_view kEnd = "#@END_APPLICATION@\n";

// The flashVer that a relay pull announces, so that /stat on the parent can tell a child node's
// relay from a viewer (see NginxStatParser).
constexpr std::string_view kRelayFlashVer = "ngx-relay";

// kNodeSecretHeader as nginx names its variable: lower case, '-' as '_'.
std::string headerVariable() {
    std::string out(kNodeSecretHeader);
    for (auto& c : out)
        c = c == '-' ? '_' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

void replaceAll(std::string& text, std::string_view key, std::string_view value) {
    for (auto pos = text.find(key); pos != std::string::npos;
         pos = text.find(key, pos + value.size()))
        text.replace(pos, key.size(), value);
}

// A leftover @NAME@ means the template asks for something this code does not provide.
Result<void> checkNoPlaceholderLeft(const std::string& text) {
    for (auto at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
        auto end = at + 1;
        while (end < text.size() && ((text[end] >= 'A' && text[end] <= 'Z') || text[end] == '_'))
            ++end;
        if (end > at + 1 && end < text.size() && text[end] == '@')
            return fail("bad_template",
                        "nginx template: unknown placeholder " + text.substr(at, end - at + 1));
    }
    return {};
}

std::string roleDirectives(const NodeSpec& spec, const std::string& app) {
    if (spec.kind == NodeKind::Origin)
        return "            # origin: accepts publishers";
    std::string out = "            # " + std::string(toString(spec.kind)) +
                      ": only the first pull is ever tried; on_play redirects reach the others\n";
    // The relay credential lets the parent's on_play tell this node from a viewer without a
    // stream token (auth/streamtoken.h); it is only written when the group requires tokens.
    const std::string page =
        spec.relayCredential.empty() ? std::string() : " pageUrl=" + spec.relayCredential;
    for (int port : spec.parentRtmpPorts)
        out += "            pull rtmp://127.0.0.1:" + std::to_string(port) + "/" + app +
               " flashVer=" + std::string(kRelayFlashVer) + page + ";\n";
    // Clients may not publish here; the local side of a pull is not refused by this.
    out += "            deny publish all;";
    return out;
}

std::string callbacks(const NodeSpec& spec) {
    if (spec.callbackBaseUrl.empty())
        return "            # no callbacks";
    auto base = spec.callbackBaseUrl;
    while (base.ends_with('/'))
        base.pop_back();
    base += "/" + spec.nodeId + "/";
    // The secret rides in the URL's query: nginx-rtmp sends the URL as written (POST
    // /NODEID/publish?secret=...), and it stays in this 0600 file, off nginx's command line.
    const std::string query = "?secret=" + spec.secret;
    return "            notify_method post;\n"
           "            on_publish " +
           base + "publish" + query +
           ";\n"
           "            on_play " +
           base + "play" + query +
           ";\n"
           "            on_done " +
           base + "done" + query + ";";
}

// nginx compares the header with the secret (both validated: letters and digits only).
std::string coreOnly(const NodeSpec& spec) {
    return "            if ($http_" + headerVariable() + " != \"" + spec.secret +
           "\") {\n"
           "                return 401;\n"
           "            }";
}

// Origins segment what is published to them; edges and relays serve their parents' segments.
std::string hlsDirectives(const NodeSpec& spec, const std::string& app) {
    if (!spec.hls || spec.kind != NodeKind::Origin)
        return "            hls off;";
    return "            hls on;\n"
           "            hls_path " +
           (spec.prefixDir / "temp" / "hls" / app).string() +
           ";\n"
           "            hls_fragment " +
           std::to_string(spec.hlsFragmentS) +
           "s;\n"
           "            hls_playlist_length " +
           std::to_string(spec.hlsPlaylistS) +
           "s;\n"
           "            hls_cleanup on;";
}

std::string hlsUpstream(const NodeSpec& spec) {
    if (!spec.hls || spec.kind == NodeKind::Origin || spec.parentHttpPorts.empty())
        return "    # no HLS upstream";
    std::string out = "    upstream hls_parents {\n";
    for (int port : spec.parentHttpPorts)
        out += "        server 127.0.0.1:" + std::to_string(port) + ";\n";
    return out + "    }";
}

std::string hlsLocation(const NodeSpec& spec) {
    if (!spec.hls)
        return "        # HLS off";
    const std::string head = "        location /hls/ {\n"
                             "            add_header Cache-Control no-cache;\n"
                             "            add_header Access-Control-Allow-Origin *;\n";
    if (spec.kind == NodeKind::Origin)
        return head +
               "            types {\n"
               "                application/vnd.apple.mpegurl m3u8;\n"
               "                video/mp2t ts;\n"
               "            }\n"
               "            alias " +
               (spec.prefixDir / "temp" / "hls").string() +
               "/;\n"
               "        }";
    if (spec.parentHttpPorts.empty())
        return head + "            return 404;\n        }";
    // A parent that does not carry the stream answers 404: the next one is asked.
    return head + "            proxy_pass http://hls_parents;\n"
                  "            proxy_next_upstream error timeout http_404;\n"
                  "            proxy_connect_timeout 1s;\n"
                  "        }";
}

// `user` only matters (and is only allowed without a warning) when the master runs as root.
std::string workerUser() {
    if (::geteuid() != 0)
        return "# (not root: the worker keeps the master's user)";
    const passwd* pw = ::getpwuid(0);
    const std::string name = pw && pw->pw_name ? pw->pw_name : "root";
    return isConfigSafeToken(name) ? "user " + name + ";" : "user root;";
}

// Created 0600 (and made so if it existed), so the secret is never readable by others, not even
// for a moment.
Result<void> writePrivateFile(const std::filesystem::path& path, std::string_view text) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail("io_error",
                    "cannot write " + sy::quoted(path.string()) + ": " + std::strerror(errno));
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::string_view rest = text; ok && !rest.empty();) {
        const auto n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            rest.remove_prefix(static_cast<std::size_t>(n));
    }
    const int err = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok)
        return fail("io_error",
                    "cannot write " + sy::quoted(path.string()) + ": " + std::strerror(err));
    return {};
}

} // namespace

Result<NginxConfigTemplate> NginxConfigTemplate::fromText(std::string text) {
    const auto begin = text.find(kBegin);
    const auto end = begin == std::string::npos ? begin : text.find(kEnd, begin);
    if (begin == std::string::npos || end == std::string::npos)
        return fail("bad_template", "nginx template: needs a #@BEGIN_APPLICATION@ line followed by "
                                    "a #@END_APPLICATION@ line");
    // A template that does not guard /stat and /control would let any local user drop clients.
    if (text.find("@CORE_ONLY@") == std::string::npos)
        return fail("bad_template", "nginx template: /stat and /control need an @CORE_ONLY@ line "
                                    "(only the core may use them)");
    NginxConfigTemplate t;
    t.head_ = text.substr(0, begin);
    t.application_ = text.substr(begin + kBegin.size(), end - begin - kBegin.size());
    t.tail_ = text.substr(end + kEnd.size());
    return t;
}

Result<NginxConfigTemplate> NginxConfigTemplate::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return fail("bad_template", "cannot read nginx template " + sy::quoted(file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    return fromText(std::move(text).str());
}

Result<NginxConfigTemplate> NginxConfigTemplate::loadDefault() {
    auto file = ResourceLocator::find("nginx/node.conf.in");
    if (!file)
        return sy::unexpected(std::move(file).error());
    return load(*file);
}

Result<std::string> NginxConfigTemplate::render(const NodeSpec& spec,
                                                const std::filesystem::path& rtmpModule) const {
    if (auto ok = validate(spec); !ok)
        return sy::unexpected(ok.error());
    if (!rtmpModule.is_absolute() || !isConfigSafeToken(rtmpModule.string()))
        return fail("invalid_node_spec",
                    "rtmpModule: " + sy::quoted(rtmpModule.string()) +
                        " must be an absolute path without spaces, quotes or ';'");
    std::string text = head_;
    for (const auto& app : spec.applications) {
        std::string section = application_;
        replaceAll(section, "@APP@", app);
        replaceAll(section, "@ROLE_DIRECTIVES@", roleDirectives(spec, app));
        replaceAll(section, "@HLS_DIRECTIVES@", hlsDirectives(spec, app));
        replaceAll(section, "@CALLBACKS@", callbacks(spec));
        text += section;
    }
    text += tail_;
    replaceAll(text, "@HLS_UPSTREAM@", hlsUpstream(spec));
    replaceAll(text, "@HLS_LOCATION@", hlsLocation(spec));
    replaceAll(text, "@CORE_ONLY@", coreOnly(spec));
    replaceAll(text, "@WORKER_USER@", workerUser());
    replaceAll(text, "@NODE_ID@", spec.nodeId);
    replaceAll(text, "@ROLE@", toString(spec.kind));
    replaceAll(text, "@RTMP_MODULE@", rtmpModule.string());
    replaceAll(text, "@RTMP_PORT@", std::to_string(spec.rtmpPort));
    replaceAll(text, "@HTTP_PORT@", std::to_string(spec.httpPort));
    if (auto ok = checkNoPlaceholderLeft(text); !ok)
        return sy::unexpected(ok.error());
    return text;
}

Result<std::filesystem::path> writeNodeConfig(const NodeSpec& spec, std::string_view text,
                                              std::string_view fileName) {
    if (auto ok = validate(spec); !ok)
        return sy::unexpected(ok.error());
    if (!sy::isSafeName(fileName))
        return fail("invalid_node_spec",
                    "config file name " + sy::quoted(fileName) + " is not a safe name");
    std::error_code ec;
    // nginx-rtmp creates an application's hls_path, but not its parent.
    for (const char* sub : {"conf", "logs", "temp", "temp/hls"}) {
        std::filesystem::create_directories(spec.prefixDir / sub, ec);
        if (ec)
            return fail("io_error", "cannot create " + sy::quoted((spec.prefixDir / sub).string()) +
                                        ": " + ec.message());
    }
    // The config holds the node's secret: the prefix is the core's alone (0700), and so is the
    // file.
    std::filesystem::permissions(spec.prefixDir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec)
        return fail("io_error",
                    "cannot restrict " + sy::quoted(spec.prefixDir.string()) + ": " + ec.message());
    const auto file = spec.prefixDir / "conf" / std::string(fileName);
    auto tmp = file;
    tmp += ".tmp";
    if (auto written = writePrivateFile(tmp, text); !written)
        return sy::unexpected(written.error());
    std::filesystem::rename(tmp, file, ec);
    if (ec)
        return fail("io_error", "cannot rename " + sy::quoted(tmp.string()) + ": " + ec.message());
    return file;
}

} // namespace sy::nodes
