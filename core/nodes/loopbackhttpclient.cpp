#include "core/nodes/loopbackhttpclient.h"

#include "core/nodes/nodespec.h"
#include "core/util/strings.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>

namespace sy::nodes {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
public:
    explicit Fd(int fd)
        : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

int msLeft(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout or poll error.
bool waitFor(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, msLeft(deadline));
        if (n > 0)
            return true;
        if (n == 0 || errno != EINTR)
            return false;
    }
}

Result<void> connectTo(int fd, const sockaddr* addr, socklen_t addrLen, const std::string& where,
                       Clock::time_point deadline) {
    if (::connect(fd, addr, addrLen) == 0)
        return {};
    if (errno != EINPROGRESS)
        return fail("http_connect", "cannot connect to " + where + ": " + std::strerror(errno));
    if (!waitFor(fd, POLLOUT, deadline))
        return fail("http_connect", "connecting to " + where + " timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0)
        return fail("http_connect", "cannot connect to " + where + ": " + std::strerror(err));
    return {};
}

Result<void> connectLoopback(int fd, int port, Clock::time_point deadline) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connectTo(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr,
                     "127.0.0.1:" + std::to_string(port), deadline);
}

Result<void> sendAll(int fd, std::string_view data, Clock::time_point deadline);

// Sends `request` on a connected socket and reads the whole response before `total`.
Result<HttpResponse> exchange(int fd, const std::string& request, const std::string& where,
                              Clock::time_point total, std::size_t maxResponse) {
    if (auto ok = sendAll(fd, request, total); !ok)
        return sy::unexpected(ok.error());
    std::string raw;
    for (;;) {
        if (!waitFor(fd, POLLIN, total))
            return fail("http_timeout", "no complete response from " + where + " in time");
        char buf[16384];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        const bool closed = n <= 0;
        if (!closed)
            raw.append(buf, static_cast<std::size_t>(n));
        if (raw.size() > maxResponse)
            return fail("http_too_big", "response larger than " + std::to_string(maxResponse));
        bool complete = false;
        auto r = parseHttpResponse(raw, closed, complete);
        if (!r || complete)
            return r;
    }
}

Result<void> sendAll(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!waitFor(fd, POLLOUT, deadline))
                return fail("http_timeout", "sending the request timed out");
        } else {
            return fail("http_connect", std::string("send failed: ") + std::strerror(errno));
        }
    }
    return {};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view headerValue(std::string_view headers, std::string_view name) {
    for (auto line : sy::split(headers, '\n')) {
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && lower(sy::trim(line.substr(0, colon))) == name)
            return sy::trim(line.substr(colon + 1));
    }
    return {};
}

// Decodes a chunked body: true when complete, false while bytes are missing.
Result<bool> dechunk(std::string_view raw, std::string& body) {
    body.clear();
    for (;;) {
        const auto eol = raw.find("\r\n");
        if (eol == std::string_view::npos)
            return false;
        auto sizeText = raw.substr(0, raw.find_first_of(";\r"));
        std::size_t size = 0;
        const auto [p, ec] =
            std::from_chars(sizeText.data(), sizeText.data() + sizeText.size(), size, 16);
        if (ec != std::errc{} || p != sizeText.data() + sizeText.size())
            return fail("http_protocol", "bad chunk size");
        raw.remove_prefix(eol + 2);
        if (size == 0)
            return true; // trailers are ignored
        if (raw.size() < size + 2)
            return false;
        body.append(raw.substr(0, size));
        raw.remove_prefix(size + 2);
    }
}

} // namespace

