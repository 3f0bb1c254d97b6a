#pragma once
// Where nginx and the RTMP module live on this machine.

#include "core/util/result.h"

#include <filesystem>

namespace sy::nodes {

struct NginxInstallation {
    std::filesystem::path binary;     // the nginx executable
    std::filesystem::path rtmpModule; // loaded with load_module by every node config

    // nginx from PATH, then /usr/sbin/nginx (not on a normal user's PATH on Debian); the module
    // from Debian's libnginx-mod-rtmp. The error says which package is missing.
    static Result<NginxInstallation> locate();
};

} // namespace sy::nodes
