#include "core/api/httpserver.h"

#include "core/api/streamchannel.h"
#include "core/api/tlscontext.h"
#include "core/util/strings.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>
#include <vector>

namespace sy::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// How long a closing connection waits for the client's FIN (or TLS close_notify). Closing with
// unread request bytes makes the kernel send a reset, which can destroy the response in flight.
constexpr std::chrono::milliseconds lingerCap{2000};

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

template <class Message>
void setFields(Message& res, const HttpResponse& r) {
    res.set(http::field::server, "switchyard-server/" SWITCHYARD_VERSION);
    res.set(http::field::content_type, r.contentType);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers)
        res.set(k, v);
}

http::response<http::string_body> toBeast(const HttpResponse& r, unsigned version, bool keepAlive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    setFields(res, r);
    res.keep_alive(keepAlive);
    res.body() = r.body;
    res.prepare_payload();
    return res;
}

// The status line and headers of a streamed response. Without Content-Length or chunking the
// body ends when the connection closes, which every SSE client understands.
std::string streamHead(const HttpResponse& r, unsigned version) {
    http::response<http::empty_body> res{static_cast<http::status>(r.status), version};
    setFields(res, r);
    res.keep_alive(false);
    std::ostringstream out;
    out << res.base();
    return out.str();
}

// A request the parser rejected (as opposed to a client that went away mid-request).
bool isMalformed(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

Result<void> loadTls(const ServerOptions& o, std::optional<ssl::context>& out) {
    if (o.tlsCertFile.empty() && o.tlsKeyFile.empty())
        return {};
    if (o.tlsCertFile.empty() || o.tlsKeyFile.empty())
        return fail("tls_config", "TLS needs both a certificate file and a key file");
    auto ctx = loadServerTlsContext(o.tlsCertFile, o.tlsKeyFile);
    if (!ctx)
        return unexpected(ctx.error());
    out.emplace(ctx->release()); // the context owns the handle from here
    return {};
}

} // namespace

// What the server keeps of a connection: enough to start it and to end it from stop(). Outside
// the anonymous namespace because Impl, which has external linkage, holds it.
class HttpConnection {
public:
    virtual ~HttpConnection() = default;
    virtual void start() = 0;
    virtual void closeFromAnyThread() = 0;
};

// Whether a new connection is served, or answered with an error and closed.
enum class Admission { Admitted, ServerFull, AddressFull };

struct HttpServer::Impl {
    ServerOptions options;
    AsyncHandler handler;
    std::optional<ssl::context> tls;
    std::mutex mutex; // guards sessions, admitted, perAddress and stopped
    std::list<std::weak_ptr<HttpConnection>> sessions;
    std::size_t admitted = 0;                      // sessions counted against maxConnections
    std::map<std::string, std::size_t> perAddress; // admitted sessions by client address
    bool stopped = false;
    std::uint16_t boundPort = 0;
    // Declared after what sessions use: a session it still holds is destroyed with it. Shared
    // with pending responses of asynchronous handlers: one that answers after the server is gone
    // posts into a stopped context, where it is dropped.
    std::shared_ptr<asio::io_context> ioc = std::make_shared<asio::io_context>();
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;

    Result<void> listen();
    void accept();
    void launch(tcp::socket socket);
    void forget(Admission admission, const std::string& address);
};

namespace {

// One object per connection, plain or TLS (Stream), alive as long as an operation holds it.
// Everything but start() and closeFromAnyThread() runs on the connection's strand.
template <class Stream>
class Session final : public HttpConnection,
                      public StreamSink,
                      public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool isTls = std::is_same_v<Stream, TlsStream>;

public:
    template <class... Extra>
    Session(HttpServer::Impl& server, Admission admission, std::string remote, tcp::socket&& socket,
            Extra&... extra)
        : server_(server)
        , admission_(admission)
        , stream_(std::move(socket), extra...)
        , deadline_(stream_.get_executor())
        , heartbeat_(stream_.get_executor())
        , remote_(std::move(remote)) {}

    ~Session() override {
        if (channel_)
            channel_->markEnded();
        server_.forget(admission_, remote_);
    }

    void start() override {
        asio::dispatch(stream_.get_executor(), [self = self()] { self->handshake(); });
    }

    void closeFromAnyThread() override {
        asio::post(stream_.get_executor(), [self = self()] { self->closeNow(); });
    }

    void enqueue(std::string chunk) override {
        if (closed_ || finishing_)
            return channel_->consumed(chunk.size());
        out_.push_back({std::move(chunk), true});
        writeNext();
    }

    void finish() override {
        finishing_ = true;
        heartbeat_.cancel();
        writeNext();
    }

    void abort() override { closeNow(); }

private:
    struct Chunk {
        std::string bytes;
        bool fromProducer; // counted against streamQueueLimit
    };

