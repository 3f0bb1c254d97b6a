// Stream access and HLS delivery through the REST API, without sockets, over a real core with
// SIMULATED nodes: the node group's `streamAccess` and `hls` settings are stored and refused like
// every other field; publish and subscribe routing of a guarded group need a bearer token of the
// right role and hand out stream tokens that the core's own key verifies; a stream token never
// passes as an API token; HLS groups answer with playlist URLs.

#include "tests/api/apifixture.h"
#include "tests/api/streamtokensupport.h"
#include "tests/support/jsontest.h"

#include <QTest>

#include <chrono>

using namespace apitest;
using sy::auth::StreamAction;

namespace {

const std::string kNodeGroups = "/as/v1/admin/nodegroup";
const std::string kStreams = "/as/v1/streams/stream/";

int inService(const sy::engine::ClusterSnapshot& s, const std::string& group,
              const std::string& role) {
    const auto* g = s.group(group);
    int n = 0;
    if (g)
        for (const auto& node : g->nodes)
            n += node.role == role && node.state == sy::model::NodeState::InService;
    return n;
}

Json groupWith(const std::string& name, const Json& streamAccess, const Json& hls = nullptr) {
    auto j = ApiFixture::smallGroup(name, 1);
    if (!streamAccess.is_null())
        j["streamAccess"] = streamAccess;
    if (!hls.is_null())
        j["hls"] = hls;
    return j;
}

std::string message(const HttpResponse& r) {
    const auto j = body(r);
    return j.is_object() && j.contains("errorMessage") ? j["errorMessage"].get<std::string>()
                                                       : r.body;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

class TestStreamAccessApi : public QObject {
    Q_OBJECT
private slots:
    void init() { f_ = std::make_unique<ApiFixture>(); }
    void cleanup() { f_.reset(); }

    void settingsRoundTripThroughGet();
    void badSettingsAreRefusedWithTheirPath_data();
    void badSettingsAreRefusedWithTheirPath();
    void publishRoutingOfATokenGroupNeedsAnOperator();
    void subscribeRoutingNeedsAViewerWhenTheGroupSaysSo();
    void streamTokenIsNeverAnApiToken();
    void hlsGroupsAnswerWithPlaylistUrls();
    void apiKeysOpenGuardedPublishRouting();

private:
    void createGroup(const Json& config);
    void makeStreamsLive(const std::string& group);
    std::unique_ptr<ApiFixture> f_;
};

void TestStreamAccessApi::createGroup(const Json& config) {
    const std::string name = config.at("name");
    const auto r = f_->as("admin", "POST", kNodeGroups, config.dump());
    QVERIFY2(r.status == 200, r.body.c_str());
    QVERIFY(f_->waitFor([&](const auto& s) {
        return inService(s, name, "origin") == 1 && inService(s, name, "edge") == 1;
    }));
}

void TestStreamAccessApi::makeStreamsLive(const std::string& group) {
    sy::providers::SimulatedTraffic traffic;
    traffic.baseline = {2, 50};
    f_->simulated().setTraffic(group, traffic);
    QTRY_VERIFY_WITH_TIMEOUT(!body(f_->as("", "GET", kStreams + group)).empty(), 10000);
}

void TestStreamAccessApi::settingsRoundTripThroughGet() {
    const Json access = {{"publish", "token"},
                         {"play", "token"},
                         {"subscribeRole", "viewer"},
                         {"oneTime", true},
                         {"tokenTtlSeconds", 60}};
    const Json hls = {{"enabled", false}};
    const auto created = f_->as("admin", "POST", kNodeGroups, groupWith("ng1", access, hls).dump());
    QVERIFY2(created.status == 200, created.body.c_str());
    auto read = body(f_->as("viewer", "GET", kNodeGroups + "/ng1"));
    QCOMPARE_JSON(read.at("streamAccess"), access);
    QCOMPARE_JSON(read.at("hls"), hls);

    // A PUT replaces both, and unknown members inside them are kept as sent.
    const Json access2 = {{"publish", "roundtrip"},
                          {"play", "open"},
                          {"validateUrl", "http://auth.example:8080/validate"},
                          {"comment", "kept"}};
    const Json hls2 = {{"enabled", true}, {"fragmentSeconds", 3}, {"playlistSeconds", 9}};
    const auto updated =
        f_->as("admin", "PUT", kNodeGroups, groupWith("ng1", access2, hls2).dump());
    QVERIFY2(updated.status == 200, updated.body.c_str());
    read = body(f_->as("viewer", "GET", kNodeGroups + "/ng1"));
    QCOMPARE_JSON(read.at("streamAccess"), access2);
    QCOMPARE_JSON(read.at("hls"), hls2);

    // Absent settings stay absent (the group is open, as before the feature).
    QCOMPARE(f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("ng2", 1).dump()).status,
             200);
    read = body(f_->as("viewer", "GET", kNodeGroups + "/ng2"));
    QVERIFY(!read.contains("streamAccess"));
    QVERIFY(!read.contains("hls"));
}

void TestStreamAccessApi::badSettingsAreRefusedWithTheirPath_data() {
    QTest::addColumn<QString>("access");
    QTest::addColumn<QString>("hls");
    QTest::addColumn<QString>("path");
    const auto row = [](const char* name, const char* access, const char* hls, const char* path) {
        QTest::addRow("%s", name) << QString::fromLatin1(access) << QString::fromLatin1(hls)
                                  << QString::fromLatin1(path);
    };
    row("publish tokens", R"({"publish": "tokens"})", "null", "streamAccess.publish");
    row("play anyone", R"({"play": "anyone"})", "null", "streamAccess.play");
    row("subscribeRole everyone", R"({"subscribeRole": "everyone"})", "null",
        "streamAccess.subscribeRole");
    row("ttl 5", R"({"publish": "token", "tokenTtlSeconds": 5})", "null",
        "streamAccess.tokenTtlSeconds");
    row("ttl 100000", R"({"publish": "token", "tokenTtlSeconds": 100000})", "null",
        "streamAccess.tokenTtlSeconds");
    row("roundtrip without validateUrl", R"({"publish": "roundtrip"})", "null",
        "streamAccess.validateUrl");
    row("validateUrl ftp", R"({"publish": "roundtrip", "validateUrl": "ftp://x"})", "null",
        "streamAccess.validateUrl");
    row("validateUrl https", R"({"publish": "roundtrip", "validateUrl": "https://x"})", "null",
        "streamAccess.validateUrl");
    row("validateUrl without host", R"({"play": "roundtrip", "validateUrl": "http:///v"})", "null",
        "streamAccess.validateUrl");
    row("fragment 0", "null", R"({"enabled": true, "fragmentSeconds": 0})", "hls.fragmentSeconds");
    row("fragment 11", "null", R"({"fragmentSeconds": 11})", "hls.fragmentSeconds");
    row("playlist below 3 fragments", "null", R"({"fragmentSeconds": 4, "playlistSeconds": 11})",
        "hls.playlistSeconds");
    row("playlist 121", "null", R"({"playlistSeconds": 121})", "hls.playlistSeconds");
    row("hls with play token", R"({"play": "token"})", R"({"enabled": true})", "hls.enabled");
    row("hls with play roundtrip",
        R"({"play": "roundtrip", "validateUrl": "http://127.0.0.1:9/v"})", R"({"enabled": true})",
        "hls.enabled");
}

void TestStreamAccessApi::badSettingsAreRefusedWithTheirPath() {
    QFETCH(QString, access);
    QFETCH(QString, hls);
    QFETCH(QString, path);
    QCOMPARE(f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("ng1", 1).dump()).status,
             200);
    const auto before = f_->storeContents();
    const auto bad = [&](const std::string& name) {
        return groupWith(name, Json::parse(access.toStdString()), Json::parse(hls.toStdString()));
    };
    // Refused when created, and when an existing group is updated with it.
    for (const auto& [method, name] : {std::pair{"POST", "ng2"}, std::pair{"PUT", "ng1"}}) {
        const auto r = f_->as("admin", method, kNodeGroups, bad(name).dump());
        QVERIFY2(r.status == 400, (std::string(method) + ": " + r.body).c_str());
        QVERIFY2(has(message(r), path.toStdString()), r.body.c_str());
        const auto problems = body(r).at("problems");
        QVERIFY2(std::any_of(problems.begin(), problems.end(),
                             [&](const Json& p) { return p.at("path") == path.toStdString(); }),
                 r.body.c_str());
    }
    QCOMPARE_JSON(f_->storeContents(), before);
    QCOMPARE(f_->as("viewer", "GET", kNodeGroups + "/ng2").status, 404);
}

