// HttpServer over real sockets: keep-alive, limits, timeouts, the connection caps, asynchronous
// handlers, streaming responses and TLS. The server runs in-process on port 0 with small lambdas as
// handlers.

#include "core/api/httpserver.h"
#include "tests/support/rawhttp.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>

Q_DECLARE_METATYPE(std::string)

using namespace sy::api;
using namespace std::chrono_literals;

namespace {

// A blocking connection with deadlines, for what rawExchange cannot do: several requests on one
// connection, reading a stream piece by piece, holding a connection open.
class Client {
public:
    explicit Client(std::uint16_t port, int receiveBuffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0)
            return;
        if (receiveBuffer > 0) // before connect, so that the window starts small
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            close();
    }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return fd_ >= 0; }

    bool send(const std::string& bytes) {
        std::size_t sent = 0;
        while (fd_ >= 0 && sent < bytes.size()) {
            const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            sent += static_cast<std::size_t>(n);
        }
        return sent == bytes.size();
    }

    // Reads until what was received contains `needle`. False on timeout or close.
    bool readUntil(const std::string& needle, std::chrono::milliseconds timeout) {
        const QDeadlineTimer deadline(timeout);
        while (received_.find(needle) == std::string::npos)
            if (readSome(deadline) <= 0)
                return false;
        return true;
    }

    // Reads until the server closes the connection. False on timeout.
    bool readUntilClosed(std::chrono::milliseconds timeout) {
        const QDeadlineTimer deadline(timeout);
        for (;;) {
            const int n = readSome(deadline);
            if (n == 0)
                return true;
            if (n < 0)
                return false;
        }
    }

    // Reads one response with a Content-Length body and removes it from what was received.
    sy::test::RawResponse readResponse(std::chrono::milliseconds timeout = 5s) {
        sy::test::RawResponse out;
        if (!readUntil("\r\n\r\n", timeout))
            return out;
        const auto end = received_.find("\r\n\r\n");
        const auto length = contentLength(received_.substr(0, end));
        const QDeadlineTimer deadline(timeout);
        while (received_.size() < end + 4 + length)
            if (readSome(deadline) <= 0)
                return out;
        out.status = std::atoi(received_.c_str() + 9);
        out.headers = received_.substr(0, end);
        out.body = received_.substr(end + 4, length);
        received_.erase(0, end + 4 + length);
        return out;
    }

    const std::string& received() const { return received_; }

    void close() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    static std::size_t contentLength(const std::string& headers) {
        const auto at = headers.find("Content-Length: ");
        return at == std::string::npos ? 0 : std::strtoul(headers.c_str() + at + 16, nullptr, 10);
    }

    // > 0: bytes read; 0: the server closed; < 0: timeout or error.
    int readSome(const QDeadlineTimer& deadline) {
        if (fd_ < 0)
            return -1;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(deadline.remainingTime())) <= 0)
            return -1;
        char buf[16384];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0)
            return -1;
        received_.append(buf, static_cast<std::size_t>(n));
        return static_cast<int>(n);
    }

    int fd_ = -1;
    std::string received_;
};

sy::test::RawResponse parseResponse(const std::string& raw) {
    sy::test::RawResponse out;
    const auto end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos)
        return out;
    out.status = std::atoi(raw.c_str() + 9);
    out.headers = raw.substr(0, end);
    out.body = raw.substr(end + 4);
    return out;
}

std::string get(const std::string& path, bool keepAlive = true) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
}

std::unique_ptr<HttpServer> serve(ServerOptions options, Handler handler) {
    options.address = "127.0.0.1";
    options.port = 0;
    auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
    if (auto started = server->start(); !started) {
        qWarning("start failed: %s", started.error().message.c_str());
        return nullptr;
    }
    return server;
}

HttpResponse echo(const HttpRequest& req) {
    HttpResponse res;
    res.contentType = "text/plain";
    res.body = req.method + " " + std::string(req.path()) + " " + req.body;
    return res;
}

// What a streaming handler hands out: the open stream, and whether its onClose ran. Declare it
// before the server, so that it outlives the server's threads.
struct StreamProbe {
    std::mutex mutex;
    std::shared_ptr<ResponseStream> stream;
    std::atomic<bool> closed{false};

