// A node's on_publish / on_play callback decided by the node group's stream access, without
// nginx: the form nginx-rtmp POSTs (its own fields first, then the client's arguments) goes to
// handleNodeCallback over a real core with SIMULATED nodes. Token mode, one-time tokens, relay
// credentials of the group's nodes, and round-trip mode against a real HTTP validate server.
// Every refusal is a 403 that says why and an Access event naming the stream. A call without the
// node's secret is a 401 and leaves no trace; over the real endpoint a slow validate URL holds up
// no other node's callback.

#include "tests/api/apifixture.h"
#include "tests/api/streamtokensupport.h"

#include "core/api/httpserver.h"
#include "core/api/nodecallbackserver.h"
#include "core/auth/nodesecret.h"
#include "core/nodes/loopbackhttpclient.h"

#include <QElapsedTimer>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

using namespace apitest;
using sy::auth::StreamAction;
using sy::engine::EventKind;

namespace {

const std::string kNodeGroups = "/as/v1/admin/nodegroup";

std::string nodeOf(const sy::engine::ClusterSnapshot& s, const std::string& group,
                   const std::string& role) {
    if (const auto* g = s.group(group))
        for (const auto& n : g->nodes)
            if (n.role == role && n.state == sy::model::NodeState::InService)
                return n.nodeId;
    return {};
}

// The body nginx-rtmp sends: its own fields, then the client's arguments (`args`, "&k=v…").
std::string form(const std::string& call, const std::string& name, const std::string& args = {},
                 const std::string& pageUrl = {}) {
    std::string f =
        "app=live&flashver=FMLE/3.0&swfurl=&tcurl=rtmp://127.0.0.1:1935/live&pageurl=" + pageUrl +
        "&addr=127.0.0.1&clientid=1&call=" + call + "&name=" + name;
    f += call == "publish" ? "&type=live" : "&start=-2&duration=0&reset=0";
    return f + args;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string location(const sy::api::HttpResponse& r) {
    for (const auto& [k, v] : r.headers)
        if (k == "Location")
            return v;
    return {};
}

// The operator's validate URL of round-trip mode: answers {"result": true} for alice / secret
// only, and keeps every body it was sent.
class ValidateServer {
public:
    bool start() {
        sy::api::ServerOptions o;
        o.port = 0;
        o.threads = 1;
        server_ = std::make_unique<sy::api::HttpServer>(o, [this](const sy::api::HttpRequest& r) {
            const auto j = Json::parse(r.body, nullptr, false);
            {
                std::lock_guard lock(mutex_);
                seen_.push_back(j);
            }
            if (!j.is_object())
                return sy::api::HttpResponse::json(400, {{"result", false}});
            if (j.value("username", "") == "boom")
                return sy::api::HttpResponse::json(500, {{"error", "down"}});
            const bool ok =
                j.value("username", "") == "alice" && j.value("password", "") == "secret";
            return sy::api::HttpResponse::json(200, {{"result", ok}});
        });
        return server_->start().ok();
    }
    void stop() { server_->stop(); }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) + "/validate";
    }
    std::vector<Json> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

private:
    std::unique_ptr<sy::api::HttpServer> server_;
    mutable std::mutex mutex_;
    std::vector<Json> seen_;
};

// A listener that never accepts: connections complete in the kernel and no answer ever comes.
class SilentListener {
public:
    SilentListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
            ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return;
        port_ = ntohs(a.sin_port);
    }
    ~SilentListener() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

// A validate URL that takes the connection and answers nothing until released: `arrived` is set
// when the first call is in.
class HoldingListener {
public:
    HoldingListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
            ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return;
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] {
            const int c = ::accept(fd_, nullptr, nullptr);
            arrived_.set_value();
            released_.get_future().wait();
            if (c >= 0)
                ::close(c);
        });
    }
    ~HoldingListener() {
        release();
        if (thread_.joinable()) {
            ::shutdown(fd_, SHUT_RDWR); // ends an accept that never got a call
            thread_.join();
        }
        if (fd_ >= 0)
            ::close(fd_);
    }
    int port() const { return port_; }
    bool waitForCall(std::chrono::milliseconds timeout) {
        return arrivedFuture_.wait_for(timeout) == std::future_status::ready;
    }
    void release() {
        if (!released_flag_.exchange(true))
            released_.set_value();
    }

