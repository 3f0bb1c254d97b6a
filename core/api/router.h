#pragma once
// The route table: method + path pattern → handler. Patterns are literal segments, `{name}` for
// one segment, and a final `{name...}` for the rest of the path (stream and provision guids
// contain '/', reference §1 rule 6). One table, so that later checks (roles) live in one place.
// When several patterns of a method match, a literal segment beats a parameter at the first
// segment where they differ, whatever the order of registration (reference §9.2).

#include "core/api/http.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sy::api {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class Router {
public:
    void add(std::string method, std::string pattern, RouteHandler handler);

    // 404 for an unknown path, 405 (with Allow) for a known path with another method.
    HttpResponse dispatch(const HttpRequest& req) const;

    struct Match {
        const RouteHandler* handler = nullptr;
        const std::string* pattern = nullptr; // the matched route's pattern (metrics, logs)
        PathParams params;
    };
    // Exposed for tests and for the OpenAPI document.
    Match match(std::string_view method, std::string_view path) const;

private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        RouteHandler handler;
    };
    static bool matches(const Route& r, const std::vector<std::string_view>& parts,
                        PathParams& params);
    std::vector<Route> routes_;
};

} // namespace sy::api
