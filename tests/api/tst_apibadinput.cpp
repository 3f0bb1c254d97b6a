// Bad input to the REST API: every row is a request that must be refused with its status and a
// JSON errorMessage that names the cause, without internals. After the whole table the store
// holds exactly what it held before and the service still answers.

#include "tests/api/apifixture.h"
#include "tests/support/jsontest.h"

#include "core/auth/base64.h"

#include <QTemporaryDir>
#include <QTest>

using namespace apitest;
using sy::auth::Role;

namespace {

std::string b64(const std::string& s) {
    return sy::auth::base64UrlEncode(s);
}

// A token signed by a codec with other settings than the server's.
std::string tokenWith(const std::function<void(sy::auth::JwtConfig&)>& change, std::int64_t now,
                      Role role = Role::Admin) {
    sy::auth::JwtConfig c;
    c.secret = ApiFixture::secret();
    c.clock = [now] {
        return now;
    };
    change(c);
    auto codec = sy::auth::JwtCodec::create(c);
    return codec->issue("admin", role);
}

struct Row {
    const char* name;
    std::string user; // whose token; "" none
    std::string method;
    std::string target;
    std::string body;
    int status;
    std::vector<std::pair<std::string, std::string>> headers = {};
};

} // namespace

class TestApiBadInput : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void refused_data();
    void refused();
    void nothingChangedAndStillServing();
    void viewerDeepBodyIsRefusedAndServiceLives();
    void nestingLimitOnANodeGroup();
    void numberOverflowNamesTheField_data();
    void numberOverflowNamesTheField();
    void wrongTypesOverAStoredTargetAre400();

private:
    std::vector<Row> rows() const;
    std::unique_ptr<ApiFixture> f_;
    Json before_;
};

void TestApiBadInput::initTestCase() {
    f_ = std::make_unique<ApiFixture>();
    QCOMPARE(
        f_->as("admin", "POST", "/as/v1/admin/nodegroup", ApiFixture::smallGroup("ng1", 1).dump())
            .status,
        200);
    QCOMPARE(f_->as("operator", "POST", "/as/v1/streams/provision/ng1",
                    R"([{"provisionGuid": "cam", "streams": [{"streamGuid": "live/cam"}]}])")
                 .status,
             201);
    QVERIFY(f_->waitFor(
        [](const auto& s) { return s.group("ng1") && !s.group("ng1")->nodes.empty(); }));
    before_ = f_->storeContents();
}