private:
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::promise<void> arrived_;
    std::future<void> arrivedFuture_ = arrived_.get_future();
    std::promise<void> released_;
    std::atomic<bool> released_flag_{false};
};

} // namespace

class TestNodeCallbackAccess : public QObject {
    Q_OBJECT
private slots:
    void init() { f_ = std::make_unique<ApiFixture>(); }
    void cleanup() { f_.reset(); }

    void openGroupAllowsAnyone();
    void tokenGroupChecksEveryPublish();
    void oneTimeTokensStartOneSession();
    void relayCredentialsLetTheGroupsNodesPull();
    void unknownNodeIsRefused();
    void roundTripAsksTheValidateUrl();
    void roundTripRefusesWhenTheValidateUrlIsUnreachable();
    void callsWithoutTheNodeSecretAreRefused_data();
    void callsWithoutTheNodeSecretAreRefused();
    void refusedStrangersLeaveNoEvents();
    void slowValidateUrlDoesNotHoldUpOtherNodes();
    void oversizedCallbackBodiesAreRefused();

private:
    // Creates the group and returns the id of its INSERVICE origin (edge in `edge`).
    std::string createGroup(const std::string& name, const Json& streamAccess,
                            std::string* edge = nullptr);
    sy::api::HttpResponse callback(const std::string& nodeId, const std::string& call,
                                   const std::string& body) const;
    std::string publishToken(const std::string& group, const std::string& stream) const;
    std::uint64_t lastSequence() const;
    std::vector<sy::engine::Event> accessEventsAfter(std::uint64_t sequence) const;
    sy::api::HttpResponse rawCallback(const std::string& target, const std::string& body) const;
    std::unique_ptr<ApiFixture> f_;
    std::shared_ptr<const sy::auth::NodeSecrets> secrets_ =
        sy::auth::NodeSecrets::create(std::string(32, 'k')).value();
};

std::string TestNodeCallbackAccess::createGroup(const std::string& name, const Json& streamAccess,
                                                std::string* edge) {
    auto config = ApiFixture::smallGroup(name, 1);
    if (!streamAccess.is_null())
        config["streamAccess"] = streamAccess;
    const auto r = f_->as("admin", "POST", kNodeGroups, config.dump());
    if (r.status != 200)
        qWarning("%s", r.body.c_str());
    std::string origin;
    f_->waitFor([&](const auto& s) {
        origin = nodeOf(s, name, "origin");
        if (edge)
            *edge = nodeOf(s, name, "edge");
        return !origin.empty() && (!edge || !edge->empty());
    });
    return origin;
}

// What nginx sends: the node's secret in the callback URL it was configured with.
sy::api::HttpResponse TestNodeCallbackAccess::callback(const std::string& nodeId,
                                                       const std::string& call,
                                                       const std::string& body) const {
    return rawCallback("/" + nodeId + "/" + call + "?secret=" + secrets_->secretFor(nodeId), body);
}

sy::api::HttpResponse TestNodeCallbackAccess::rawCallback(const std::string& target,
                                                          const std::string& body) const {
    sy::api::HttpRequest req;
    req.method = "POST";
    req.target = target;
    req.body = body;
    req.remoteAddress = "127.0.0.1";
    req.headers["Content-Type"] = "application/x-www-form-urlencoded";
    return sy::api::handleNodeCallback(&f_->core(), secrets_.get(), req);
}

std::string TestNodeCallbackAccess::publishToken(const std::string& group,
                                                 const std::string& stream) const {
    auto r = body(
        f_->as("operator", "GET", "/as/v1/streams/stream/" + group + "/publish/live/" + stream));
    if (!r.is_array() || r.empty() || !r[0]["urls"].contains("token"))
        return {};
    return r[0]["urls"]["token"];
}

std::uint64_t TestNodeCallbackAccess::lastSequence() const {
    const auto events = f_->core().eventsSince(0);
    return events.empty() ? 0 : events.back().sequence;
}

std::vector<sy::engine::Event> TestNodeCallbackAccess::accessEventsAfter(std::uint64_t seq) const {
    std::vector<sy::engine::Event> out;
    for (auto& e : f_->core().eventsSince(seq))
        if (e.kind == EventKind::Access)
            out.push_back(std::move(e));
    return out;
}