void TestStreamAccessApi::publishRoutingOfATokenGroupNeedsAnOperator() {
    createGroup(
        groupWith("tok", {{"publish", "token"}, {"play", "token"}, {"tokenTtlSeconds", 90}}));
    createGroup(ApiFixture::smallGroup("open", 1));
    const std::string route = kStreams + "tok/publish/live/x";

    const auto anonymous = f_->as("", "GET", route);
    QCOMPARE(anonymous.status, 401);
    QVERIFY2(has(message(anonymous), "operator"), anonymous.body.c_str());
    QVERIFY(std::any_of(anonymous.headers.begin(), anonymous.headers.end(),
                        [](const auto& h) { return h.first == "WWW-Authenticate"; }));
    const auto viewer = f_->as("viewer", "GET", route);
    QCOMPARE(viewer.status, 403);
    QVERIFY2(has(message(viewer), "viewer"), viewer.body.c_str());
    const auto forged = f_->call("GET", route, "", "not-a-token");
    QCOMPARE(forged.status, 401);
    QVERIFY2(has(message(forged), "invalid token"), forged.body.c_str());

    const auto op = f_->as("operator", "GET", route);
    QVERIFY2(op.status == 200, op.body.c_str());
    auto answer = body(op);
    QCOMPARE(answer[0]["nodeRole"].get<std::string>(), std::string("origin"));
    QVERIFY2(answer[0]["urls"].contains("token"), op.body.c_str());
    const std::string token = answer[0]["urls"]["token"];
    QVERIFY(!token.empty());
    QVERIFY2(answer[0]["urls"]["rtmp"].get<std::string>().ends_with("/live/x?token=" + token),
             op.body.c_str());

    // Signed with the group's key derived from the core's master secret, for this stream and
    // action only, issued to the caller, for the group's ttl.
    const auto codec = coreStreamCodec(*f_);
    QVERIFY2(codec, "the core's stream-token secret is not in DATADIR/stream-tokens");
    const auto claims = codec->verify(token, "tok", "live/x", StreamAction::Publish);
    QVERIFY2(claims, claims ? "" : claims.error().message.c_str());
    // The group's ttl (tokens carry no iat or sub: they must fit nginx-rtmp's 255-byte names).
    const auto nowS = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    QVERIFY(claims->expiresAt > nowS + 80 && claims->expiresAt <= nowS + 91);
    QVERIFY(token.size() < 240);
    QVERIFY(!codec->verify(token, "tok", "live/x", StreamAction::Play));
    QVERIFY(!codec->verify(token, "tok", "live/y", StreamAction::Publish));
    QVERIFY(!codec->verify(token, "open", "live/x", StreamAction::Publish));
    // Each answer has its own token.
    auto again = body(f_->as("admin", "GET", route));
    QVERIFY(again[0]["urls"]["token"].get<std::string>() != token);

    // An open group needs no bearer and hands out no token.
    const auto open = f_->as("", "GET", kStreams + "open/publish/live/x");
    QVERIFY2(open.status == 200, open.body.c_str());
    QVERIFY(!body(open)[0]["urls"].contains("token"));
    QVERIFY(body(open)[0]["urls"]["rtmp"].get<std::string>().ends_with("/live/x"));
}

