// What Red5's own clients send and read (reference §9): node-group installer scripts that want
// exactly 200, compose files that probe /streams/stream/healthz, the HTML testbed's node-group
// list, the mobile testbeds' provisions keyed by streamGuid (sent chunked), and clients that read
// `error` or `errorMessage`. The API over a real core; the chunked provision over real HTTP.

#include "tests/api/apifixture.h"
#include "tests/support/jsontest.h"
#include "tests/support/rawhttp.h"

#include "core/api/httpserver.h"
#include "core/api/router.h"
#include "core/store/statestore.h"

#include <QTest>

using namespace apitest;
using sy::api::HttpRequest;
using sy::api::PathParams;

namespace {

const std::string kNodeGroups = "/as/v1/admin/nodegroup";

// A router whose handlers answer their own pattern, to see which one a path reaches.
sy::api::Router routerOf(const std::vector<std::string>& patterns) {
    sy::api::Router r;
    for (const auto& p : patterns)
        r.add("GET", p, [p](const HttpRequest&, const PathParams& params) {
            Json j = {{"pattern", p}};
            for (const auto& [k, v] : params)
                j["params"][k] = v;
            return HttpResponse::json(200, j);
        });
    return r;
}

std::string chunked(const std::string& body) {
    // Two chunks, as Android's HttpURLConnection sends a body of unknown length.
    const std::size_t half = body.size() / 2;
    auto hex = [](std::size_t n) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%zx", n);
        return std::string(buf);
    };
    return hex(half) + "\r\n" + body.substr(0, half) + "\r\n" + hex(body.size() - half) + "\r\n" +
           body.substr(half) + "\r\n0\r\n\r\n";
}

} // namespace

class TestRed5Clients : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void createAndDeleteNodeGroupAnswer200();
    void openApiDocumentsTheCreateAs200();
    void fixedSegmentsWinOverParameters_data();
    void fixedSegmentsWinOverParameters();
    void streamsHealthzIsNotANodeGroup();
    void nodeGroupNamesArePublic();
    void wrongMethodStillAnswers405WithAllow();
    void provisionKeyedByStreamGuid();
    void provisionKeyedByStreamGuidSentChunked();
    void provisionKeyedByStreamGuidKeepsSecretsOnPut();
    void errorsCarryErrorAndErrorMessage_data();
    void errorsCarryErrorAndErrorMessage();

private:
    std::unique_ptr<ApiFixture> f_;
};

void TestRed5Clients::initTestCase() {
    f_ = std::make_unique<ApiFixture>();
    const auto r = f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("ng1", 1).dump());
    QVERIFY2(r.status == 200, r.body.c_str());
}

void TestRed5Clients::createAndDeleteNodeGroupAnswer200() {
    // r5p_create_node_group.sh: `if [ "$status" -eq 200 ]`, else retry, then fail on the 409.
    const auto created =
        f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("installer", 1).dump());
    QCOMPARE(created.status, 200);
    QCOMPARE_JSON(body(created), Json({{"result", "CREATED"}}));
    const auto again =
        f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("installer", 1).dump());
    QCOMPARE(again.status, 409);
    // The TypeScript testbed expects a JSON body on a 2xx delete.
    const auto deleted = f_->as("admin", "DELETE", kNodeGroups + "/installer");
    QCOMPARE(deleted.status, 200);
    QVERIFY(body(deleted).is_object());
    QVERIFY(f_->waitFor([](const auto& s) { return s.group("installer") == nullptr; }));
    QCOMPARE(f_->as("viewer", "GET", kNodeGroups + "/installer").status, 404);
}

void TestRed5Clients::openApiDocumentsTheCreateAs200() {
    const auto doc = body(f_->call("GET", "/as/v1/admin/v3/api-docs"));
    const auto& responses = doc["paths"][kNodeGroups]["post"]["responses"];
    QVERIFY2(responses.contains("200") && !responses.contains("201"), responses.dump().c_str());
    const auto& names = doc["paths"]["/as/v1/streams/stream/node-groups"]["get"];
    QVERIFY2(names.is_object() && names["security"].empty(), names.dump().c_str());
}

namespace {

struct RouteRow {
    const char* name;
    std::vector<std::string> patterns; // in the order they are added
    std::string path;
    std::string expected;
};

const std::vector<RouteRow>& routeRows() {
    static const std::vector<RouteRow> rows = {
        {"parameter added first",
         {"/s/stream/{ng}", "/s/stream/healthz"},
         "/s/stream/healthz",
         "/s/stream/healthz"},
        {"fixed added first",
         {"/s/stream/healthz", "/s/stream/{ng}"},
         "/s/stream/healthz",
         "/s/stream/healthz"},
        {"others still reach the parameter",
         {"/s/stream/{ng}", "/s/stream/healthz"},
         "/s/stream/ng1",
         "/s/stream/{ng}"},
        {"first differing segment decides", {"/a/{x}/c", "/a/b/{y}"}, "/a/b/c", "/a/b/{y}"},
        {"one segment beats the rest of the path",
         {"/p/{ng}/{guid...}", "/p/{ng}/{id}"},
         "/p/ng1/x",
         "/p/{ng}/{id}"},
        {"a literal beats the rest of the path",
         {"/p/{ng}/{guid...}", "/p/{ng}/distribute/{guid...}"},
         "/p/ng1/distribute/live/s",
         "/p/{ng}/distribute/{guid...}"},
        {"the rest of the path when nothing else fits",
         {"/p/{ng}/{guid...}", "/p/{ng}/{id}"},
         "/p/ng1/live/s",
         "/p/{ng}/{guid...}"},
    };
    return rows;
}

} // namespace