void TestNodeCallbackAccess::openGroupAllowsAnyone() {
    const auto origin = createGroup("open", nullptr);
    QVERIFY(!origin.empty());
    const auto seq = lastSequence();
    const auto pub = callback(origin, "publish", form("publish", "s1"));
    QVERIFY2(pub.status == 200, pub.body.c_str());
    QCOMPARE(callback(origin, "play", form("play", "s1")).status, 200);
    QCOMPARE(callback(origin, "done", form("done", "s1")).status, 200);
    QVERIFY(accessEventsAfter(seq).empty());
}

void TestNodeCallbackAccess::tokenGroupChecksEveryPublish() {
    const auto origin = createGroup("tok", {{"publish", "token"}, {"play", "token"}});
    QVERIFY(!origin.empty());
    const auto token = publishToken("tok", "s1");
    QVERIFY(!token.empty());
    const auto tokenS2 = publishToken("tok", "s2");
    QVERIFY(!tokenS2.empty());

    // Without a token: refused, and the refusal is an Access event naming stream and reason.
    auto seq = lastSequence();
    auto r = callback(origin, "publish", form("publish", "s1"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "no stream token"), r.body.c_str());
    auto events = accessEventsAfter(seq);
    QCOMPARE(events.size(), std::size_t{1});
    QCOMPARE(events[0].nodeGroup, std::string("tok"));
    QCOMPARE(events[0].nodeId, origin);
    QCOMPARE(events[0].details.value("stream", ""), std::string("live/s1"));
    QCOMPARE(events[0].details.value("action", ""), std::string("publish"));
    QCOMPARE(events[0].details.value("addr", ""), std::string("127.0.0.1"));
    QVERIFY(has(events[0].details.value("reason", ""), "no stream token"));

    // The token routing handed out: allowed, and again (not a one-time group).
    r = callback(origin, "publish", form("publish", "s1", "&token=" + token));
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=" + token)).status, 200);

    // A play token of the same stream does not publish.
    const auto play = f_->core().internalStreamToken("tok", "live/s1", StreamAction::Play, "t");
    QVERIFY(!play.empty());
    r = callback(origin, "publish", form("publish", "s1", "&token=" + play));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "publish"), r.body.c_str());
    QCOMPARE(callback(origin, "play", form("play", "s1", "&token=" + play)).status, 200);

    // A token of another stream: refused, event names the stream that was asked for.
    seq = lastSequence();
    r = callback(origin, "publish", form("publish", "s1", "&token=" + tokenS2));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "live/s2"), r.body.c_str());
    events = accessEventsAfter(seq);
    QCOMPARE(events.size(), std::size_t{1});
    QCOMPARE(events[0].details.value("stream", ""), std::string("live/s1"));
    QVERIFY(has(events[0].details.value("reason", ""), "stream token refused"));

    // A client appending its own name cannot change the stream that is checked: nginx's
    // field comes first and counts...
    r = callback(origin, "publish", "app=live&name=s1&call=publish&token=" + tokenS2 + "&name=s2");
    QCOMPARE(r.status, 403);
    // ...also when it is the client's name that the token is for (the first name is s2 here).
    QCOMPARE(
        callback(origin, "publish", "app=live&name=s2&call=publish&token=" + tokenS2 + "&name=s1")
            .status,
        200);

    // A credential sent twice is ambiguous.
    r = callback(origin, "publish", form("publish", "s1", "&token=" + token + "&token=" + token));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "more than once"), r.body.c_str());

    // Expired (issued 1000 s ago for 60 s), signed with the right key.
    const auto past = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() -
                      1000;
    const auto oldCodec = coreStreamCodec(*f_, [past] { return past; });
    QVERIFY2(oldCodec, "the core's stream-token secret is not in DATADIR/stream-tokens");
    const auto expired = oldCodec->issue("tok", "live/s1", StreamAction::Publish, 60, "old");
    r = callback(origin, "publish", form("publish", "s1", "&token=" + expired));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "expired"), r.body.c_str());

    // Valid now, right stream, but for another node group.
    const auto codec = coreStreamCodec(*f_);
    QVERIFY(codec);
    const auto other = codec->issue("other", "live/s1", StreamAction::Publish, 60, "x");
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=" + other)).status, 403);
    // And the same claims signed with the right group's key pass (the key is what refused).
    const auto right = codec->issue("tok", "live/s1", StreamAction::Publish, 60, "x");
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=" + right)).status, 200);
    // Garbage never passes.
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=a.b.c")).status, 403);
}

