// Slow requests off the HTTP I/O threads: storage tests that wait on an endpoint that never
// answers, logins and password changes (PBKDF2) run on the API's bounded pool, so healthz is
// answered while they are pending; a full pool answers 503 at once. Real HTTP over loopback,
// real rclone, a real core with SIMULATED nodes.

#include "tests/api/apifixture.h"
#include "tests/support/rawhttp.h"

#include "core/api/httpserver.h"
#include "core/auth/base64.h"

#include <QStandardPaths>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

using namespace apitest;
using namespace std::chrono_literals;

namespace {

// An S3 endpoint that takes connections and answers nothing until released; then it refuses.
class HoldingEndpoint {
public:
    HoldingEndpoint() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
            ::listen(fd_, 64) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return;
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] {
            for (;;) {
                const int c = ::accept(fd_, nullptr, nullptr);
                std::lock_guard lock(mutex_);
                if (c < 0 || released_) {
                    if (c >= 0)
                        ::close(c);
                    return;
                }
                held_.push_back(c);
                changed_.notify_all();
            }
        });
    }
    ~HoldingEndpoint() { release(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    bool waitForConnections(std::size_t n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return held_.size() >= n; });
    }
    // Closes what it holds and stops listening: rclone then fails fast (connection refused).
    void release() {
        {
            std::lock_guard lock(mutex_);
            if (released_)
                return;
            released_ = true;
            for (int c : held_)
                ::close(c);
            held_.clear();
        }
        ::shutdown(fd_, SHUT_RDWR);
        if (thread_.joinable())
            thread_.join();
        ::close(fd_);
    }

private:
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<int> held_;
    bool released_ = false;
};

std::string s3Target(const std::string& endpoint) {
    return Json{{"name", "slow"},
                {"kind", "s3"},
                {"settings",
                 {{"bucket", "b"},
                  {"accessKeyId", "AKIDTEST"},
                  {"secretAccessKey", "SECRETTEST123"},
                  {"provider", "Minio"},
                  {"endpoint", endpoint}}}}
        .dump();
}

std::string post(const std::string& path, const std::string& token, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
           "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestApiConcurrency : public QObject {
    Q_OBJECT
private slots:
    void init() { f_ = std::make_unique<ApiFixture>(); }
    void cleanup() { f_.reset(); }

    void blockingRoutesAreMarked_data();
    void blockingRoutesAreMarked();
    void slowStorageTestsDoNotDelayHealthz();
    void fullPoolAnswersBusyAtOnce();

private:
    std::unique_ptr<ApiFixture> f_;
};

void TestApiConcurrency::blockingRoutesAreMarked_data() {
    QTest::addColumn<QString>("route");
    QTest::addColumn<int>("work");
    using W = sy::api::RouteWork;
    QTest::addRow("login") << "PUT /as/v1/auth/login" << int(W::Hashing);
    QTest::addRow("user create or password") << "PUT /as/v1/admin/users/{name}" << int(W::Hashing);
    QTest::addRow("storage test") << "POST /as/v1/storage/test" << int(W::Waiting);
    QTest::addRow("saved storage test") << "POST /as/v1/storage/{name}/test" << int(W::Waiting);
    QTest::addRow("retention") << "POST /as/v1/recordings/retention" << int(W::Waiting);
    QTest::addRow("delete recording") << "DELETE /as/v1/recordings/{ng}/{id}" << int(W::Waiting);
    QTest::addRow("healthz") << "GET /as/v1/admin/healthz" << int(W::Inline);
    QTest::addRow("node groups") << "GET /as/v1/admin/nodegroup" << int(W::Inline);
}

void TestApiConcurrency::blockingRoutesAreMarked() {
    QFETCH(QString, route);
    QFETCH(int, work);
    for (const auto& r : f_->api().routes())
        if (r.method + " " + r.pattern == route.toStdString()) {
            QCOMPARE(int(r.blocking), work);
            return;
        }
    QFAIL("no such route");
}