void TestRed5Clients::fixedSegmentsWinOverParameters_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < routeRows().size(); ++i)
        QTest::addRow("%s", routeRows()[i].name) << int(i);
}

void TestRed5Clients::fixedSegmentsWinOverParameters() {
    QFETCH(int, index);
    const auto& row = routeRows()[static_cast<std::size_t>(index)];
    const auto router = routerOf(row.patterns);
    const auto res = router.dispatch(HttpRequest{"GET", row.path, {}, {}, {}});
    QCOMPARE(res.status, 200);
    QCOMPARE(Json::parse(res.body)["pattern"].get<std::string>(), row.expected);
}

void TestRed5Clients::streamsHealthzIsNotANodeGroup() {
    // The compose files probe it; the reference lists it beside /admin/healthz.
    const auto health = f_->call("GET", "/as/v1/streams/stream/healthz");
    QVERIFY2(health.status == 200, health.body.c_str());
    QCOMPARE_JSON(body(health)["status"], Json("UP"));
    // Even when a node group is called healthz: its streams are one segment further down.
    QCOMPARE(
        f_->as("admin", "POST", kNodeGroups, ApiFixture::smallGroup("healthz", 1).dump()).status,
        200);
    QCOMPARE_JSON(body(f_->call("GET", "/as/v1/streams/stream/healthz"))["status"], Json("UP"));
    const auto publish = f_->call("GET", "/as/v1/streams/stream/healthz/publish/live/x");
    QVERIFY2(body(publish).value("errorMessage", "").find("no route") == std::string::npos,
             publish.body.c_str());
    QCOMPARE(f_->as("admin", "DELETE", kNodeGroups + "/healthz").status, 200);
}

void TestRed5Clients::nodeGroupNamesArePublic() {
    // streaming-html5's testbed fills its node-group picker from here, without a token.
    const auto names = f_->call("GET", "/as/v1/streams/stream/node-groups");
    QVERIFY2(names.status == 200, names.body.c_str());
    const auto list = body(names);
    QVERIFY2(list.is_array() && std::find(list.begin(), list.end(), Json("ng1")) != list.end(),
             names.body.c_str());
    QCOMPARE_JSON(list, body(f_->as("viewer", "GET", kNodeGroups)));
}

void TestRed5Clients::wrongMethodStillAnswers405WithAllow() {
    const auto r = f_->call("DELETE", "/as/v1/streams/stream/healthz");
    QCOMPARE(r.status, 405);
    bool allowGet = false;
    for (const auto& [k, v] : r.headers)
        allowGet = allowGet || (k == "Allow" && v == "GET");
    QVERIFY2(allowGet, r.body.c_str());
}

void TestRed5Clients::provisionKeyedByStreamGuid() {
    // streaming-ios / streaming-android: no provisionGuid, the stream's guid at the top.
    const std::string doc = R"({"streamGuid": "live/mobile", "messageType": "ProvisionCommand",
        "streams": [{"streamGuid": "live/mobile", "abrLevel": 0}]})";
    const auto created = f_->as("operator", "POST", "/as/v1/streams/provision/ng1", doc);
    QVERIFY2(created.status == 201, created.body.c_str());
    const auto read = f_->as("viewer", "GET", "/as/v1/streams/provision/ng1/live/mobile");
    QVERIFY2(read.status == 200, read.body.c_str());
    const auto j = body(read);
    QCOMPARE_JSON(j["provisionGuid"], Json("live/mobile"));
    QCOMPARE_JSON(j["streamGuid"], Json("live/mobile"));
    QCOMPARE_JSON(j["messageType"], Json("ProvisionCommand"));
    QCOMPARE_JSON(j["streams"][0]["streamGuid"], Json("live/mobile"));
    // Their retry gets the 409 they count as success.
    QCOMPARE(f_->as("operator", "POST", "/as/v1/streams/provision/ng1", doc).status, 409);
    // Without either guid it is still refused, naming both ways.
    const auto neither = f_->as("operator", "POST", "/as/v1/streams/provision/ng1",
                                R"({"streams": [{"streamGuid": "live/x"}]})");
    QCOMPARE(neither.status, 400);
    QVERIFY2(neither.body.find("streamGuid") != std::string::npos, neither.body.c_str());
}

