#include "core/nodes/nginxinstallation.h"

#include "core/util/strings.h"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace sy::nodes {

namespace {

bool isExecutable(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::filesystem::path findNginx() {
    if (const char* path = std::getenv("PATH"))
        for (auto dir : sy::split(path, ':'))
            if (!dir.empty() && isExecutable(std::filesystem::path(dir) / "nginx"))
                return std::filesystem::path(dir) / "nginx";
    if (isExecutable("/usr/sbin/nginx"))
        return "/usr/sbin/nginx";
    return {};
}

} // namespace

Result<NginxInstallation> NginxInstallation::locate() {
    NginxInstallation found;
    found.binary = findNginx();
    if (found.binary.empty())
        return fail("nginx_missing", "nginx not found on PATH or at /usr/sbin/nginx (install the "
                                     "Debian package nginx)");
    found.rtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(found.rtmpModule, ec))
        return fail("nginx_missing", sy::quoted(found.rtmpModule.string()) +
                                         " not found (install the Debian package "
                                         "libnginx-mod-rtmp)");
    return found;
}

} // namespace sy::nodes
