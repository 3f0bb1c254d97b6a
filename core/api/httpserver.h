#pragma once
// The HTTP/1.1 server under switchyard-server's API. Built on Boost.Beast, which stays inside
// httpserver.cpp (a Beast translation unit is expensive to compile; nothing else includes it).
//
// One object per connection, each with a read timeout and header and body limits; a handler that
// is a pure function from request to response, or an asynchronous one that answers later from
// any thread (so slow work runs on a pool, not on the I/O threads); stop() cancels outstanding
// work and joins.

#include "core/api/http.h"
#include "core/util/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sy::api {

struct ServerOptions {
    std::string address = "127.0.0.1"; // loopback unless told otherwise
    std::uint16_t port = 5080;         // 0 picks a free port (see HttpServer::port())
    std::size_t headerLimit = 16 * 1024;
    std::size_t bodyLimit = 1024 * 1024;
    // A request must arrive whole within this time of its first byte, or it gets 408. Also bounds
    // the TLS handshake, a new connection's wait for its first byte and writing a response.
    std::chrono::milliseconds requestTimeout{30'000};
    // A keep-alive connection that sends nothing for this long closes (no response). Also bounds
    // a single write to a streaming client.
    std::chrono::milliseconds idleTimeout{60'000};
    int threads = 2;
    // Connections beyond this get 503 and are closed.
    std::size_t maxConnections = 1024;
    // Open connections from one client address beyond this get 429 and are closed, so that one
    // client cannot take all of maxConnections. 0: no limit (the node-callback endpoint, where
    // every local node shares 127.0.0.1).
    std::size_t maxConnectionsPerAddress = 64;

    // Streaming responses (HttpResponse::stream). Bytes queued and not yet sent to one client;
    // past it the server closes that connection (slow consumer: SSE clients resume with
    // Last-Event-ID).
    std::size_t streamQueueLimit = 4 * 1024 * 1024;
    // Sent when nothing was written for streamHeartbeat, so that proxies keep the connection.
    // Zero disables heartbeats.
    std::chrono::milliseconds streamHeartbeat{15'000};
    std::string streamHeartbeatChunk = ": keep-alive\n\n"; // an SSE comment

    // HTTPS only when both are set (PEM; the certificate file may hold a chain). TLS 1.2 or later.
    std::string tlsCertFile;
    std::string tlsKeyFile;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;
// Called once with the response, from any thread; the connection waits for it (and stop() does
// not: a response that comes after stop() is dropped).
using Respond = std::function<void(HttpResponse)>;
using AsyncHandler = std::function<void(HttpRequest, Respond)>;

class HttpServer {
public:
    HttpServer(ServerOptions options, Handler handler);
    HttpServer(ServerOptions options, AsyncHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts serving on background threads. Fails with a message naming the address,
    // or the TLS file and the cause (missing, unreadable, key not matching the certificate).
    Result<void> start();
    // The bound port (useful with port 0).
    std::uint16_t port() const;
    // Closes the listener and every open connection (open streams too: their onClose callbacks
    // run), waits for the threads. Idempotent.
    void stop();

    struct Impl; // opaque; public only so that connection objects in the .cpp can name it

private:
    std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:5080" → address and port; "[::1]:5080" for IPv6. Error names what is wrong.
Result<std::pair<std::string, std::uint16_t>> parseListenAddress(std::string_view text);

} // namespace sy::api