void TestNodeCallbackAccess::oneTimeTokensStartOneSession() {
    const auto origin = createGroup("once", {{"publish", "token"}, {"oneTime", true}});
    QVERIFY(!origin.empty());
    const auto token = publishToken("once", "s1");
    QVERIFY(!token.empty());
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=" + token)).status, 200);
    const auto seq = lastSequence();
    const auto again = callback(origin, "publish", form("publish", "s1", "&token=" + token));
    QCOMPARE(again.status, 403);
    QVERIFY2(has(again.body, "already used"), again.body.c_str());
    const auto events = accessEventsAfter(seq);
    QCOMPARE(events.size(), std::size_t{1});
    QVERIFY(has(events[0].details.value("reason", ""), "already used"));
    // A fresh token from routing starts the next session.
    const auto fresh = publishToken("once", "s1");
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&token=" + fresh)).status, 200);
}

void TestNodeCallbackAccess::relayCredentialsLetTheGroupsNodesPull() {
    std::string edge;
    const auto origin = createGroup("tok", {{"play", "token"}}, &edge);
    QVERIFY(!origin.empty() && !edge.empty());
    std::string otherEdge;
    QVERIFY(!createGroup("other", {{"play", "token"}}, &otherEdge).empty());
    const auto codec = coreStreamCodec(*f_);
    QVERIFY2(codec, "the core's stream-token secret is not in DATADIR/stream-tokens");
    const auto credential = codec->relayCredential("tok", edge);

    // The edge's pull to its origin carries its credential in pageUrl (nginx's own field).
    auto r = callback(origin, "play", form("play", "s1", "", credential));
    QVERIFY2(r.status == 200, r.body.c_str());
    // A viewer without token is refused; so are forged credentials and those of nodes that are
    // not in this group.
    QCOMPARE(callback(origin, "play", form("play", "s1")).status, 403);
    auto forged = credential;
    forged.back() = forged.back() == '0' ? '1' : '0';
    const auto seq = lastSequence();
    r = callback(origin, "play", form("play", "s1", "", forged));
    QCOMPARE(r.status, 403);
    const auto events = accessEventsAfter(seq);
    QCOMPARE(events.size(), std::size_t{1});
    QCOMPARE(events[0].details.value("action", ""), std::string("play"));
    QCOMPARE(events[0].details.value("stream", ""), std::string("live/s1"));
    QCOMPARE(
        callback(origin, "play", form("play", "s1", "", codec->relayCredential("tok", "ghost")))
            .status,
        403);
    QCOMPARE(
        callback(origin, "play", form("play", "s1", "", codec->relayCredential("other", otherEdge)))
            .status,
        403);
    // A credential lets a node pull, never publish.
    std::string tokEdge;
    const auto tokOrigin =
        createGroup("pubtok", {{"publish", "token"}, {"play", "token"}}, &tokEdge);
    QVERIFY(!tokOrigin.empty());
    QCOMPARE(callback(tokOrigin, "publish",
                      form("publish", "s1", "", codec->relayCredential("pubtok", tokEdge)))
                 .status,
             403);

    // A viewer with a play token on an edge is sent to the origin; the redirect carries the
    // edge's relay credential, which the origin then accepts from the edge's pull.
    sy::providers::SimulatedTraffic traffic;
    traffic.baseline = {1, 10};
    f_->simulated().setTraffic("tok", traffic);
    std::string guid;
    QVERIFY(f_->waitFor([&](const auto& s) {
        for (const auto& n : s.group("tok")->nodes)
            for (const auto& st : n.streams)
                if (st.publishing && n.nodeId == origin)
                    guid = st.guid;
        return !guid.empty();
    }));
    const auto slash = guid.find('/');
    const auto name = guid.substr(slash + 1);
    const auto play = f_->core().internalStreamToken("tok", guid, StreamAction::Play, "viewer");
    r = callback(edge, "play", form("play", name, "&token=" + play));
    QVERIFY2(r.status == 302, (std::to_string(r.status) + " " + r.body).c_str());
    const auto to = location(r);
    QVERIFY2(to.ends_with("/" + guid + "?relay=" + credential), to.c_str());
    QCOMPARE(callback(edge, "play", form("play", name)).status, 403);
    QCOMPARE(callback(origin, "play", form("play", name, "&relay=" + credential)).status, 200);
}