    std::shared_ptr<Session> self() { return this->shared_from_this(); }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
    const ServerOptions& opt() const { return server_.options; }

    void handshake() {
        if (closed_)
            return;
        if constexpr (isTls) {
            lowest().expires_after(opt().requestTimeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = self()](beast::error_code ec) {
                                        if (ec) // e.g. plain HTTP sent to the TLS port
                                            return self->closeNow();
                                        self->admit();
                                    });
        } else {
            admit();
        }
    }

    void admit() {
        if (admission_ == Admission::ServerFull)
            return reply(HttpResponse::error(503, "too many connections"), 11, false);
        if (admission_ == Admission::AddressFull) {
            auto res = HttpResponse::error(
                429, "too many connections from " + remote_ + " (at most " +
                         std::to_string(opt().maxConnectionsPerAddress) + " at once)");
            res.headers.emplace_back("Retry-After", "1");
            return reply(res, 11, false);
        }
        awaitRequest(opt().requestTimeout);
    }

    // Waits for the first byte of a request. A connection that sends nothing just closes: it has
    // no request to answer with 408.
    void awaitRequest(std::chrono::milliseconds idle) {
        if (buffer_.size() > 0)
            return readRequest(); // pipelined
        lowest().expires_after(idle);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = self()](beast::error_code ec, std::size_t n) {
                                    if (ec)
                                        return self->closeNow();
                                    self->buffer_.commit(n);
                                    self->readRequest();
                                });
    }

    void readRequest() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(opt().headerLimit));
        parser_->body_limit(opt().bodyLimit);
        // The stream's own timeout closes the socket, which leaves no way to send 408: the
        // request deadline is a timer of ours that cancels the read instead.
        lowest().expires_never();
        armRequestDeadline();
        http::async_read(
            stream_, buffer_, *parser_,
            [self = self()](beast::error_code ec, std::size_t) { self->onRequest(ec); });
    }

    void armRequestDeadline() {
        timedOut_ = false;
        deadline_.expires_after(opt().requestTimeout);
        deadline_.async_wait([self = self(), gen = ++deadlineGen_](beast::error_code ec) {
            if (ec || gen != self->deadlineGen_ || self->closed_)
                return;
            self->timedOut_ = true;
            beast::error_code ignored;
            self->lowest().socket().cancel(ignored);
        });
    }

    void onRequest(beast::error_code ec) {
        ++deadlineGen_;
        deadline_.cancel();
        if (closed_)
            return;
        if (ec && timedOut_)
            return replyAndClose(408, "request not received within " +
                                          std::to_string(opt().requestTimeout.count()) + " ms");
        if (ec == http::error::body_limit)
            return replyAndClose(413, "request body is larger than " +
                                          std::to_string(opt().bodyLimit) + " bytes");
        if (ec == http::error::header_limit)
            return replyAndClose(431, "request headers are larger than " +
                                          std::to_string(opt().headerLimit) + " bytes");
        if (isMalformed(ec))
            return replyAndClose(400, "malformed HTTP request: " + ec.message());
        if (ec)
            return closeNow(); // the client went away
        handle(parser_->release());
    }

    // The handler may answer at once or later from another thread; nothing is read meanwhile.
    // The session keeps itself alive until the answer comes or it is closed (stop()), and the
    // answer holds it only weakly: one that comes after the close is dropped.
    void handle(http::request<http::string_body>&& req) {
        const unsigned version = req.version();
        const bool keepAlive = req.keep_alive();
        awaiting_ = self();
        // The strand is destroyed before the context it belongs to (members, reverse order).
        struct Target {
            std::shared_ptr<asio::io_context> ioc;
            asio::any_io_executor strand;
            std::atomic<bool> answered{false};
        };
        auto target = std::make_shared<Target>(server_.ioc, stream_.get_executor());
        Respond respond = [weak = std::weak_ptr<Session>(self()), target, version,
                           keepAlive](HttpResponse res) {
            if (target->answered.exchange(true))
                return;
            asio::post(target->strand, [weak, res = std::move(res), version, keepAlive]() mutable {
                if (auto s = weak.lock())
                    s->deliver(std::move(res), version, keepAlive);
            });
        };
        try {
            server_.handler(toRequest(std::move(req), remote_), respond);
        } catch (...) {
            // No internals in error bodies: the handler's exception stays on this side.
            respond(HttpResponse::error(500, "internal error while handling the request"));
        }
    }

    void deliver(HttpResponse res, unsigned version, bool keepAlive) {
        const auto keep = std::move(awaiting_);
        if (closed_ || !keep)
            return;
        if (res.stream)
            return startStream(std::move(res), version);
        reply(res, version, keepAlive);
    }

    void replyAndClose(int status, std::string message) {
        reply(HttpResponse::error(status, std::move(message)), 11, false);
    }

    void reply(const HttpResponse& r, unsigned version, bool keepAlive) {
        auto res =
            std::make_shared<http::response<http::string_body>>(toBeast(r, version, keepAlive));
        lowest().expires_after(opt().requestTimeout);
        http::async_write(stream_, *res,
                          [self = self(), res, keepAlive](beast::error_code ec, std::size_t) {
                              if (self->closed_)
                                  return;
                              if (ec)
                                  return self->closeNow();
                              if (!keepAlive)
                                  return self->closeGracefully();
                              self->awaitRequest(self->opt().idleTimeout);
                          });
    }

    // --- Streaming: the head and the producer's chunks go through one queue, one write at a time.

    void startStream(HttpResponse res, unsigned version) {
        channel_ = std::make_shared<StreamChannel>(
            [strand = stream_.get_executor()](std::function<void()> f) {
                asio::post(strand, std::move(f));
            },
            std::weak_ptr<StreamSink>(self()), opt().streamQueueLimit);
        lowest().expires_never(); // no request timeout while streaming
        drainWhileStreaming();
        out_.push_back({streamHead(res, version), false});
        writeNext();
        try {
            res.stream(channel_);
        } catch (...) {
            closeNow();
        }
    }

    // Keeps a read pending, dropping what arrives, so that a client going away is noticed.
    void drainWhileStreaming() {
        stream_.async_read_some(
            asio::buffer(scratch_), [self = self()](beast::error_code ec, std::size_t) {
                if (self->closed_)
                    return;
                if (self->finishing_ && !self->writing_ && self->out_.empty())
                    return self->closeGracefully(); // endStream() cancelled this read (or raced it)
                if (ec)
                    return self->closeNow();
                self->drainWhileStreaming();
            });
    }

    void writeNext() {
        if (writing_ || closed_)
            return;
        if (out_.empty())
            return finishing_ ? endStream() : armHeartbeat();
        writing_ = true;
        const std::size_t n = std::min<std::size_t>(out_.size(), 64);
        std::vector<asio::const_buffer> buffers;
        for (std::size_t i = 0; i < n; ++i)
            buffers.push_back(asio::buffer(out_[i].bytes));
        // Only the write gets this deadline: the drain read is pending, and keeps none.
        lowest().expires_after(opt().idleTimeout);
        asio::async_write(stream_, buffers, [self = self(), n](beast::error_code ec, std::size_t) {
            self->onWritten(ec, n);
        });
    }

    void onWritten(beast::error_code ec, std::size_t n) {
        writing_ = false;
        if (closed_)
            return;
        if (ec)
            return closeNow();
        for (std::size_t i = 0; i < n; ++i) {
            if (out_.front().fromProducer)
                channel_->consumed(out_.front().bytes.size());
            out_.pop_front();
        }
        writeNext();
    }

    void armHeartbeat() {
        if (opt().streamHeartbeat.count() <= 0)
            return;
        heartbeat_.expires_after(opt().streamHeartbeat);
        heartbeat_.async_wait([self = self()](beast::error_code ec) {
            if (ec || self->closed_ || self->finishing_ || self->writing_)
                return;
            self->out_.push_back({self->opt().streamHeartbeatChunk, false});
            self->writeNext();
        });
    }

    // Everything queued has been sent after close(): cancel the drain read so that the TLS
    // shutdown (which reads) can run; its handler closes gracefully.
    void endStream() {
        beast::error_code ignored;
        lowest().socket().cancel(ignored);
    }

    // --- Closing

    // After the last response: FIN or TLS close_notify, then wait a little for the client's.
    void closeGracefully() {
        if (closed_)
            return;
        heartbeat_.cancel();
        lowest().expires_after(std::min(opt().requestTimeout, lingerCap));
        if constexpr (isTls) {
            stream_.async_shutdown([self = self()](beast::error_code) { self->closeNow(); });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            lingerUntilEof();
        }
    }

    void lingerUntilEof() {
        lowest().async_read_some(asio::buffer(scratch_),
                                 [self = self()](beast::error_code ec, std::size_t) {
                                     if (ec)
                                         return self->closeNow();
                                     self->lingerUntilEof();
                                 });
    }

    void closeNow() {
        if (closed_)
            return;
        closed_ = true;
        // Released when this returns: a handler still working answers into the void.
        const auto waitedFor = std::move(awaiting_);
        ++deadlineGen_;
        deadline_.cancel();
        heartbeat_.cancel();
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
        if (channel_)
            channel_->markEnded();
    }

    HttpServer::Impl& server_;
    const Admission admission_;
    Stream stream_;
    asio::steady_timer deadline_;
    asio::steady_timer heartbeat_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::array<char, 1024> scratch_{};
    std::string remote_;
    std::shared_ptr<Session> awaiting_; // set while the handler works on a request
    unsigned deadlineGen_ = 0;
    bool timedOut_ = false;
    bool closed_ = false;
    // Streaming
    std::shared_ptr<StreamChannel> channel_;
    std::deque<Chunk> out_;
    bool writing_ = false;
    bool finishing_ = false;
};

} // namespace

