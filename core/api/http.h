#pragma once
// HTTP request and response values as the API's handlers see them: plain data, no Beast types,
// so handlers are pure functions that tests call without a socket.

#include <functional>
#include <map>
#include <memory>
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

// A response body written over time (server-sent events). The server owns the connection; the
// producer holds a shared_ptr and pushes chunks from any thread.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    // Queues a chunk for sending. False once the connection has closed (or the client is so slow
    // that the queue passed its limit and the server closed it): stop producing then.
    virtual bool write(std::string chunk) = 0;
    virtual bool isOpen() const = 0;
    // Ends the response after what is queued has been sent, and closes the connection.
    virtual void close() = 0;
    // Runs once, on a server thread, when the connection closes for any reason (client gone,
    // close(), server stop). Runs at once if it already has.
    virtual void onClose(std::function<void()> callback) = 0;
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // When set, the server sends the status and headers without Content-Length (the connection
    // closes at the end), calls `stream` once with the open stream, and ignores `body`.
    std::function<void(std::shared_ptr<ResponseStream>)> stream;

    static HttpResponse json(int status, const nlohmann::json& body);
    // Every API error has this shape: {"errorMessage": "...", "error": "..."}, the same message
    // twice: Red5's mobile SDKs read errorMessage (reference §1), its newest TypeScript client
    // reads error first (§9.6). `extra` adds members (an object), e.g. "problems".
    static HttpResponse error(int status, std::string message,
                              nlohmann::json extra = nlohmann::json::object());
};

// Decodes %XX and '+' in a query component; nullopt-free: invalid escapes are kept as sent.
std::string urlDecode(std::string_view s);
// Splits "a=1&b=two" into decoded pairs; a repeated key keeps its last value.
std::map<std::string, std::string> parseQuery(std::string_view query);
// Every decoded pair in order, repeated keys included.
std::vector<std::pair<std::string, std::string>> parseQueryPairs(std::string_view query);

} // namespace sy::api
