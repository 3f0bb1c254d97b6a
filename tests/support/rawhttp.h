#pragma once
// A minimal blocking HTTP/1.1 client over POSIX sockets for tests of the real server process.
// Tests only: the product's clients are Beast (core) and Qt Network (console).

#include <chrono>
#include <cstdint>
#include <string>

namespace sy::test {

struct RawResponse {
    int status = 0; // 0: no response (connection failed or closed early)
    std::string headers;
    std::string body;
};

// Sends `request` verbatim to 127.0.0.1:port and reads until the server closes or the timeout.
RawResponse rawExchange(std::uint16_t port, const std::string& request,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

// GET path with Connection: close.
RawResponse httpGet(std::uint16_t port, const std::string& path);

} // namespace sy::test