Result<void> HttpServer::Impl::listen() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec)
        return fail("bad_address",
                    "cannot listen on " + sy::quoted(options.address) + ": not an IP address");
    const tcp::endpoint endpoint{address, options.port};
    const std::string where = options.address + ":" + std::to_string(options.port);
    // The acceptor has a strand of its own: stop() closes it from another thread.
    tcp::acceptor a(asio::make_strand(*ioc));
    if (a.open(endpoint.protocol(), ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    a.set_option(asio::socket_base::reuse_address(true), ec);
    if (a.bind(endpoint, ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    if (a.listen(asio::socket_base::max_listen_connections, ec); ec)
        return fail("listen_failed", "cannot listen on " + where + ": " + ec.message());
    boundPort = a.local_endpoint().port();
    acceptor.emplace(std::move(a));
    return {};
}

void HttpServer::Impl::accept() {
    acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket s) {
        // stop() closed the acceptor: the pending accept is aborted, or, when stop() ran between
        // a completion and the next accept, the new one fails with bad_descriptor. Either way,
        // accepting again would spin and keep run() from returning.
        if (ec == asio::error::operation_aborted || !acceptor->is_open())
            return;
        if (!ec)
            launch(std::move(s));
        accept();
    });
}

void HttpServer::Impl::launch(tcp::socket socket) {
    beast::error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string() : ep.address().to_string();
    std::shared_ptr<HttpConnection> session;
    {
        std::lock_guard lock(mutex);
        if (stopped)
            return;
        // Past a limit the connection still gets a session: one that answers 503 or 429.
        auto admission = Admission::Admitted;
        if (admitted >= options.maxConnections)
            admission = Admission::ServerFull;
        else if (options.maxConnectionsPerAddress > 0 &&
                 perAddress[remote] >= options.maxConnectionsPerAddress)
            admission = Admission::AddressFull;
        if (admission == Admission::Admitted) {
            ++admitted;
            ++perAddress[remote];
        } else if (perAddress[remote] == 0) {
            perAddress.erase(remote);
        }
        if (tls)
            session = std::make_shared<Session<TlsStream>>(*this, admission, std::move(remote),
                                                           std::move(socket), *tls);
        else
            session = std::make_shared<Session<PlainStream>>(*this, admission, std::move(remote),
                                                             std::move(socket));
        sessions.push_back(session);
    }
    session->start();
}

void HttpServer::Impl::forget(Admission admission, const std::string& address) {
    std::lock_guard lock(mutex);
    if (admission == Admission::Admitted) {
        --admitted;
        if (const auto it = perAddress.find(address); it != perAddress.end() && --it->second == 0)
            perAddress.erase(it);
    }
    sessions.remove_if([](const std::weak_ptr<HttpConnection>& w) { return w.expired(); });
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : HttpServer(std::move(options),
                 AsyncHandler([handler = std::move(handler)](HttpRequest request, Respond respond) {
                     respond(handler(request)); // an exception is answered 500 by the session
                 })) {}

HttpServer::HttpServer(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
    stop();
}

Result<void> HttpServer::start() {
    if (auto tls = loadTls(impl_->options, impl_->tls); !tls)
        return tls;
    if (auto listening = impl_->listen(); !listening)
        return listening;
    impl_->accept();
    for (int i = 0; i < std::max(1, impl_->options.threads); ++i)
        impl_->threads.emplace_back([this] { impl_->ioc->run(); });
    return {};
}

std::uint16_t HttpServer::port() const {
    return impl_->boundPort;
}

void HttpServer::stop() {
    std::vector<std::shared_ptr<HttpConnection>> open;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped)
            return;
        impl_->stopped = true;
        for (auto& w : impl_->sessions)
            if (auto s = w.lock())
                open.push_back(std::move(s));
    }
    // A session waiting for an asynchronous answer has no operation pending: without this guard,
    // closing the acceptor could let run() return before the sessions' closes below are queued,
    // and those connections would stay open until their last owner let go.
    auto keepRunning = asio::make_work_guard(*impl_->ioc);
    if (impl_->acceptor)
        asio::post(impl_->acceptor->get_executor(), [this] {
            beast::error_code ec;
            impl_->acceptor->close(ec);
        });
    for (auto& s : open)
        s->closeFromAnyThread();
    open.clear();
    keepRunning.reset();
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