std::vector<Row> TestApiBadInput::rows() const {
    const std::int64_t now = f_->nowSeconds();
    const std::string ng = "/as/v1/admin/nodegroup";
    const std::string prov = "/as/v1/streams/provision/ng1";
    const std::string route = "/as/v1/streams/stream/ng1";
    const Json valid = ApiFixture::smallGroup("ng2", 1);
    auto withField = [&](const std::string& pointer, Json v) {
        Json j = valid;
        j[Json::json_pointer(pointer)] = std::move(v);
        return j.dump();
    };
    auto without = [&](const std::string& key) {
        Json j = valid;
        j.erase(key);
        return j.dump();
    };
    const std::string viewerToken = f_->token("viewer");
    const auto dot1 = viewerToken.find('.');
    const auto dot2 = viewerToken.rfind('.');
    auto payload =
        Json::parse(*sy::auth::base64UrlDecode(viewerToken.substr(dot1 + 1, dot2 - dot1 - 1)));
    payload["roles"] = "ROLE_ADMIN";
    const std::string escalated =
        viewerToken.substr(0, dot1) + "." + b64(payload.dump()) + viewerToken.substr(dot2);
    const std::string none = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload.dump()) + ".";
    const std::string hs512 = b64(R"({"alg":"HS512","typ":"JWT"})") + "." + b64(payload.dump()) +
                              viewerToken.substr(dot2);
    auto bearer = [](const std::string& t) {
        return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + t}};
    };
    const std::string group = ApiFixture::smallGroup("ng1", 1).dump();
    return {
        // Malformed JSON and wrong shapes.
        {"empty body", "admin", "POST", ng, "", 400},
        {"not json", "admin", "POST", ng, "{name: ng2}", 400},
        {"truncated json", "admin", "POST", ng, R"({"name": "ng2", )", 400},
        {"json array", "admin", "POST", ng, "[]", 400},
        {"json string", "admin", "POST", ng, R"("ng2")", 400},
        {"trailing garbage", "admin", "POST", ng, valid.dump() + "}", 400},
        {"name a number", "admin", "POST", ng, withField("/name", 5), 400},
        {"name missing", "admin", "POST", ng, without("name"), 400},
        {"platform missing", "admin", "POST", ng, without("cloudPlatform"), 400},
        {"platform unknown", "admin", "POST", ng, withField("/cloudPlatform", "MARS"), 400},
        {"platform not served", "admin", "POST", ng, withField("/cloudPlatform", "AWS"), 400},
        {"roles a list", "admin", "POST", ng, withField("/roles", Json::array({1})), 400},
        {"min above max", "admin", "POST", ng, withField("/groups/eu/rulesByRole/edge/min", 9),
         400},
        {"max a word", "admin", "POST", ng, withField("/groups/eu/rulesByRole/edge/max", "many"),
         400},
        {"bad out expression", "admin", "POST", ng,
         withField("/groups/eu/rulesByRole/edge/outExpression", "avg(cpu >"), 400},
        {"unknown metric", "admin", "POST", ng,
         withField("/groups/eu/rulesByRole/edge/capacityRankingExpression", "conections.x"), 400},
        {"unknown parent role", "admin", "POST", ng, withField("/roles/edge/parentRoleName", "x"),
         400},
        {"path traversal name", "admin", "POST", ng, withField("/name", "../../etc"), 400},
        {"shell chars in name", "admin", "POST", ng, withField("/name", "ng;rm -rf /"), 400},
        {"name too long", "admin", "POST", ng, withField("/name", std::string(40, 'a')), 400},
        {"reserved name", "admin", "POST", ng, withField("/name", "default"), 400},
        {"newline in sub-group", "admin", "POST", ng, withField("/groups/eu/subGroupName", "e\nu"),
         400},
        {"duplicate group", "admin", "POST", ng, group, 409},
        {"update unknown group", "admin", "PUT", ng, valid.dump(), 404},
        {"update invalid", "admin", "PUT", ng,
         [&] {
             auto j = Json::parse(group);
             j["shuffleSizeExpression"] = "nodeCount +";
             return j.dump();
         }(),
         400},
        // Unknown routes, methods, things.
        {"unknown route", "admin", "GET", "/as/v1/admin/nothing", "", 404},
        {"unknown root", "", "GET", "/etc/passwd", "", 404},
        {"traversal route", "", "GET", "/as/v1/../../etc/passwd", "", 404},
        {"wrong method", "admin", "PATCH", ng, "", 405},
        {"delete the list", "admin", "DELETE", ng, "", 405},
        {"unknown group", "viewer", "GET", ng + "/ghost", "", 404},
        {"unknown group status", "viewer", "GET", ng + "/status/ghost", "", 404},
        {"unknown state filter", "viewer", "GET", ng + "/status/ng1?state=ASLEEP", "", 400},
        {"bad metrics flag", "viewer", "GET", ng + "/status/ng1?metrics=yes", "", 400},
        {"delete unknown group", "admin", "DELETE", ng + "/ghost", "", 404},
        {"pause unknown group", "operator", "PUT", ng + "/ghost/pause", "", 404},
        {"resume not a flag", "operator", "PUT", ng + "/ng1/pause?resume=please", "", 400},
        {"manualscale no count", "operator", "POST", ng + "/ng1/eu/spare/manualscale", "", 400},
        {"manualscale negative", "operator", "POST", ng + "/ng1/eu/spare/manualscale?nodeCount=-1",
         "", 400},
        {"manualscale word", "operator", "POST", ng + "/ng1/eu/spare/manualscale?nodeCount=two", "",
         400},
        {"manualscale unknown role", "operator", "POST",
         ng + "/ng1/eu/ghost/manualscale?nodeCount=1", "", 404},
        {"node cas missing states", "operator", "PUT", ng + "/ng1/abc/manualscale", "", 400},
        {"node cas unknown node", "operator", "PUT",
         ng + "/ng1/abc/manualscale?currentState=INSERVICE&desiredState=SOFT_SUNSET", "", 404},
        {"drain unknown node", "operator", "POST", ng + "/ng1/node/ghost/drain", "", 404},
        {"evaluate empty", "viewer", "POST", "/as/v1/admin/evaluate/capacity", "", 400},
        {"evaluate no expression", "viewer", "POST", "/as/v1/admin/evaluate/capacity",
         R"({"metrics": []})", 400},
        {"evaluate bad grammar", "viewer", "POST", "/as/v1/admin/evaluate/scale",
         R"({"expression": "avg(cpu.system.load) >= 1"})", 400},
        {"evaluate bad tree", "viewer", "POST", "/as/v1/admin/evaluate/capacity",
         R"({"expression": "1", "metrics": [{"value": "x"}]})", 400},
        // Routing.
        {"publish bad guid", "", "GET", route + "/publish/live", "", 400},
        {"publish traversal guid", "", "GET", route + "/publish/live/..%2F..%2Fx", "", 400},
        {"publish shell guid", "", "GET", route + "/publish/live/a;reboot", "", 400},
        {"publish endpoints 0", "", "GET", route + "/publish/live/a?endpoints=0", "", 400},
        {"publish endpoints word", "", "GET", route + "/publish/live/a?endpoints=x", "", 400},
        {"publish transcode 2", "", "GET", route + "/publish/live/a?transcode=true&endpoints=2", "",
         400},
        {"subscribe not live", "", "GET", route + "/subscribe/live/nothing", "", 404},
        {"routing unknown group", "", "GET", "/as/v1/streams/stream/ghost/publish/live/a", "", 404},
        // Provisions.
        {"provision not json", "operator", "POST", prov, "[{", 400},
        {"provision empty array", "operator", "POST", prov, "[]", 400},
        {"provision no streams", "operator", "POST", prov, R"([{"provisionGuid": "p1"}])", 400},
        {"provision guid short", "operator", "POST", prov,
         R"([{"provisionGuid": "p", "streams": [{"streamGuid": "live/a"}]}])", 400},
        {"provision stream guid no slash", "operator", "POST", prov,
         R"([{"provisionGuid": "p1", "streams": [{"streamGuid": "nolash"}]}])", 400},
        {"provision width a word", "operator", "POST", prov,
         R"([{"provisionGuid": "p1", "streams": [{"streamGuid": "live/a",
              "videoParams": {"videoWidth": "wide"}}]}])",
         400},
        {"provision twice in batch", "operator", "POST", prov,
         R"([{"provisionGuid": "p1", "streams": [{"streamGuid": "live/a"}]},
             {"provisionGuid": "p1", "streams": [{"streamGuid": "live/b"}]}])",
         400},
        {"provision exists", "operator", "POST", prov,
         R"([{"provisionGuid": "cam", "streams": [{"streamGuid": "live/a"}]}])", 409},
        {"provision unknown group", "operator", "POST", "/as/v1/streams/provision/ghost",
         R"([{"provisionGuid": "p1", "streams": [{"streamGuid": "live/a"}]}])", 404},
        {"provision get unknown", "viewer", "GET", prov + "/nothing/here", "", 404},
        {"provision delete unknown", "operator", "DELETE", prov + "/nothing", "", 404},
        {"distribute unknown", "operator", "POST", prov + "/distribute/nothing", "", 404},
        // Users.
        {"user bad role", "admin", "PUT", "/as/v1/admin/users/bob",
         R"({"password": "long-enough", "role": "root"})", 400},
        {"user short password", "admin", "PUT", "/as/v1/admin/users/bob",
         R"({"password": "short", "role": "viewer"})", 400},
        {"user bad name", "admin", "PUT", "/as/v1/admin/users/b%20o%2Fb",
         R"({"password": "long-enough", "role": "viewer"})", 400},
        {"delete yourself", "admin", "DELETE", "/as/v1/admin/users/admin", "", 409},
        // Login.
        {"login no header", "", "PUT", "/as/v1/auth/login", "", 401},
        {"login not basic",
         "",
         "PUT",
         "/as/v1/auth/login",
         "",
         401,
         {{"Authorization", "Digest abc"}}},
        {"login bad base64",
         "",
         "PUT",
         "/as/v1/auth/login",
         "",
         401,
         {{"Authorization", "Basic !!!"}}},
        {"login no colon",
         "",
         "PUT",
         "/as/v1/auth/login",
         "",
         401,
         {{"Authorization", "Basic " + QByteArray("admin").toBase64().toStdString()}}},
        {"login get", "", "GET", "/as/v1/auth/login", "", 405},
        // Tokens.
        {"no token", "", "GET", ng, "", 401},
        {"empty bearer", "", "GET", ng, "", 401, {{"Authorization", "Bearer "}}},
        {"garbage token", "", "GET", ng, "", 401, bearer("abc.def.ghi")},
        {"alg none", "", "POST", ng, valid.dump(), 401, bearer(none)},
        {"alg HS512", "", "POST", ng, valid.dump(), 401, bearer(hs512)},
        {"escalated role", "", "POST", ng, valid.dump(), 401, bearer(escalated)},
        {"wrong secret", "", "GET", ng, "", 401,
         bearer(tokenWith([](auto& c) { c.secret = std::string(40, 'x'); }, now))},
        {"expired", "", "GET", ng, "", 401,
         bearer(tokenWith([](auto& c) { c.ttlSeconds = 60; }, now - 3600))},
        {"wrong audience", "", "GET", ng, "", 401,
         bearer(tokenWith([](auto& c) { c.audience = "stream"; }, now))},
        {"wrong issuer", "", "GET", ng, "", 401,
         bearer(tokenWith([](auto& c) { c.issuer = "evil"; }, now))},
        {"stream token type", "", "GET", ng, "", 401,
         bearer(tokenWith([](auto& c) { c.type = "stream+jwt"; }, now))},
        {"viewer creates", "viewer", "POST", ng, valid.dump(), 403},
        {"operator deletes", "operator", "DELETE", ng + "/ng1", "", 403},
        {"viewer provisions", "viewer", "POST", prov,
         R"([{"provisionGuid": "p1", "streams": [{"streamGuid": "live/a"}]}])", 403},
        {"viewer deletes provision", "viewer", "DELETE", prov + "/cam", "", 403},
        {"operator adds user", "operator", "PUT", "/as/v1/admin/users/bob",
         R"({"password": "long-enough", "role": "admin"})", 403},
    };
}

