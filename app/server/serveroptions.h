#pragma once
// Command line of switchyard-server. Secrets never come from argv: the first admin's password is
// read from SWITCHYARD_ADMIN_PASSWORD or from the file named by --admin-password-file.

#include "core/util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sy::server {

struct ServerOptions {
    std::string listenAddress = "127.0.0.1";
    std::uint16_t listenPort = 5080;
    std::string dataDir; // empty: the default under $XDG_DATA_HOME or ~/.local/share
    std::string adminPasswordFile;
    bool demo = false;
    bool showHelp = false;
    bool showVersion = false;
};

Result<ServerOptions> parseServerOptions(const std::vector<std::string>& args);
std::string serverUsage();
std::string defaultDataDir();

} // namespace sy::server