    std::shared_ptr<ResponseStream> get() {
        std::lock_guard lock(mutex);
        return stream;
    }

    Handler handler() {
        return [this](const HttpRequest&) {
            HttpResponse res;
            res.contentType = "text/event-stream";
            res.stream = [this](std::shared_ptr<ResponseStream> s) {
                s->onClose([this] { closed = true; });
                std::lock_guard lock(mutex);
                stream = std::move(s);
            };
            return res;
        };
    }
};

bool runTool(const QString& program, const QStringList& args, QByteArray* out = nullptr,
             const QString& dir = {}, const QByteArray& input = {}) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished();
        return false;
    }
    if (out)
        *out = p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool makeCertificate(const QString& dir, const QString& key, const QString& cert) {
    return runTool(QStringLiteral("openssl"),
                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                    QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                    QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                    QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert},
                   nullptr, dir);
}

std::string path(const QTemporaryDir& dir, const char* name) {
    return dir.filePath(QString::fromLatin1(name)).toStdString();
}

} // namespace

class TestHttpServer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void keepAliveServesTwoRequests();
    void limits_data();
    void limits();
    void slowRequestGets408();
    void idleConnectionClosesWithout408_data();
    void idleConnectionClosesWithout408();
    void connectionsBeyondTheLimitGet503();
    void connectionsFromOneAddressAreCapped();
    void noPerAddressCapWhenZero();
    void slowAsyncAnswerHoldsUpNoOtherRequest();
    void answerAfterStopIsDropped();

    void streamDeliversChunksInOrder();
    void streamSendsHeartbeatsWhenIdle();
    void clientDisconnectRunsOnClose();
    void producerCloseEndsResponse();
    void slowConsumerIsDisconnected();
    void stopEndsOpenStreams();

    void tlsServesHttps();
    void tlsStreamEndsCleanly();
    void tlsSlowRequestGets408();
    void plainHttpToTlsPortFails();
    void badTlsFilesFailStart_data();
    void badTlsFilesFailStart();

private:
    QTemporaryDir tlsDir_;
    bool haveCertificates_ = false;
};

void TestHttpServer::initTestCase() {
    QVERIFY(tlsDir_.isValid());
    haveCertificates_ =
        makeCertificate(tlsDir_.path(), QStringLiteral("k.pem"), QStringLiteral("c.pem")) &&
        makeCertificate(tlsDir_.path(), QStringLiteral("other-k.pem"),
                        QStringLiteral("other-c.pem"));
}

void TestHttpServer::keepAliveServesTwoRequests() {
    auto server = serve({}, echo);
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.connected());
    QVERIFY(client.send(get("/first")));
    const auto first = client.readResponse();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, std::string("GET /first "));
    QVERIFY(client.send("POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"));
    const auto second = client.readResponse();
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body, std::string("POST /second body"));
}

void TestHttpServer::limits_data() {
    QTest::addColumn<std::string>("request");
    QTest::addColumn<int>("status");
    QTest::addRow("body over the limit")
        << "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b')
        << 413;
    QTest::addRow("headers over the limit")
        << "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'h') + "\r\n\r\n"
        << 431;
    QTest::addRow("garbage") << std::string("\x01\x02 NOT HTTP AT ALL\r\n\r\n") << 400;
}

void TestHttpServer::limits() {
    QFETCH(std::string, request);
    QFETCH(int, status);
    ServerOptions options;
    options.bodyLimit = 1000;
    options.headerLimit = 4096;
    auto server = serve(options, echo);
    QVERIFY(server);
    const auto res = sy::test::rawExchange(server->port(), request);
    QCOMPARE(res.status, status);
    QVERIFY2(res.body.starts_with("{\"error\":") &&
                 res.body.find(",\"errorMessage\":") != std::string::npos,
             res.body.c_str());
}

