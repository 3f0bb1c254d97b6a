#pragma once
// The HTTP/1.1 server under switchyard-server's API. Built on Boost.Beast, which stays inside
// httpserver.cpp (a Beast translation unit is expensive to compile; nothing else includes it).
//
// One object per connection, each with a read timeout and header and body limits; a handler that
// is a pure function from request to response; stop() cancels outstanding work and joins.

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
    std::chrono::milliseconds requestTimeout{30'000}; // a whole request must arrive in this time
    std::chrono::milliseconds idleTimeout{60'000};    // keep-alive connections close after this
    int threads = 2;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
public:
    HttpServer(ServerOptions options, Handler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts serving on background threads. Fails with a message naming the address.
    Result<void> start();
    // The bound port (useful with port 0).
    std::uint16_t port() const;
    // Closes the listener and every open connection, waits for the threads. Idempotent.
    void stop();

    struct Impl; // opaque; public only so that connection objects in the .cpp can name it

private:
    std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:5080" → address and port; "[::1]:5080" for IPv6. Error names what is wrong.
Result<std::pair<std::string, std::uint16_t>> parseListenAddress(std::string_view text);

} // namespace sy::api