void TestApiBadInput::refused_data() {
    QTest::addColumn<int>("index");
    const auto all = rows();
    QVERIFY(all.size() >= 60);
    for (std::size_t i = 0; i < all.size(); ++i)
        QTest::addRow("%s", all[i].name) << int(i);
}

void TestApiBadInput::refused() {
    QFETCH(int, index);
    const Row row = rows()[static_cast<std::size_t>(index)];
    auto headers = row.headers;
    std::string token = row.user.empty() ? std::string() : f_->token(row.user);
    const auto r = f_->call(row.method, row.target, row.body, token, headers);
    QCOMPARE(r.status, row.status);
    QVERIFY(r.contentType.starts_with("application/json"));
    const auto j = body(r);
    QVERIFY2(j.is_object() && j.contains("errorMessage"), r.body.c_str());
    const std::string message = j["errorMessage"].get<std::string>();
    QVERIFY(message.size() > 10);
    for (const char* internal : {"std::", "exception", "what()", "sqlite", ".cpp"})
        QVERIFY2(message.find(internal) == std::string::npos, message.c_str());
}

void TestApiBadInput::nothingChangedAndStillServing() {
    QCOMPARE_JSON(f_->storeContents(), before_);
    QCOMPARE(f_->call("GET", "/as/v1/admin/healthz").status, 200);
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/ng1").status, 200);
}

