#pragma once
// A small blocking HTTP/1.1 GET to 127.0.0.1 over POSIX sockets, for a node's /stat and /control.
// Every step is bounded by a deadline, so a hung node can never hang the engine's worker thread.
// (Beast would do, but costs far more to compile than this needs.)

#include "core/util/result.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace sy::nodes {

struct HttpTimeouts {
    std::chrono::milliseconds connect{1000};
    std::chrono::milliseconds total{3000}; // connect + send + the whole response
};

struct HttpResponse {
    int status = 0;
    std::string headers; // the raw header block, status line included
    std::string body;    // de-chunked
};

class LoopbackHttpClient {
public:
    static constexpr std::size_t kDefaultMaxResponse = 8 * 1024 * 1024;

    // target: "/stat" or "/control/drop/subscriber?app=live&name=cam1" (no spaces or CR/LF).
    // A non-empty nodeSecret is sent in kNodeSecretHeader (nodespec.h): a node's /stat and
    // /control answer only the core.
    // Errors: "http_connect" (refused, timed out), "http_timeout", "http_protocol", "http_too_big".
    static Result<HttpResponse> get(int port, std::string_view target, HttpTimeouts timeouts = {},
                                    std::size_t maxResponse = kDefaultMaxResponse,
                                    std::string_view nodeSecret = {});
};

// A bounded HTTP/1.1 POST to any http:// URL (name resolved with getaddrinfo, IPv4 or IPv6): the
// round-trip stream authentication's call to an operator's validate URL.
Result<HttpResponse> postHttp(std::string_view url, std::string_view body,
                              std::string_view contentType, HttpTimeouts timeouts = {});

// Splits a raw HTTP/1.x response; exposed for tests. Handles Content-Length, chunked and
// read-until-close bodies; `complete` is false while more bytes are needed.
Result<HttpResponse> parseHttpResponse(std::string_view raw, bool connectionClosed, bool& complete);

} // namespace sy::nodes