Result<HttpResponse> parseHttpResponse(std::string_view raw, bool connectionClosed,
                                       bool& complete) {
    complete = false;
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (connectionClosed)
            return fail("http_protocol", "connection closed before the response headers ended");
        return HttpResponse{};
    }
    HttpResponse r;
    r.headers = raw.substr(0, end);
    if (!raw.starts_with("HTTP/1.") || raw.size() < 12)
        return fail("http_protocol", "not an HTTP/1.x response");
    const auto status = sy::parseInt(raw.substr(9, 3));
    if (!status || *status < 100 || *status > 599)
        return fail("http_protocol", "bad status line");
    r.status = static_cast<int>(*status);
    const auto rest = raw.substr(end + 4);
    if (lower(headerValue(r.headers, "transfer-encoding")).find("chunked") != std::string::npos) {
        auto done = dechunk(rest, r.body);
        if (!done)
            return sy::unexpected(done.error());
        complete = *done;
    } else if (const auto length = headerValue(r.headers, "content-length"); !length.empty()) {
        const auto n = sy::parseInt(length);
        if (!n || *n < 0)
            return fail("http_protocol", "bad Content-Length");
        complete = rest.size() >= static_cast<std::size_t>(*n);
        r.body = rest.substr(0, static_cast<std::size_t>(*n));
    } else {
        complete = connectionClosed;
        r.body = rest;
    }
    if (connectionClosed && !complete)
        return fail("http_protocol", "connection closed in the middle of the body");
    return r;
}

Result<HttpResponse> LoopbackHttpClient::get(int port, std::string_view target,
                                             HttpTimeouts timeouts, std::size_t maxResponse,
                                             std::string_view nodeSecret) {
    if (!isValidPort(port))
        return fail("http_connect", std::to_string(port) + " is not a TCP port");
    if (!target.starts_with('/') || !isConfigSafeToken(target))
        return fail("http_protocol", "bad request target " + sy::quoted(target));
    if (!nodeSecret.empty() && !isConfigSafeToken(nodeSecret))
        return fail("http_protocol", "the node secret is not a header-safe token");
    const auto start = Clock::now();
    const auto total = start + timeouts.total;
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0)
        return fail("http_connect", std::string("socket: ") + std::strerror(errno));
    if (auto ok = connectLoopback(fd.get(), port, std::min(total, start + timeouts.connect)); !ok)
        return sy::unexpected(ok.error());
    std::string request =
        "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!nodeSecret.empty())
        request += std::string(kNodeSecretHeader) + ": " + std::string(nodeSecret) + "\r\n";
    request += "\r\n";
    return exchange(fd.get(), request, "127.0.0.1:" + std::to_string(port), total, maxResponse);
}

Result<HttpResponse> postHttp(std::string_view url, std::string_view body,
                              std::string_view contentType, HttpTimeouts timeouts) {
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme))
        return fail("http_protocol", "only http:// URLs are supported, got " + sy::quoted(url));
    const auto rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    const std::string target =
        slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    std::string host(authority);
    std::string port = "80";
    if (!host.empty() && host.front() == '[') { // [v6]:port
        const auto close = host.find(']');
        if (close == std::string::npos)
            return fail("http_protocol", "bad host in " + sy::quoted(url));
        if (close + 1 < host.size() && host[close + 1] == ':')
            port = host.substr(close + 2);
        host = host.substr(1, close - 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
        port = host.substr(colon + 1);
        host.resize(colon);
    }
    const auto portNumber = sy::parseInt(port);
    if (host.empty() || !portNumber || !isValidPort(static_cast<int>(*portNumber)) ||
        !isConfigSafeToken(target))
        return fail("http_protocol", "bad URL " + sy::quoted(url));
    const auto start = Clock::now();
    const auto total = start + timeouts.total;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return fail("http_connect", "cannot resolve " + sy::quoted(host) + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    const std::string where = std::string(authority);
    Result<void> connected = fail("http_connect", "no address for " + sy::quoted(host));
    for (const addrinfo* a = found; a; a = a->ai_next) {
        Fd fd(::socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (fd.get() < 0)
            continue;
        connected = connectTo(fd.get(), a->ai_addr, a->ai_addrlen, where,
                              std::min(total, start + timeouts.connect));
        if (!connected)
            continue;
        const auto request = "POST " + target + " HTTP/1.1\r\nHost: " + where +
                             "\r\nConnection: close\r\nContent-Type: " + std::string(contentType) +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                             std::string(body);
        return exchange(fd.get(), request, where, total, LoopbackHttpClient::kDefaultMaxResponse);
    }
    return sy::unexpected(connected.error());
}

} // namespace sy::nodes