namespace {
std::string nested(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}
} // namespace

// Issue 14.1: this body from a viewer's token stopped the server (a recursive copy of the metrics
// overflowed the stack).
void TestApiBadInput::viewerDeepBodyIsRefusedAndServiceLives() {
    const std::string deep = R"({"expression": "1", "metrics": )" + nested(200000) + "}";
    const auto r = f_->as("viewer", "POST", "/as/v1/admin/evaluate/capacity", deep);
    QCOMPARE(r.status, 400);
    const std::string message = body(r).value("errorMessage", "");
    QVERIFY2(message.find("nests deeper than 64 levels") != std::string::npos, message.c_str());
    QVERIFY2(message.find("line 1, column ") != std::string::npos, message.c_str());
    QCOMPARE(f_->call("GET", "/as/v1/admin/healthz").status, 200);
    QCOMPARE(f_->as("viewer", "POST", "/as/v1/admin/evaluate/capacity",
                    R"({"expression": "2", "metrics": []})")
                 .status,
             200);
}

void TestApiBadInput::nestingLimitOnANodeGroup() {
    // Unknown members are kept (tolerance rule 7), so any depth could reach the store.
    auto withDepth = [](const std::string& name, std::size_t depth) {
        std::string doc = ApiFixture::smallGroup(name, 1).dump();
        doc.pop_back(); // the closing brace: the document itself is level 1
        return doc + R"(, "x": )" + nested(depth - 1) + "}";
    };
    const auto deep = f_->as("admin", "POST", "/as/v1/admin/nodegroup", withDepth("deep65", 65));
    QCOMPARE(deep.status, 400);
    QVERIFY2(deep.body.find("nests deeper than 64 levels") != std::string::npos, deep.body.c_str());
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/deep65").status, 404);

    const auto limit = f_->as("admin", "POST", "/as/v1/admin/nodegroup", withDepth("deep64", 64));
    QVERIFY2(limit.status == 200, limit.body.c_str());
    const auto read = f_->as("viewer", "GET", "/as/v1/admin/nodegroup/deep64");
    QCOMPARE(read.status, 200);
    QCOMPARE(body(read)["x"].dump(), nested(63));
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/admin/nodegroup/deep64").status, 200);
}

