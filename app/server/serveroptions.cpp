#include "app/server/serveroptions.h"

#include "core/api/httpserver.h"
#include "core/util/strings.h"

#include <cstdlib>
#include <map>

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
           "  --jwt-secret-file FILE      token signing key, >= 32 bytes (or "
           "SWITCHYARD_JWT_SECRET;\n"
           "                              default: generated into the data directory)\n"
           "  --tls-cert FILE             serve HTTPS with this PEM certificate (chain)...\n"
           "  --tls-key FILE              ...and this PEM private key\n"
           "  --token-ttl MINUTES         lifetime of API tokens (default 400)\n"
           "  --local-ports FIRST-LAST    ports for LOCAL nodes (default 19350-19999)\n"
           "  --trusted-proxy ADDR[,ADDR] reverse proxies (addresses or CIDR networks) whose\n"
           "                              X-Forwarded-For names the client; repeatable\n"
           "  --max-connections-per-address N\n"
           "                              open connections from one address (default 64, 0: no\n"
           "                              limit; raise it behind a reverse proxy)\n"
           "  --demo                      start with a demo node group\n"
           "  --version                   print the version and exit\n"
           "  -h, --help                  print this help and exit\n"
           "\n"
           "Environment:\n"
           "  SWITCHYARD_ADMIN_USER, SWITCHYARD_ADMIN_PASSWORD  the first admin account\n"
           "  SWITCHYARD_JWT_SECRET                             token signing key\n"
           "\n"
           "With no admin password given and no user stored, a random one is written to\n"
           "DIR/initial-admin-password (mode 0600).\n";
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
    std::string trustedProxies; // every --trusted-proxy, joined
    const std::map<std::string, std::string*> fileOptions = {
        {"--data-dir", &o.dataDir},
        {"--admin-password-file", &o.adminPasswordFile},
        {"--jwt-secret-file", &o.jwtSecretFile},
        {"--tls-cert", &o.tlsCertFile},
        {"--tls-key", &o.tlsKeyFile}};
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
        } else if (auto f = fileOptions.find(a); f != fileOptions.end()) {
            auto v = value(a.c_str());
            if (!v)
                return unexpected(v.error());
            *f->second = *v;
        } else if (a == "--token-ttl") {
            auto v = value("--token-ttl");
            if (!v)
                return unexpected(v.error());
            const auto minutes = parseInt(*v);
            if (!minutes || *minutes < 1 || *minutes > 7 * 24 * 60)
                return fail("usage", "--token-ttl: minutes from 1 to 10080, got '" + *v + "'");
            o.tokenTtlMinutes = static_cast<int>(*minutes);
        } else if (a == "--trusted-proxy") {
            auto v = value("--trusted-proxy");
            if (!v)
                return unexpected(v.error());
            auto proxies = api::TrustedProxies::parse(*v);
            if (!proxies || proxies->empty())
                return fail("usage",
                            "--trusted-proxy: " + (proxies ? std::string("no address given")
                                                           : proxies.error().message));
            trustedProxies += (trustedProxies.empty() ? "" : ",") + *v;
        } else if (a == "--local-ports") {
            auto v = value("--local-ports");
            if (!v)
                return unexpected(v.error());
            const auto dash = v->find('-');
            const auto first = parseInt(std::string_view(*v).substr(0, dash));
            const auto last = dash == std::string::npos
                                  ? std::nullopt
                                  : parseInt(std::string_view(*v).substr(dash + 1));
            if (!first || !last || *first < 1024 || *last > 65535 || *last - *first < 3)
                return fail("usage", "--local-ports: FIRST-LAST within 1024-65535 with at least "
                                     "4 ports, got '" +
                                         *v + "'");
            o.localPortFirst = static_cast<int>(*first);
            o.localPortLast = static_cast<int>(*last);
        } else if (a == "--max-connections-per-address") {
            auto v = value("--max-connections-per-address");
            if (!v)
                return unexpected(v.error());
            const auto n = parseInt(*v);
            if (!n || *n < 0 || *n > 100000)
                return fail("usage",
                            "--max-connections-per-address: 0 to 100000, got '" + *v + "'");
            o.maxConnectionsPerAddress = static_cast<int>(*n);
        } else if (a.starts_with("--admin-password")) {
            return fail("usage", "passwords are not taken from the command line; use "
                                 "SWITCHYARD_ADMIN_PASSWORD or --admin-password-file");
        } else {
            return fail("usage", "unknown option '" + a + "' (see --help)");
        }
    }
    if (o.tlsCertFile.empty() != o.tlsKeyFile.empty())
        return fail("usage", "--tls-cert and --tls-key go together");
    if (o.dataDir.empty())
        o.dataDir = defaultDataDir();
    if (auto proxies = api::TrustedProxies::parse(trustedProxies))
        o.trustedProxies = std::move(proxies).value();
    return o;
}

} // namespace sy::server
