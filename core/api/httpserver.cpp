#include "core/api/httpserver.h"

#include "core/util/strings.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace sy::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

HttpRequest toRequest(http::request<http::string_body>&& req, const std::string& remote) {
    HttpRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    for (const auto& field : req)
        out.headers[std::string(field.name_string())] = std::string(field.value());
    out.body = std::move(req.body());
    out.remoteAddress = remote;
    return out;
}

http::response<http::string_body> toBeast(const HttpResponse& r, unsigned version, bool keepAlive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "switchyard-server/" SWITCHYARD_VERSION);
    res.set(http::field::content_type, r.contentType);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers)
        res.set(k, v);
    res.keep_alive(keepAlive);
    res.body() = r.body;
    res.prepare_payload();
    return res;
}

} // namespace

class Session;

struct HttpServer::Impl {
    ServerOptions options;
    Handler handler;
    asio::io_context ioc;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;
    std::mutex mutex; // guards sessions and stopped
    std::list<std::weak_ptr<Session>> sessions;
    bool stopped = false;
    std::uint16_t boundPort = 0;

    void accept();
    void forget(const Session* s);
};

// One object per connection. Lives as long as an operation holds a shared_ptr to it.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, HttpServer::Impl& server)
        : stream_(std::move(socket))
        , server_(server) {
        beast::error_code ec;
        const auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec)
            remote_ = ep.address().to_string();
    }
    ~Session() { server_.forget(this); }

    void start() {
        asio::dispatch(stream_.get_executor(),
                       beast::bind_front_handler(&Session::read, shared_from_this()));
    }

    // Called from stop(): cancels whatever the connection waits for.
    void close() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
            self->stream_.close();
        });
    }

private:
    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.options.headerLimit));
        parser_->body_limit(server_.options.bodyLimit);
        stream_.expires_after(first_ ? server_.options.requestTimeout
                                     : server_.options.idleTimeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::onRead, shared_from_this()));
    }

    void onRead(beast::error_code ec, std::size_t) {
        first_ = false;
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == beast::error::timeout || ec == asio::error::connection_reset)
            return shutdown();
        if (ec == http::error::body_limit)
            return reply(HttpResponse::error(413, "request body is larger than " +
                                                      std::to_string(server_.options.bodyLimit) +
                                                      " bytes"),
                         11, false);
        if (ec == http::error::header_limit)
            return reply(HttpResponse::error(431, "request headers are larger than " +
                                                      std::to_string(server_.options.headerLimit) +
                                                      " bytes"),
                         11, false);
        if (ec)
            return reply(HttpResponse::error(400, "malformed HTTP request: " + ec.message()), 11,
                         false);
        auto req = parser_->release();
        const unsigned version = req.version();
        const bool keepAlive = req.keep_alive();
        HttpResponse res;
        try {
            res = server_.handler(toRequest(std::move(req), remote_));
        } catch (const std::exception&) {
            // No internals in error bodies: the handler's exception stays on this side.
            res = HttpResponse::error(500, "internal error while handling the request");
        }
        reply(res, version, keepAlive);
    }

    void reply(const HttpResponse& r, unsigned version, bool keepAlive) {
        auto res =
            std::make_shared<http::response<http::string_body>>(toBeast(r, version, keepAlive));
        stream_.expires_after(server_.options.requestTimeout);
        http::async_write(
            stream_, *res,
            [self = shared_from_this(), res, keepAlive](beast::error_code ec, std::size_t) {
                if (ec || !keepAlive)
                    return self->shutdown();
                self->read();
            });
    }

    void shutdown() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    HttpServer::Impl& server_;
    std::string remote_;
    bool first_ = true;
};

void HttpServer::Impl::accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
        if (ec == asio::error::operation_aborted)
            return; // stop() closed the acceptor
        if (!ec) {
            auto session = std::make_shared<Session>(std::move(s), *this);
            {
                std::lock_guard lock(mutex);
                if (stopped)
                    return;
                sessions.push_back(session);
            }
            session->start();
        }
        accept();
    });
}

void HttpServer::Impl::forget(const Session* s) {
    std::lock_guard lock(mutex);
    sessions.remove_if([s](const std::weak_ptr<Session>& w) {
        auto p = w.lock();
        return !p || p.get() == s;
    });
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
    stop();
}

Result<void> HttpServer::start() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(impl_->options.address, ec);
    if (ec)
        return fail("bad_address", "cannot listen on " + sy::quoted(impl_->options.address) +
                                       ": not an IP address");
    const tcp::endpoint endpoint{address, impl_->options.port};
    const std::string where = impl_->options.address + ":" + std::to_string(impl_->options.port);
    // The acceptor has a strand of its own: stop() closes it from another thread.
    tcp::acceptor acceptor(asio::make_strand(impl_->ioc));
    if (acceptor.open(endpoint.protocol(), ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor.bind(endpoint, ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    impl_->boundPort = acceptor.local_endpoint().port();
    impl_->acceptor.emplace(std::move(acceptor));
    impl_->accept();
    for (int i = 0; i < std::max(1, impl_->options.threads); ++i)
        impl_->threads.emplace_back([this] { impl_->ioc.run(); });
    return {};
}

std::uint16_t HttpServer::port() const {
    return impl_->boundPort;
}

void HttpServer::stop() {
    std::vector<std::shared_ptr<Session>> open;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped)
            return;
        impl_->stopped = true;
        for (auto& w : impl_->sessions)
            if (auto s = w.lock())
                open.push_back(std::move(s));
    }
    if (impl_->acceptor)
        asio::post(impl_->acceptor->get_executor(), [this] {
            beast::error_code ec;
            impl_->acceptor->close(ec);
        });
    for (auto& s : open)
        s->close();
    open.clear();
    // With the acceptor and every socket closed, run() returns once the handlers have finished.
    for (auto& t : impl_->threads)
        t.join();
    impl_->threads.clear();
}

Result<std::pair<std::string, std::uint16_t>> parseListenAddress(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos)
            return fail("bad_listen", "expected [IPv6]:PORT, got " + sy::quoted(text));
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fail("bad_listen", "expected HOST:PORT, got " + sy::quoted(text));
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    const auto p = parseInt(port);
    if (!p || *p < 0 || *p > 65535)
        return fail("bad_listen", "port must be 0..65535, got " + sy::quoted(port));
    beast::error_code ec;
    asio::ip::make_address(std::string(host), ec);
    if (ec)
        return fail("bad_listen", "host must be an IP address, got " + sy::quoted(host));
    return std::pair{std::string(host), static_cast<std::uint16_t>(*p)};
}

} // namespace sy::api