void TestNodeCallbackAccess::unknownNodeIsRefused() {
    QVERIFY(!createGroup("open", nullptr).empty());
    const auto r = callback("no-such-node", "publish", form("publish", "s1"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "unknown node"), r.body.c_str());
}

void TestNodeCallbackAccess::roundTripAsksTheValidateUrl() {
    ValidateServer server;
    QVERIFY(server.start());
    const auto origin =
        createGroup("rt", {{"publish", "roundtrip"}, {"validateUrl", server.url()}});
    QVERIFY(!origin.empty());

    auto r = callback(origin, "publish", form("publish", "s1", "&username=alice&password=secret"));
    QVERIFY2(r.status == 200, r.body.c_str());
    auto seen = server.seen();
    QCOMPARE(seen.size(), std::size_t{1});
    QCOMPARE(seen[0].value("type", ""), std::string("publisher"));
    QCOMPARE(seen[0].value("streamID", ""), std::string("s1"));
    QCOMPARE(seen[0].value("username", ""), std::string("alice"));
    QCOMPARE(seen[0].value("password", ""), std::string("secret"));
    QCOMPARE(seen[0].value("nodeGroup", ""), std::string("rt"));

    const auto seq = lastSequence();
    r = callback(origin, "publish", form("publish", "s1", "&username=alice&password=wrong"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "refused"), r.body.c_str());
    QCOMPARE(server.seen().size(), std::size_t{2});
    const auto events = accessEventsAfter(seq);
    QCOMPARE(events.size(), std::size_t{1});
    QVERIFY(has(events[0].details.value("reason", ""), "refused"));

    r = callback(origin, "publish", form("publish", "s1", "&username=boom&password=x"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "HTTP 500"), r.body.c_str());
    r = callback(origin, "publish", form("publish", "s1"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "no credentials"), r.body.c_str());
    const auto asked = server.seen().size();
    QCOMPARE(asked, std::size_t{3}); // no credentials: the server is not asked

    // A token of the core's own (media jobs) passes without asking the server.
    const auto own = f_->core().internalStreamToken("rt", "live/s1", StreamAction::Publish, "job");
    QVERIFY(!own.empty());
    r = callback(origin, "publish", form("publish", "s1", "&token=" + own));
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(server.seen().size(), asked);
    // Play is open in this group: nothing asked either.
    QCOMPARE(callback(origin, "play", form("play", "s1")).status, 200);
    QCOMPARE(server.seen().size(), asked);
    server.stop();
}

void TestNodeCallbackAccess::roundTripRefusesWhenTheValidateUrlIsUnreachable() {
    ValidateServer server;
    QVERIFY(server.start());
    const auto origin =
        createGroup("rt", {{"publish", "roundtrip"}, {"validateUrl", server.url()}});
    QVERIFY(!origin.empty());
    QCOMPARE(callback(origin, "publish", form("publish", "s1", "&username=alice&password=secret"))
                 .status,
             200);
    server.stop();
    QElapsedTimer timer;
    timer.start();
    auto r = callback(origin, "publish", form("publish", "s1", "&username=alice&password=secret"));
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "unreachable"), r.body.c_str());
    QVERIFY2(timer.elapsed() < 3500, std::to_string(timer.elapsed()).c_str());

    // A server that takes the connection and never answers: refused within the 3 s bound.
    SilentListener silent;
    QVERIFY(silent.port() > 0);
    auto config = ApiFixture::smallGroup("rt", 1);
    config["streamAccess"] = {
        {"publish", "roundtrip"},
        {"validateUrl", "http://127.0.0.1:" + std::to_string(silent.port()) + "/validate"}};
    QCOMPARE(f_->as("admin", "PUT", kNodeGroups, config.dump()).status, 200);
    QVERIFY(f_->waitFor([&](const auto& s) {
        const auto* g = s.group("rt");
        return g && g->config.streamAccess &&
               g->config.streamAccess->validateUrl ==
                   config["streamAccess"]["validateUrl"].get<std::string>();
    }));
    timer.restart();
    r = callback(origin, "publish", form("publish", "s1", "&username=alice&password=secret"));
    const auto elapsed = timer.elapsed();
    QCOMPARE(r.status, 403);
    QVERIFY2(has(r.body, "unreachable"), r.body.c_str());
    QVERIFY2(elapsed >= 2500 && elapsed < 4500, std::to_string(elapsed).c_str());
    qInfo("silent validate URL refused after %lld ms", static_cast<long long>(elapsed));
}

