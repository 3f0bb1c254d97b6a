#pragma once
// Command line of switchyard-server. Secrets never come from argv: the first admin's password is
// read from SWITCHYARD_ADMIN_PASSWORD or from the file named by --admin-password-file.

#include "core/api/clientaddress.h"
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
    std::string jwtSecretFile; // else SWITCHYARD_JWT_SECRET, else generated into the data dir
    std::string tlsCertFile;   // both or neither: HTTPS only
    std::string tlsKeyFile;
    int tokenTtlMinutes = 400;  // Stream Manager 2.0's 400 minutes
    int localPortFirst = 19350; // ports of LOCAL nodes (RTMP and HTTP of each node)
    int localPortLast = 19999;
    // Reverse proxies whose X-Forwarded-For is believed (for the login throttle); none: the peer.
    api::TrustedProxies trustedProxies;
    // Open API connections from one client address (0: no limit). Behind a reverse proxy every
    // client shares the proxy's address: raise it there.
    int maxConnectionsPerAddress = 64;
    bool demo = false;
    bool showHelp = false;
    bool showVersion = false;
};

Result<ServerOptions> parseServerOptions(const std::vector<std::string>& args);
std::string serverUsage();
std::string defaultDataDir();

} // namespace sy::server