void TestHttpServer::slowRequestGets408() {
    ServerOptions options;
    options.requestTimeout = 300ms;
    auto server = serve(options, echo);
    QVERIFY(server);
    Client client(server->port());
    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(client.send("GET /half HTTP/1.1\r\nHost: x\r\n")); // no blank line: incomplete
    QVERIFY(client.readUntilClosed(5s));
    QVERIFY2(elapsed.elapsed() >= 250, "answered before the request timeout");
    const auto res = parseResponse(client.received());
    QCOMPARE(res.status, 408);
    QCOMPARE(res.body, std::string(R"({"error":"request not received within 300 ms",)"
                                   R"("errorMessage":"request not received within 300 ms"})"));
}

void TestHttpServer::idleConnectionClosesWithout408_data() {
    QTest::addColumn<bool>("afterARequest");
    QTest::addRow("new connection") << false;
    QTest::addRow("keep-alive after a request") << true;
}

void TestHttpServer::idleConnectionClosesWithout408() {
    QFETCH(bool, afterARequest);
    ServerOptions options;
    options.requestTimeout = 300ms;
    options.idleTimeout = 300ms;
    auto server = serve(options, echo);
    QVERIFY(server);
    Client client(server->port());
    if (afterARequest) {
        QVERIFY(client.send(get("/one")));
        QCOMPARE(client.readResponse().status, 200);
    }
    QVERIFY2(client.readUntilClosed(5s), "the idle connection stayed open");
    QCOMPARE(client.received(), std::string()); // no 408, nothing at all
}

void TestHttpServer::connectionsBeyondTheLimitGet503() {
    ServerOptions options;
    options.maxConnections = 2;
    auto server = serve(options, echo);
    QVERIFY(server);
    auto first = std::make_unique<Client>(server->port());
    Client second(server->port());
    QVERIFY(first->connected() && second.connected());
    Client third(server->port());
    QVERIFY(third.send(get("/x")));
    QVERIFY(third.readUntilClosed(5s));
    const auto res = parseResponse(third.received());
    QCOMPARE(res.status, 503);
    QCOMPARE(res.body, std::string(R"({"error":"too many connections",)"
                                   R"("errorMessage":"too many connections"})"));

    // A closed connection frees its place. Each try is a new connection, evaluated once: one
    // that got 200 lingers a moment while closing and holds the place meanwhile.
    first.reset();
    QVERIFY(QTest::qWaitFor(
        [&] { return sy::test::httpGet(server->port(), "/again").status == 200; }, 5000));
}

// One client address may not take every connection: past maxConnectionsPerAddress it gets 429.
void TestHttpServer::connectionsFromOneAddressAreCapped() {
    ServerOptions options;
    options.maxConnectionsPerAddress = 2;
    auto server = serve(options, echo);
    QVERIFY(server);
    auto first = std::make_unique<Client>(server->port());
    Client second(server->port());
    // Both admitted (answered on keep-alive) before the third connects.
    QVERIFY(first->send(get("/1")) && first->readResponse().status == 200);
    QVERIFY(second.send(get("/2")) && second.readResponse().status == 200);
    Client third(server->port());
    QVERIFY(third.send(get("/x")));
    QVERIFY(third.readUntilClosed(5s));
    const auto res = parseResponse(third.received());
    QCOMPARE(res.status, 429);
    QVERIFY2(res.body.find("too many connections from 127.0.0.1 (at most 2") != std::string::npos,
             res.body.c_str());
    QVERIFY2(res.headers.find("Retry-After: 1") != std::string::npos, res.headers.c_str());
    // The refused connection counted nothing; a closed one frees its place.
    first.reset();
    QVERIFY(QTest::qWaitFor(
        [&] { return sy::test::httpGet(server->port(), "/again").status == 200; }, 5000));
    QCOMPARE(options.maxConnectionsPerAddress, std::size_t{2});
    QCOMPARE(ServerOptions{}.maxConnectionsPerAddress, std::size_t{64}); // the default
}

void TestHttpServer::noPerAddressCapWhenZero() {
    ServerOptions options;
    options.maxConnectionsPerAddress = 0;
    options.maxConnections = 100;
    auto server = serve(options, echo);
    QVERIFY(server);
    std::vector<std::unique_ptr<Client>> open;
    for (int i = 0; i < 70; ++i) {
        open.push_back(std::make_unique<Client>(server->port()));
        QVERIFY(open.back()->send(get("/k")));
        QCOMPARE(open.back()->readResponse().status, 200);
    }
}