// Issue 14.11: a number past the range of a double made the parser throw out of the handler (500).
void TestApiBadInput::numberOverflowNamesTheField_data() {
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("payload");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("node group name")
        << QStringLiteral("admin") << QStringLiteral("/as/v1/admin/nodegroup")
        << QStringLiteral(R"({"name":-33E333})") << QStringLiteral("-33E333' (at name)");
    QTest::addRow("nested rule") << QStringLiteral("admin")
                                 << QStringLiteral("/as/v1/admin/nodegroup")
                                 << QStringLiteral(R"({"groups":{"eu":{"rulesByRole":)"
                                                   R"({"edge":{"max":1e999}}}}})")
                                 << QStringLiteral("(at groups.eu.rulesByRole.edge.max)");
    QTest::addRow("metric value") << QStringLiteral("viewer")
                                  << QStringLiteral("/as/v1/admin/evaluate/capacity")
                                  << QStringLiteral(R"({"expression":"1","metrics":)"
                                                    R"([{"name":"a","value":1},)"
                                                    R"({"name":"b","value":-1E400}]})")
                                  << QStringLiteral("(at metrics[1].value)");
    QTest::addRow("provision qos")
        << QStringLiteral("operator") << QStringLiteral("/as/v1/streams/provision/ng1")
        << QStringLiteral(R"([{"provisionGuid":"p9","streams":)"
                          R"([{"streamGuid":"live/a","qos":9e9999}]}])")
        << QStringLiteral("(at [0].streams[0].qos)");
}

void TestApiBadInput::numberOverflowNamesTheField() {
    QFETCH(QString, user);
    QFETCH(QString, target);
    QFETCH(QString, payload);
    QFETCH(QString, mentions);
    const auto before = f_->storeContents();
    const auto r = f_->as(user.toStdString(), "POST", target.toStdString(), payload.toStdString());
    QCOMPARE(r.status, 400);
    const std::string message = body(r).value("errorMessage", "");
    QVERIFY2(message.find("number overflow") != std::string::npos, message.c_str());
    QVERIFY2(message.find(mentions.toStdString()) != std::string::npos, message.c_str());
    QCOMPARE_JSON(f_->storeContents(), before);
}

// A PUT over an existing storage target reads the body's kind to keep stored secrets: a kind
// that is not a string made that read throw (500).
void TestApiBadInput::wrongTypesOverAStoredTargetAre400() {
    QTemporaryDir dir;
    const auto created =
        f_->as("admin", "PUT", "/as/v1/storage/t1",
               Json{{"kind", "folder"}, {"settings", {{"path", dir.path().toStdString()}}}}.dump());
    QVERIFY2(created.status == 200, created.body.c_str());
    for (const char* doc : {R"({"kind": 5, "settings": {"path": "/tmp"}})",
                            R"({"kind": "folder", "settings": {"path": 7}})",
                            R"({"kind": "folder", "settings": [1]})"}) {
        const auto r = f_->as("admin", "PUT", "/as/v1/storage/t1", doc);
        QVERIFY2(r.status == 400, (std::string(doc) + " -> " + r.body).c_str());
    }
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/storage/t1").status, 200);
}

QTEST_GUILESS_MAIN(TestApiBadInput)
#include "tst_apibadinput.moc"