// Two storage tests hang on an endpoint that answers nothing (before: both HTTP I/O threads
// stuck in rclone for up to a minute). healthz on the same server is answered while they wait.
void TestApiConcurrency::slowStorageTestsDoNotDelayHealthz() {
    if (QStandardPaths::findExecutable(QStringLiteral("rclone")).isEmpty())
        QSKIP("rclone is not installed (scripts/bootstrap installs it)");
    HoldingEndpoint endpoint;
    sy::api::ServerOptions options;
    options.port = 0; // two I/O threads, as switchyard-server has
    auto& api = f_->api();
    sy::api::HttpServer server(
        options, sy::api::AsyncHandler([&api](sy::api::HttpRequest req, sy::api::Respond done) {
            api.handleAsync(std::move(req), std::move(done));
        }));
    QVERIFY(server.start().ok());
    const auto token = f_->token("operator");
    std::vector<std::future<sy::test::RawResponse>> tests;
    for (int i = 0; i < 2; ++i)
        tests.push_back(std::async(std::launch::async, [&] {
            return sy::test::rawExchange(
                server.port(), post("/as/v1/storage/test", token, s3Target(endpoint.url())), 120s);
        }));
    QVERIFY2(endpoint.waitForConnections(2, 30s), "rclone never reached the endpoint");
    QCOMPARE(api.blockingInFlight(), std::size_t{2});
    const auto health = sy::test::rawExchange(server.port(),
                                              "GET /as/v1/admin/healthz HTTP/1.1\r\nHost: x\r\n"
                                              "Connection: close\r\n\r\n",
                                              10s);
    bool pending = true;
    for (auto& t : tests)
        pending = pending && t.wait_for(0s) != std::future_status::ready;
    endpoint.release();
    QCOMPARE(health.status, 200);
    QVERIFY2(pending, "a storage test ended before healthz was answered");
    for (auto& t : tests) {
        const auto r = t.get();
        // The endpoint never answered: the test failed (422, or 503 when the media layer reads
        // the refused connection as storage unavailable), saying where.
        QVERIFY2(r.status == 422 || r.status == 503, r.body.c_str());
        QVERIFY2(r.body.find("test failed") != std::string::npos, r.body.c_str());
    }
    QTRY_COMPARE(api.blockingInFlight(), std::size_t{0});
    server.stop();
}

// The pools are bounded: past its queue a blocking request is answered 503 at once (not queued
// without end), while inline routes and the other pool (logins) still answer.
void TestApiConcurrency::fullPoolAnswersBusyAtOnce() {
    if (QStandardPaths::findExecutable(QStringLiteral("rclone")).isEmpty())
        QSKIP("rclone is not installed (scripts/bootstrap installs it)");
    HoldingEndpoint endpoint;
    auto context = f_->api().context();
    context.options.waitingThreads = 1;
    context.options.blockingQueue = 1;
    sy::api::ApiService small(context);
    const auto request = [&](const std::string& method, const std::string& target,
                             const std::string& body, std::string authorization = {}) {
        sy::api::HttpRequest r;
        r.method = method;
        r.target = target;
        r.body = body;
        r.remoteAddress = "127.0.0.1";
        r.headers["Authorization"] =
            authorization.empty() ? "Bearer " + f_->token("operator") : authorization;
        return r;
    };
    std::promise<sy::api::HttpResponse> first;
    small.handleAsync(request("POST", "/as/v1/storage/test", s3Target(endpoint.url())),
                      [&](sy::api::HttpResponse r) { first.set_value(std::move(r)); });
    QVERIFY2(endpoint.waitForConnections(1, 30s), "rclone never reached the endpoint");
    std::optional<sy::api::HttpResponse> busy;
    small.handleAsync(request("POST", "/as/v1/storage/test", s3Target(endpoint.url())),
                      [&](sy::api::HttpResponse r) { busy = std::move(r); });
    QVERIFY2(busy, "a blocking request beyond the queue was not answered at once");
    QCOMPARE(busy->status, 503);
    QVERIFY2(body(*busy).value("errorMessage", "").find("busy") != std::string::npos,
             busy->body.c_str());
    std::optional<sy::api::HttpResponse> health;
    small.handleAsync(request("GET", "/as/v1/admin/healthz", ""),
                      [&](sy::api::HttpResponse r) { health = std::move(r); });
    QVERIFY(health && health->status == 200);
    std::promise<sy::api::HttpResponse> login;
    small.handleAsync(request("PUT", "/as/v1/auth/login", "",
                              "Basic " + sy::auth::base64Encode("admin:admin-password")),
                      [&](sy::api::HttpResponse r) { login.set_value(std::move(r)); });
    auto loggedIn = login.get_future();
    QVERIFY(loggedIn.wait_for(30s) == std::future_status::ready);
    QCOMPARE(loggedIn.get().status, 200);
    endpoint.release();
    auto done = first.get_future();
    QVERIFY(done.wait_for(120s) == std::future_status::ready);
    const auto answer = done.get();
    QVERIFY2(answer.status == 422 || answer.status == 503, answer.body.c_str());
}

QTEST_GUILESS_MAIN(TestApiConcurrency)
#include "tst_apiconcurrency.moc"
