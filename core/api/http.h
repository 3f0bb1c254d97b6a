#pragma once
// HTTP request and response values as the API's handlers see them: plain data, no Beast types,
// so handlers are pure functions that tests call without a socket.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sy::api {

struct CaseInsensitiveLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};

struct HttpRequest {
    std::string method; // "GET", "PUT", …
    std::string target; // path and query as sent: "/as/v1/admin/healthz?x=1"
    std::map<std::string, std::string, CaseInsensitiveLess> headers;
    std::string body;
    std::string remoteAddress;

    std::string_view path() const;  // target without the query
    std::string_view query() const; // after '?', or empty
    std::string header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpResponse json(int status, const nlohmann::json& body);
    // Every API error has this shape: {"errorMessage": "..."} (reference §1).
    static HttpResponse error(int status, std::string message);
};

// Decodes %XX and '+' in a query component; nullopt-free: invalid escapes are kept as sent.
std::string urlDecode(std::string_view s);
// Splits "a=1&b=two" into decoded pairs.
std::map<std::string, std::string> parseQuery(std::string_view query);

} // namespace sy::api