void TestNodeCallbackAccess::callsWithoutTheNodeSecretAreRefused_data() {
    QTest::addColumn<QString>("query"); // after /NODE/publish; %S is the node's own secret
    QTest::addRow("no secret") << QString();
    QTest::addRow("empty secret") << QStringLiteral("?secret=");
    QTest::addRow("wrong secret") << QStringLiteral("?secret=") + QString(64, QLatin1Char('0'));
    QTest::addRow("another node's secret") << QStringLiteral("?secret=%O");
    QTest::addRow("secret twice") << QStringLiteral("?secret=%S&secret=%S");
    QTest::addRow("secret with a suffix") << QStringLiteral("?secret=%Sx");
    QTest::addRow("secret in the body only") << QStringLiteral("#body");
}

// `curl -X POST 127.0.0.1:PORT/NODEID/publish -d app=live&name=x` by any local user was answered
// like nginx's own call. Without the node's secret it is 401 JSON, before the core is asked.
void TestNodeCallbackAccess::callsWithoutTheNodeSecretAreRefused() {
    QFETCH(QString, query);
    std::string edge;
    const auto origin = createGroup("tok", {{"publish", "token"}}, &edge);
    QVERIFY(!origin.empty() && !edge.empty());
    const auto token = publishToken("tok", "s1");
    QVERIFY(!token.empty());
    auto q = query.toStdString();
    std::string payload = form("publish", "s1", "&token=" + token);
    if (q == "#body") {
        payload += "&secret=" + secrets_->secretFor(origin);
        q.clear();
    }
    const std::vector<std::pair<std::string, std::string>> marks = {
        {"%S", secrets_->secretFor(origin)}, {"%O", secrets_->secretFor(edge)}};
    for (const auto& [mark, value] : marks)
        for (auto at = q.find(mark); at != std::string::npos; at = q.find(mark))
            q.replace(at, mark.size(), value);
    const auto seq = lastSequence();
    for (const char* call : {"publish", "play", "done"}) {
        const auto r = rawCallback("/" + origin + "/" + call + q, payload);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.contentType, std::string("application/json"));
        QVERIFY2(has(body(r).value("errorMessage", ""), "secret"), r.body.c_str());
        // The answer never echoes what was presented.
        QVERIFY(!has(r.body, secrets_->secretFor(origin)) && !has(r.body, origin));
    }
    QCOMPARE(lastSequence(), seq);
    // The same call with the secret is answered as before: the token lets it publish.
    const auto r = callback(origin, "publish", form("publish", "s1", "&token=" + token));
    QVERIFY2(r.status == 200, r.body.c_str());
}

// Refusals of strangers are no node events: a flood of them neither adds events nor pushes the
// node's real ones out of the ring. (A refused publish of a real node does add an Access event.)
void TestNodeCallbackAccess::refusedStrangersLeaveNoEvents() {
    const auto origin = createGroup("tok", {{"publish", "token"}});
    QVERIFY(!origin.empty());
    auto seq = lastSequence();
    QCOMPARE(callback(origin, "publish", form("publish", "real")).status, 403);
    const auto real = accessEventsAfter(seq);
    QCOMPARE(real.size(), std::size_t{1});
    seq = lastSequence();
    for (int i = 0; i < 5000; ++i)
        QCOMPARE(
            rawCallback("/" + origin + "/publish", form("publish", "x" + std::to_string(i))).status,
            401);
    // The core's own events (scaling, node states) may arrive meanwhile; a refusal of the node's
    // callback would be an Access event (as the real one above is), and there is none.
    QCOMPARE(accessEventsAfter(seq).size(), std::size_t{0});
    const auto all = f_->core().eventsSince(0);
    QVERIFY(std::any_of(all.begin(), all.end(),
                        [&](const auto& e) { return e.sequence == real[0].sequence; }));
}