// An asynchronous handler answers /slow from another thread, later; with one I/O thread, /fast
// is answered meanwhile.
void TestHttpServer::slowAsyncAnswerHoldsUpNoOtherRequest() {
    std::promise<void> arrived;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::mutex mutex;
    std::vector<std::thread> workers;
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    HttpServer server(options, AsyncHandler([&](HttpRequest req, Respond respond) {
                          if (req.path() != "/slow")
                              return respond(echo(req));
                          arrived.set_value();
                          std::lock_guard lock(mutex);
                          workers.emplace_back([released, respond] {
                              released.wait();
                              HttpResponse res;
                              res.contentType = "text/plain";
                              res.body = "slow done";
                              respond(res);
                              respond(HttpResponse::error(500, "a second answer is ignored"));
                          });
                      }));
    QVERIFY(server.start().ok());
    Client slow(server.port());
    QVERIFY(slow.send(get("/slow")));
    QVERIFY(arrived.get_future().wait_for(5s) == std::future_status::ready);
    const auto fast = sy::test::httpGet(server.port(), "/fast");
    QCOMPARE(fast.status, 200);
    QVERIFY2(slow.received().empty(), "the slow request was answered before its handler did");
    release.set_value();
    const auto answer = slow.readResponse();
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body, std::string("slow done"));
    // Keep-alive goes on after an asynchronous answer; the second answer was dropped.
    QVERIFY(slow.send(get("/next")));
    QCOMPARE(slow.readResponse().body, std::string("GET /next "));
    for (auto& t : workers)
        t.join();
}

// stop() does not wait for a handler that has not answered; its late answer goes nowhere.
void TestHttpServer::answerAfterStopIsDropped() {
    std::promise<Respond> kept;
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    auto server = std::make_unique<HttpServer>(
        options,
        AsyncHandler([&](HttpRequest, Respond respond) { kept.set_value(std::move(respond)); }));
    QVERIFY(server->start().ok());
    Client client(server->port());
    QVERIFY(client.send(get("/never")));
    auto future = kept.get_future();
    QVERIFY(future.wait_for(5s) == std::future_status::ready);
    auto respond = future.get();
    server->stop();
    server.reset();
    respond(echo(HttpRequest{})); // into a server that is gone: dropped
    QVERIFY(client.readUntilClosed(5s));
    QVERIFY(client.received().empty());
}

void TestHttpServer::streamDeliversChunksInOrder() {
    StreamProbe probe;
    auto server = serve({}, probe.handler());
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    std::atomic<bool> allAccepted{false};
    std::thread producer([stream = probe.get(), &allAccepted] {
        bool ok = true;
        for (int i = 1; i <= 3; ++i)
            ok = stream->write("id: " + std::to_string(i) + "\ndata: chunk " + std::to_string(i) +
                               "\n\n") &&
                 ok;
        allAccepted = ok;
    });
    producer.join();
    QVERIFY(allAccepted);
    QVERIFY(client.readUntil("data: chunk 3\n\n", 5s));
    const auto res = parseResponse(client.received());
    QCOMPARE(res.status, 200);
    QVERIFY(res.headers.find("Content-Type: text/event-stream") != std::string::npos);
    QVERIFY(res.headers.find("Connection: close") != std::string::npos);
    QVERIFY(res.headers.find("Content-Length") == std::string::npos);
    QCOMPARE(res.body, std::string("id: 1\ndata: chunk 1\n\nid: 2\ndata: chunk 2\n\n"
                                   "id: 3\ndata: chunk 3\n\n"));
}

void TestHttpServer::streamSendsHeartbeatsWhenIdle() {
    StreamProbe probe;
    ServerOptions options;
    options.streamHeartbeat = 100ms;
    auto server = serve(options, probe.handler());
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    QVERIFY(probe.get()->write("data: first\n\n"));
    QVERIFY(client.readUntil("data: first\n\n: keep-alive\n\n", 5s));
}