void TestRed5Clients::provisionKeyedByStreamGuidSentChunked() {
    sy::api::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    const ApiFixture& f = *f_;
    sy::api::HttpServer server(options, [&f](const HttpRequest& req) {
        std::vector<std::pair<std::string, std::string>> headers(req.headers.begin(),
                                                                 req.headers.end());
        return f.call(req.method, req.target, req.body, {}, headers);
    });
    const auto started = server.start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    const std::string doc = R"({"streamGuid":"live/android","messageType":"ProvisionCommand",)"
                            R"("streams":[{"streamGuid":"live/android","abrLevel":0}]})";
    const auto res = sy::test::rawExchange(
        server.port(), "POST /as/v1/streams/provision/ng1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Authorization: Bearer " +
                           f_->token("operator") +
                           "\r\nContent-Type: application/json\r\n"
                           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                           chunked(doc));
    QVERIFY2(res.status == 201, (res.headers + res.body).c_str());
    const auto read = sy::test::rawExchange(
        server.port(), "GET /as/v1/streams/provision/ng1/live/android HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " +
                           f_->token("viewer") + "\r\nConnection: close\r\n\r\n");
    QVERIFY2(read.status == 200, read.body.c_str());
    QCOMPARE_JSON(Json::parse(read.body)["provisionGuid"], Json("live/android"));
    server.stop();
}

namespace {

struct ErrorRow {
    const char* name;
    std::string user; // "" none
    std::string method;
    std::string target;
    std::string payload;
    int status;
    bool problems = false; // a problems list beside the message
};

const std::vector<ErrorRow>& errorRows() {
    static const std::vector<ErrorRow> rows = {
        {"404 unknown group", "viewer", "GET", kNodeGroups + "/ghost", "", 404},
        {"404 no route", "", "GET", "/as/v1/nothing", "", 404},
        {"404 stream list", "", "GET", "/as/v1/streams/stream/ghost", "", 404},
        {"400 problems", "admin", "POST", kNodeGroups, R"({"name": 5, "cloudPlatform": "MARS"})",
         400, true},
        {"400 not JSON", "admin", "POST", kNodeGroups, "{x", 400},
        {"401 no token", "", "GET", kNodeGroups, "", 401},
        {"403 role", "viewer", "DELETE", kNodeGroups + "/ng1", "", 403},
        {"405 method", "admin", "PATCH", kNodeGroups, "", 405},
        {"409 exists", "admin", "POST", kNodeGroups, ApiFixture::smallGroup("ng1", 1).dump(), 409},
    };
    return rows;
}

} // namespace

// A GET shows secrets masked; sending that back keyed by streamGuid keeps the stored secret, as
// it does for a provisionGuid.
void TestRed5Clients::provisionKeyedByStreamGuidKeepsSecretsOnPut() {
    const Json doc = {{"streamGuid", "live/cam9"},
                      {"messageType", "ProvisionCommand"},
                      {"streams",
                       {{{"streamGuid", "live/cam9"},
                         {"abrLevel", 0},
                         {"camParams",
                          {{"properties",
                            {{"type", "rtsp"},
                             {"rtspUri", "rtsp://10.0.0.5/s"},
                             {"password", "cam-secret-9"}}}}}}}}};
    const auto created = f_->as("operator", "POST", "/as/v1/streams/provision/ng1", doc.dump());
    QVERIFY2(created.status == 201, created.body.c_str());
    auto sealed = [this] {
        const auto stored = f_->core().store().getProvision("ng1", "live/cam9");
        return stored ? stored->doc["streams"][0]["camParams"]["properties"]["password"]
                            .get<std::string>()
                      : std::string();
    };
    const std::string before = sealed();
    QVERIFY(!before.empty() && before != "cam-secret-9");
    auto shown = body(f_->as("viewer", "GET", "/as/v1/streams/provision/ng1/live/cam9"));
    QCOMPARE_JSON(shown["streams"][0]["camParams"]["properties"]["password"], Json("••••"));
    shown.erase("provisionGuid"); // as the testbed sends it
    const auto put =
        f_->as("operator", "PUT", "/as/v1/streams/provision/ng1", Json::array({shown}).dump());
    QVERIFY2(put.status == 200, put.body.c_str());
    // The stored (sealed) secret itself, not a fresh seal of the mask.
    QCOMPARE(sealed(), before);
}

void TestRed5Clients::errorsCarryErrorAndErrorMessage_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < errorRows().size(); ++i)
        QTest::addRow("%s", errorRows()[i].name) << int(i);
}

void TestRed5Clients::errorsCarryErrorAndErrorMessage() {
    QFETCH(int, index);
    const auto& row = errorRows()[static_cast<std::size_t>(index)];
    const auto r = f_->call(row.method, row.target, row.payload,
                            row.user.empty() ? std::string() : f_->token(row.user));
    QCOMPARE(r.status, row.status);
    const auto j = body(r);
    // Red5's newest TypeScript client reads `error` first; the mobile SDKs only `errorMessage`.
    QVERIFY2(j.is_object() && j["errorMessage"].is_string() && j["error"].is_string(),
             r.body.c_str());
    QCOMPARE(j["error"].get<std::string>(), j["errorMessage"].get<std::string>());
    QVERIFY(!j["error"].get<std::string>().empty());
    if (row.problems)
        QVERIFY2(j["problems"].is_array() && !j["problems"].empty(), r.body.c_str());
}

QTEST_GUILESS_MAIN(TestRed5Clients)
#include "tst_red5clients.moc"