void TestStreamAccessApi::subscribeRoutingNeedsAViewerWhenTheGroupSaysSo() {
    createGroup(groupWith("sub", {{"play", "token"}, {"subscribeRole", "viewer"}}));
    createGroup(groupWith("pub", {{"play", "token"}})); // subscribe routing stays public
    makeStreamsLive("sub");
    makeStreamsLive("pub");
    const std::string guid = body(f_->as("", "GET", kStreams + "sub"))[0]["streamGuid"];
    const std::string route = kStreams + "sub/subscribe/" + guid;

    const auto anonymous = f_->as("", "GET", route);
    QCOMPARE(anonymous.status, 401);
    QVERIFY2(has(message(anonymous), "viewer"), anonymous.body.c_str());
    // Publish routing of this group stays public: only play is guarded by subscribeRole.
    QCOMPARE(f_->as("", "GET", kStreams + "sub/publish/live/new").status, 200);

    const auto viewer = f_->as("viewer", "GET", route);
    QVERIFY2(viewer.status == 200, viewer.body.c_str());
    auto answer = body(viewer);
    QCOMPARE(answer[0]["nodeRole"].get<std::string>(), std::string("edge"));
    const auto codec = coreStreamCodec(*f_);
    QVERIFY2(codec, "the core's stream-token secret is not in DATADIR/stream-tokens");
    for (auto& location : answer) {
        const std::string token = location["urls"].value("token", "");
        QVERIFY2(!token.empty(), viewer.body.c_str());
        QVERIFY(location["urls"]["rtmp"].get<std::string>().ends_with("?token=" + token));
        const auto claims = codec->verify(token, "sub", guid, StreamAction::Play);
        QVERIFY2(claims, claims ? "" : claims.error().message.c_str());
    }
    // Auth passed for a stream that is not live: the routing answer is the 404.
    QCOMPARE(f_->as("viewer", "GET", kStreams + "sub/subscribe/live/nothing").status, 404);
    QCOMPARE(f_->as("", "GET", kStreams + "sub/subscribe/live/nothing").status, 401);

    // Public subscribe routing of a token group: a token issued to "anonymous".
    const std::string pubGuid = body(f_->as("", "GET", kStreams + "pub"))[0]["streamGuid"];
    const auto pub = f_->as("", "GET", kStreams + "pub/subscribe/" + pubGuid);
    QVERIFY2(pub.status == 200, pub.body.c_str());
    const auto claims =
        codec->verify(body(pub)[0]["urls"].value("token", ""), "pub", pubGuid, StreamAction::Play);
    QVERIFY2(claims, claims ? "" : claims.error().message.c_str());
}