void TestHttpServer::clientDisconnectRunsOnClose() {
    StreamProbe probe;
    auto server = serve({}, probe.handler());
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    QVERIFY(probe.get()->isOpen());
    QVERIFY(!probe.closed);
    client.close();
    QTRY_VERIFY_WITH_TIMEOUT(probe.closed, 5000);
    QVERIFY(!probe.get()->isOpen());
    QVERIFY(!probe.get()->write("data: too late\n\n"));
    bool ranAtOnce = false;
    probe.get()->onClose([&ranAtOnce] { ranAtOnce = true; });
    QVERIFY(ranAtOnce);
}

void TestHttpServer::producerCloseEndsResponse() {
    StreamProbe probe;
    auto server = serve({}, probe.handler());
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    std::thread producer([stream = probe.get()] {
        stream->write("data: a\n\n");
        stream->write("data: b\n\n");
        stream->close();
    });
    producer.join();
    QVERIFY(!probe.get()->write("data: after close\n\n"));
    QVERIFY2(client.readUntilClosed(5s), "the response did not end");
    QCOMPARE(parseResponse(client.received()).body, std::string("data: a\n\ndata: b\n\n"));
    QTRY_VERIFY_WITH_TIMEOUT(probe.closed, 5000);
}

void TestHttpServer::slowConsumerIsDisconnected() {
    StreamProbe probe;
    ServerOptions options;
    options.streamQueueLimit = 64 * 1024;
    auto server = serve(options, probe.handler());
    QVERIFY(server);
    Client client(server->port(), 4096); // and it never reads
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    const std::string chunk = "data: " + std::string(16 * 1024, 'x') + "\n\n";
    const QDeadlineTimer deadline(10s);
    bool refused = false;
    for (std::size_t sent = 0; !refused && sent < 512u * 1024 * 1024 && !deadline.hasExpired();
         sent += chunk.size())
        refused = !probe.get()->write(chunk);
    QVERIFY2(refused, "writes to a client that never reads were accepted without bound");
    QTRY_VERIFY_WITH_TIMEOUT(probe.closed, 5000);
    QVERIFY(!probe.get()->isOpen());
}

void TestHttpServer::stopEndsOpenStreams() {
    StreamProbe probe;
    auto server = serve({}, probe.handler());
    QVERIFY(server);
    Client client(server->port());
    QVERIFY(client.send(get("/events")));
    QTRY_VERIFY_WITH_TIMEOUT(probe.get() != nullptr, 5000);
    QVERIFY(probe.get()->write("data: a\n\n"));
    QVERIFY(client.readUntil("data: a\n\n", 5s));
    QElapsedTimer elapsed;
    elapsed.start();
    server->stop();
    QVERIFY(elapsed.elapsed() < 5000);
    QVERIFY(probe.closed); // ran on a server thread before stop() joined it
    QVERIFY(!probe.get()->write("data: b\n\n"));
    QVERIFY(client.readUntilClosed(5s));
}

void TestHttpServer::tlsServesHttps() {
    if (!haveCertificates_)
        QSKIP("the openssl command could not make a test certificate");
    ServerOptions options;
    options.tlsCertFile = path(tlsDir_, "c.pem");
    options.tlsKeyFile = path(tlsDir_, "k.pem");
    auto server = serve(options, echo);
    QVERIFY(server);
    QByteArray out;
    const QString url = QStringLiteral("https://127.0.0.1:%1/secure").arg(server->port());
    QVERIFY(runTool(QStringLiteral("curl"),
                    {QStringLiteral("-s"), QStringLiteral("--cacert"),
                     tlsDir_.filePath(QStringLiteral("c.pem")), QStringLiteral("-w"),
                     QStringLiteral("\n%{http_code}"), url},
                    &out));
    QCOMPARE(out, QByteArray("GET /secure \n200"));
}

