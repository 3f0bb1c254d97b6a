#include "app/server/serveroptions.h"

#include "core/api/httpserver.h"

#include <cstdlib>

namespace sy::server {

std::string serverUsage() {
    return "Usage: switchyard-server [options]\n"
           "\n"
           "Runs the Switchyard control core headless and serves the Stream Manager 2.0\n"
           "compatible API under /as/v1.\n"
           "\n"
           "Options:\n"
           "  --listen HOST:PORT          address to serve on (default 127.0.0.1:5080)\n"
           "  --data-dir DIR              state directory (default "
           "$XDG_DATA_HOME/switchyard-server)\n"
           "  --admin-password-file FILE  first admin's password (or SWITCHYARD_ADMIN_PASSWORD)\n"
           "  --demo                      start with a demo node group\n"
           "  --version                   print the version and exit\n"
           "  -h, --help                  print this help and exit\n"
           "\n"
           "Environment:\n"
           "  SWITCHYARD_ADMIN_USER, SWITCHYARD_ADMIN_PASSWORD  the first admin account\n";
}

std::string defaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/switchyard-server";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/switchyard-server";
    return "./switchyard-data";
}

Result<ServerOptions> parseServerOptions(const std::vector<std::string>& args) {
    ServerOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* name) -> Result<std::string> {
            if (i + 1 >= args.size())
                return fail("usage", std::string(name) + " needs a value");
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            o.showHelp = true;
        } else if (a == "--version") {
            o.showVersion = true;
        } else if (a == "--demo") {
            o.demo = true;
        } else if (a == "--listen") {
            auto v = value("--listen");
            if (!v)
                return unexpected(v.error());
            auto hp = api::parseListenAddress(*v);
            if (!hp)
                return fail("usage", "--listen: " + hp.error().message);
            o.listenAddress = hp->first;
            o.listenPort = hp->second;
        } else if (a == "--data-dir") {
            auto v = value("--data-dir");
            if (!v)
                return unexpected(v.error());
            o.dataDir = *v;
        } else if (a == "--admin-password-file") {
            auto v = value("--admin-password-file");
            if (!v)
                return unexpected(v.error());
            o.adminPasswordFile = *v;
        } else if (a.starts_with("--admin-password")) {
            return fail("usage", "passwords are not taken from the command line; use "
                                 "SWITCHYARD_ADMIN_PASSWORD or --admin-password-file");
        } else {
            return fail("usage", "unknown option '" + a + "' (see --help)");
        }
    }
    if (o.dataDir.empty())
        o.dataDir = defaultDataDir();
    return o;
}

} // namespace sy::server