void TestStreamAccessApi::streamTokenIsNeverAnApiToken() {
    createGroup(groupWith("tok", {{"publish", "token"}}));
    const auto op = f_->as("operator", "GET", kStreams + "tok/publish/live/x");
    QVERIFY2(op.status == 200, op.body.c_str());
    const std::string token = body(op)[0]["urls"]["token"];
    for (const auto& target : {kNodeGroups, kStreams + "tok/publish/live/x"}) {
        const auto r = f_->call("GET", target, "", token);
        QVERIFY2(r.status == 401, (target + ": " + r.body).c_str());
        QVERIFY2(has(message(r), "invalid token"), r.body.c_str());
    }
}

// An encoder that cannot log in gets an API key: a long-lived bearer token of an operator user,
// revoked with the user.
void TestStreamAccessApi::apiKeysOpenGuardedPublishRouting() {
    createGroup(groupWith("tok", {{"publish", "token"}}));
    const std::string route = kStreams + "tok/publish/live/x";
    const auto made = f_->as("admin", "POST", "/as/v1/admin/users/operator/apikey?days=30");
    QVERIFY2(made.status == 200, made.body.c_str());
    const auto answer = body(made);
    const std::string key = answer.value("apiKey", "");
    QVERIFY(!key.empty());
    QCOMPARE(answer.value("role", ""), std::string("operator"));
    const auto expires = answer.value("expiresAt", std::int64_t{0});
    QCOMPARE(expires - f_->nowSeconds(), std::int64_t{30} * 86400);

    const auto routed = f_->call("GET", route, "", key);
    QVERIFY2(routed.status == 200, routed.body.c_str());
    QVERIFY(!body(routed)[0]["urls"].value("token", "").empty());

    // A viewer's key does not open it; only an admin makes keys; bad input names the cause.
    const auto viewerKey = body(f_->as("admin", "POST", "/as/v1/admin/users/viewer/apikey"));
    QCOMPARE(f_->call("GET", route, "", viewerKey.value("apiKey", "")).status, 403);
    QCOMPARE(f_->as("operator", "POST", "/as/v1/admin/users/operator/apikey").status, 403);
    const auto unknown = f_->as("admin", "POST", "/as/v1/admin/users/nobody/apikey");
    QCOMPARE(unknown.status, 404);
    QVERIFY2(has(message(unknown), "nobody"), unknown.body.c_str());
    const auto tooLong = f_->as("admin", "POST", "/as/v1/admin/users/operator/apikey?days=4000");
    QCOMPARE(tooLong.status, 400);
    QVERIFY2(has(message(tooLong), "days"), tooLong.body.c_str());

    // Deleting the user revokes its keys at once.
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/admin/users/operator").status, 200);
    const auto revoked = f_->call("GET", route, "", key);
    QCOMPARE(revoked.status, 401);
    QVERIFY2(has(message(revoked), "no longer exists"), revoked.body.c_str());
}

void TestStreamAccessApi::hlsGroupsAnswerWithPlaylistUrls() {
    createGroup(groupWith("hls", nullptr, {{"enabled", true}}));
    createGroup(ApiFixture::smallGroup("plain", 1));
    const auto pub = f_->as("", "GET", kStreams + "hls/publish/live/x");
    QVERIFY2(pub.status == 200, pub.body.c_str());
    auto origin = body(pub)[0];
    const std::string address = origin["serverAddress"];
    QCOMPARE(origin["urls"].value("hls", ""), "http://" + address + ":5080/hls/live/x.m3u8");
    QVERIFY(!origin["urls"].contains("token"));

    const auto plain = f_->as("", "GET", kStreams + "plain/publish/live/x");
    QCOMPARE(plain.status, 200);
    QVERIFY2(!body(plain)[0]["urls"].contains("hls"), plain.body.c_str());

    // Edges serve the playlist of their parents: a viewer is told the edge's URL.
    makeStreamsLive("hls");
    const std::string guid = body(f_->as("", "GET", kStreams + "hls"))[0]["streamGuid"];
    const auto sub = f_->as("", "GET", kStreams + "hls/subscribe/" + guid);
    QVERIFY2(sub.status == 200, sub.body.c_str());
    auto edge = body(sub)[0];
    QCOMPARE(edge["nodeRole"].get<std::string>(), std::string("edge"));
    QCOMPARE(edge["urls"].value("hls", ""),
             "http://" + edge["serverAddress"].get<std::string>() + ":5080/hls/" + guid + ".m3u8");
}

QTEST_GUILESS_MAIN(TestStreamAccessApi)
#include "tst_streamaccessapi.moc"