// Over the real endpoint: node A's publish waits on a validate URL that does not answer; node
// B's callback is answered meanwhile (the decision runs on a pool, not on the one I/O thread).
void TestNodeCallbackAccess::slowValidateUrlDoesNotHoldUpOtherNodes() {
    HoldingListener validate;
    QVERIFY(validate.port() > 0);
    const auto slowOrigin = createGroup(
        "rt", {{"publish", "roundtrip"},
               {"validateUrl", "http://127.0.0.1:" + std::to_string(validate.port()) + "/v"}});
    const auto fastOrigin = createGroup("open", nullptr);
    QVERIFY(!slowOrigin.empty() && !fastOrigin.empty());
    sy::api::NodeCallbackServer server;
    server.useSecrets(secrets_);
    server.attach(&f_->core());
    QVERIFY(server.start().ok());
    const auto url = [&](const std::string& node) {
        return server.baseUrl() + "/" + node + "/publish?secret=" + secrets_->secretFor(node);
    };
    sy::nodes::HttpTimeouts timeouts;
    timeouts.total = std::chrono::milliseconds(10000);
    auto slow = std::async(std::launch::async, [&] {
        return sy::nodes::postHttp(url(slowOrigin),
                                   form("publish", "s1", "&username=alice&password=secret"),
                                   "application/x-www-form-urlencoded", timeouts);
    });
    QVERIFY2(validate.waitForCall(std::chrono::seconds(10)), "the validate URL was never called");
    const auto fast = sy::nodes::postHttp(url(fastOrigin), form("publish", "s2"),
                                          "application/x-www-form-urlencoded", timeouts);
    const bool slowStillPending =
        slow.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    validate.release();
    QVERIFY2(fast.ok(), fast ? "" : fast.error().message.c_str());
    QCOMPARE(fast->status, 200);
    QVERIFY2(slowStillPending, "node B was answered only after node A's validate call ended");
    const auto slowAnswer = slow.get();
    QVERIFY(slowAnswer.ok());
    QCOMPARE(slowAnswer->status, 403); // the validate URL never answered
    // And over the wire too, a call without the secret is 401.
    const auto stranger =
        sy::nodes::postHttp(server.baseUrl() + "/" + fastOrigin + "/publish", form("publish", "s3"),
                            "application/x-www-form-urlencoded", timeouts);
    QVERIFY(stranger.ok());
    QCOMPARE(stranger->status, 401);
    server.stop();
}

// nginx's forms are a few hundred bytes: the endpoint refuses big bodies before they are read,
// and a body whose keys all repeat costs time linear in its size (the decision runs on a pool).
void TestNodeCallbackAccess::oversizedCallbackBodiesAreRefused() {
    const auto origin = createGroup("open", nullptr);
    QVERIFY(!origin.empty());
    sy::api::NodeCallbackServer server;
    server.useSecrets(secrets_);
    server.attach(&f_->core());
    QVERIFY(server.start().ok());
    const auto url =
        server.baseUrl() + "/" + origin + "/publish?secret=" + secrets_->secretFor(origin);
    sy::nodes::HttpTimeouts timeouts;
    timeouts.total = std::chrono::milliseconds(10000);
    const auto big =
        sy::nodes::postHttp(url, form("publish", "s1") + "&pad=" + std::string(100 * 1024, 'x'),
                            "application/x-www-form-urlencoded", timeouts);
    QVERIFY2(big.ok(), big ? "" : big.error().message.c_str());
    QCOMPARE(big->status, 413);
    // 60 KiB of distinct keys, each sent twice: still answered like any publish.
    std::string repeated = form("publish", "s2");
    for (int i = 0; repeated.size() < 60 * 1024; ++i)
        repeated += "&k" + std::to_string(i) + "=1&k" + std::to_string(i) + "=2";
    const auto dup =
        sy::nodes::postHttp(url, repeated, "application/x-www-form-urlencoded", timeouts);
    QVERIFY2(dup.ok(), dup ? "" : dup.error().message.c_str());
    QCOMPARE(dup->status, 200);
    server.stop();
}

QTEST_GUILESS_MAIN(TestNodeCallbackAccess)
#include "tst_nodecallbackaccess.moc"