void TestHttpServer::tlsStreamEndsCleanly() {
    if (!haveCertificates_)
        QSKIP("the openssl command could not make a test certificate");
    ServerOptions options;
    options.tlsCertFile = path(tlsDir_, "c.pem");
    options.tlsKeyFile = path(tlsDir_, "k.pem");
    auto server = serve(options, [](const HttpRequest&) {
        HttpResponse res;
        res.contentType = "text/event-stream";
        res.stream = [](std::shared_ptr<ResponseStream> s) {
            s->write("data: a\n\n");
            s->write("data: b\n\n");
            s->close();
        };
        return res;
    });
    QVERIFY(server);
    // openssl s_client exits 1 ("unexpected eof while reading") when TLS ends without
    // close_notify, where the body would be truncated unnoticed; curl does not tell.
    QByteArray out;
    QVERIFY(runTool(QStringLiteral("openssl"),
                    {QStringLiteral("s_client"), QStringLiteral("-quiet"),
                     QStringLiteral("-verify_return_error"), QStringLiteral("-CAfile"),
                     tlsDir_.filePath(QStringLiteral("c.pem")), QStringLiteral("-connect"),
                     QStringLiteral("127.0.0.1:%1").arg(server->port())},
                    &out, {}, QByteArray(get("/events").c_str())));
    const auto res = parseResponse(out.toStdString());
    QCOMPARE(res.status, 200);
    QCOMPARE(res.body, std::string("data: a\n\ndata: b\n\n"));
}

void TestHttpServer::tlsSlowRequestGets408() {
    if (!haveCertificates_)
        QSKIP("the openssl command could not make a test certificate");
    ServerOptions options;
    options.requestTimeout = 300ms;
    options.tlsCertFile = path(tlsDir_, "c.pem");
    options.tlsKeyFile = path(tlsDir_, "k.pem");
    auto server = serve(options, echo);
    QVERIFY(server);
    // The 408 goes out over TLS after the request deadline cancelled a TLS read.
    QProcess client;
    client.start(QStringLiteral("openssl"),
                 {QStringLiteral("s_client"), QStringLiteral("-quiet"), QStringLiteral("-CAfile"),
                  tlsDir_.filePath(QStringLiteral("c.pem")), QStringLiteral("-connect"),
                  QStringLiteral("127.0.0.1:%1").arg(server->port())});
    client.write("GET /half HTTP/1.1\r\nHost: x\r\n"); // incomplete; stdin stays open
    QVERIFY2(client.waitForFinished(10'000), "the server did not close the connection");
    const auto res = parseResponse(client.readAllStandardOutput().toStdString());
    QCOMPARE(res.status, 408);
    QCOMPARE(res.body, std::string(R"({"error":"request not received within 300 ms",)"
                                   R"("errorMessage":"request not received within 300 ms"})"));
}

void TestHttpServer::plainHttpToTlsPortFails() {
    if (!haveCertificates_)
        QSKIP("the openssl command could not make a test certificate");
    ServerOptions options;
    options.tlsCertFile = path(tlsDir_, "c.pem");
    options.tlsKeyFile = path(tlsDir_, "k.pem");
    auto server = serve(options, echo);
    QVERIFY(server);
    const auto res = sy::test::httpGet(server->port(), "/x");
    QVERIFY(res.status != 200);
}

void TestHttpServer::badTlsFilesFailStart_data() {
    QTest::addColumn<std::string>("cert");
    QTest::addColumn<std::string>("key");
    QTest::addColumn<std::string>("named");
    QTest::addColumn<std::string>("cause");
    const std::string cert = path(tlsDir_, "c.pem");
    const std::string missing = path(tlsDir_, "missing-k.pem");
    const std::string other = path(tlsDir_, "other-k.pem");
    QTest::addRow("missing key") << cert << missing << missing << std::string("No such file");
    QTest::addRow("key of another certificate") << cert << other << other << std::string("match");
}

void TestHttpServer::badTlsFilesFailStart() {
    if (!haveCertificates_)
        QSKIP("the openssl command could not make a test certificate");
    QFETCH(std::string, cert);
    QFETCH(std::string, key);
    QFETCH(std::string, named);
    QFETCH(std::string, cause);
    ServerOptions options;
    options.port = 0;
    options.tlsCertFile = cert;
    options.tlsKeyFile = key;
    HttpServer server(options, echo);
    const auto started = server.start();
    QVERIFY(!started);
    const auto& message = started.error().message;
    QVERIFY2(message.find(named) != std::string::npos, message.c_str());
    QVERIFY2(message.find(cause) != std::string::npos, message.c_str());
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
