// The REST API as handlers, without sockets: login, roles from the one route table, node groups,
// status, pause, manual scaling, evaluate, inventory, routing, provisions, events, metrics and
// the OpenAPI document, each against a real control core with SIMULATED nodes.

#include "tests/api/apifixture.h"
#include "tests/support/jsontest.h"

#include "core/api/openapi.h"
#include "core/store/statestore.h"

#include <QProcess>
#include <QTest>

#include <atomic>
#include <mutex>
#include <set>

using namespace apitest;
using sy::auth::Role;

namespace {

std::string basic(const std::string& user, const std::string& password) {
    return "Basic " + QByteArray::fromStdString(user + ":" + password).toBase64().toStdString();
}

int inService(const sy::engine::ClusterSnapshot& s, const std::string& group,
              const std::string& role) {
    const auto* g = s.group(group);
    int n = 0;
    if (g)
        for (const auto& node : g->nodes)
            n += node.role == role && node.state == sy::model::NodeState::InService;
    return n;
}

} // namespace

class TestApiService : public QObject {
    Q_OBJECT
private slots:
    void init() { f_ = std::make_unique<ApiFixture>(); }
    void cleanup() { f_.reset(); }

    void loginReturnsAWorkingToken();
    void loginFailuresAreRateLimited();
    void rolesComeFromTheRouteTable_data();
    void rolesComeFromTheRouteTable();
    void deletedUserTokenStopsWorking();
    void referenceExamplesCreateAndReadBack_data();
    void referenceExamplesCreateAndReadBack();
    void updateAndDeleteNodeGroup();
    void statusFiltersAndIdle();
    void pauseAndResume();
    void manualScaleOfAManualRole();
    void evaluateRoutes();
    void inventoryRoutes();
    void publishAndSubscribeRouting();
    void provisionsAreStoredWhole();
    void eventsPageAndResume();
    void eventStreamResumesAndGoesLive();
    void metricsArePrometheusText();
    void openApiDocumentsEveryRoute();

private:
    void createSmallGroup(const std::string& name = "ng1", int edges = 2);
    std::unique_ptr<ApiFixture> f_;
};

void TestApiService::createSmallGroup(const std::string& name, int edges) {
    const auto r = f_->as("admin", "POST", "/as/v1/admin/nodegroup",
                          ApiFixture::smallGroup(name, edges).dump());
    QCOMPARE(r.status, 200); // exactly 200: Red5's installer scripts (reference §9.1)
    QVERIFY(f_->waitFor([&](const auto& s) {
        return inService(s, name, "origin") == 1 && inService(s, name, "edge") == edges;
    }));
}

void TestApiService::loginReturnsAWorkingToken() {
    const auto r = f_->call("PUT", "/as/v1/auth/login", "", "",
                            {{"Authorization", basic("operator", "operator-password")}});
    QCOMPARE(r.status, 200);
    const auto token = body(r).at("token").get<std::string>();
    const auto claims = f_->jwt().verify(token);
    QVERIFY(claims.ok());
    QCOMPARE(claims->subject, std::string("operator"));
    QCOMPARE(int(claims->role), int(Role::Operator));
    const auto who = f_->call("GET", "/as/v1/admin/whoami", "", token);
    QCOMPARE(who.status, 200);
    QCOMPARE(body(who).at("role").get<std::string>(), std::string("operator"));
}

void TestApiService::loginFailuresAreRateLimited() {
    const std::vector<std::pair<std::string, std::string>> wrong = {
        {"Authorization", basic("viewer", "wrong")}};
    for (int i = 0; i < 5; ++i) {
        const auto r = f_->call("PUT", "/as/v1/auth/login", "", "", wrong);
        QCOMPARE(r.status, 401);
        QCOMPARE(body(r).at("errorMessage").get<std::string>(),
                 std::string("invalid user name or password"));
    }
    // Locked now, even with the right password, and the answer says when to come back.
    const auto locked = f_->call("PUT", "/as/v1/auth/login", "", "",
                                 {{"Authorization", basic("viewer", "viewer-password")}});
    QCOMPARE(locked.status, 429);
    bool retryAfter = false;
    for (const auto& [k, v] : locked.headers)
        retryAfter = retryAfter || (k == "Retry-After" && std::stoi(v) > 0);
    QVERIFY(retryAfter);
    f_->limiterNowMs() += 61'000;
    const auto again = f_->call("PUT", "/as/v1/auth/login", "", "",
                                {{"Authorization", basic("viewer", "viewer-password")}});
    QCOMPARE(again.status, 200);
    QVERIFY(f_->metrics().snapshot().loginFailures >= 5);
}

void TestApiService::rolesComeFromTheRouteTable_data() {
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    auto row = [](const char* name, const char* user, const char* method, std::string target,
                  int status) {
        QTest::addRow("%s", name) << QString::fromLatin1(user) << QString::fromLatin1(method)
                                  << QString::fromStdString(target) << status;
    };
    const std::string group = "/as/v1/admin/nodegroup";
    row("viewer reads groups", "viewer", "GET", group, 200);
    row("anonymous reads groups", "", "GET", group, 401);
    row("viewer cannot create", "viewer", "POST", group, 403);
    row("operator cannot create", "operator", "POST", group, 403);
    row("viewer cannot pause", "viewer", "PUT", group + "/ng1/pause", 403);
    row("operator pauses", "operator", "PUT", group + "/ng1/pause", 200);
    row("operator cannot delete", "operator", "DELETE", group + "/ng1", 403);
    row("viewer cannot provision", "viewer", "POST", "/as/v1/streams/provision/ng1", 403);
    row("operator lists users", "operator", "GET", "/as/v1/admin/users", 403);
    row("admin lists users", "admin", "GET", "/as/v1/admin/users", 200);
    row("anonymous routes", "", "GET", "/as/v1/streams/stream/ng1", 200);
    row("anonymous health", "", "GET", "/as/v1/admin/healthz", 200);
    row("viewer events", "viewer", "GET", "/as/v1/admin/events", 200);
    row("viewer cannot drain", "viewer", "POST", group + "/ng1/node/x/drain", 403);
}

void TestApiService::rolesComeFromTheRouteTable() {
    QFETCH(QString, user);
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(int, status);
    createSmallGroup();
    const auto r = f_->as(user.toStdString(), method.toStdString(), target.toStdString());
    QCOMPARE(r.status, status);
    if (status >= 400)
        QVERIFY(!body(r).at("errorMessage").get<std::string>().empty());
}

void TestApiService::deletedUserTokenStopsWorking() {
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/admin/nodegroup").status, 200);
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/admin/users/viewer").status, 200);
    const auto r = f_->as("viewer", "GET", "/as/v1/admin/nodegroup");
    QCOMPARE(r.status, 401);
    QVERIFY(body(r).at("errorMessage").get<std::string>().find("no longer exists") !=
            std::string::npos);
    // A role changed in the store revokes the tokens issued before (tst_credentials.cpp has more).
    QCOMPARE(f_->as("admin", "PUT", "/as/v1/admin/users/operator",
                    R"({"password": "new-password-1", "role": "viewer"})")
                 .status,
             200);
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/admin/nodegroup/x/pause").status, 401);
}

void TestApiService::referenceExamplesCreateAndReadBack_data() {
    QTest::addColumn<QString>("file");
    for (const char* f :
         {"all-in-one.json", "multi-region.json", "origin-edge.json", "origin-relay-edge.json"})
        QTest::addRow("%s", f) << QString::fromLatin1(f);
}

void TestApiService::referenceExamplesCreateAndReadBack() {
    QFETCH(QString, file);
    const auto config = ApiFixture::exampleGroup(file.toStdString());
    const std::string name = config.at("name");
    const auto created = f_->as("admin", "POST", "/as/v1/admin/nodegroup", config.dump());
    QCOMPARE(created.status, 200);
    QCOMPARE(body(created).at("result").get<std::string>(), std::string("CREATED"));
    const auto again = f_->as("admin", "POST", "/as/v1/admin/nodegroup", config.dump());
    QCOMPARE(again.status, 409);
    const auto list = body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup"));
    QVERIFY(std::find(list.begin(), list.end(), name) != list.end());
    const auto read = body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/" + name));
    QCOMPARE(read.at("name").get<std::string>(), name);
    QCOMPARE(read.at("roles").size(), config.at("roles").size());
    // Written as `groups` whatever the request called them (tolerance rule 2).
    QCOMPARE(read.at("groups").size(),
             config.contains("groups") ? config["groups"].size() : config["subGroups"].size());
    // Nodes come up (after a resume: some examples are created paused) and status reports them.
    QCOMPARE(
        f_->as("operator", "PUT", "/as/v1/admin/nodegroup/" + name + "/pause?resume=true").status,
        200);
    QVERIFY(f_->waitFor([&](const auto& s) {
        const auto* g = s.group(name);
        return g && std::any_of(g->nodes.begin(), g->nodes.end(), [](const auto& n) {
                   return n.state == sy::model::NodeState::InService;
               });
    }));
    const auto status = body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/status/" + name));
    QVERIFY(status.is_array() && !status.empty());
    QVERIFY(std::any_of(status.begin(), status.end(), [](const Json& item) {
        return item.at("scalingEvent").at("state") == "INSERVICE";
    }));
}

void TestApiService::updateAndDeleteNodeGroup() {
    createSmallGroup("ng1", 1);
    auto config = ApiFixture::smallGroup("ng1", 3);
    QCOMPARE(f_->as("admin", "PUT", "/as/v1/admin/nodegroup", config.dump()).status, 200);
    QVERIFY(f_->waitFor([](const auto& s) { return inService(s, "ng1", "edge") == 3; }));
    auto unknown = ApiFixture::smallGroup("nope", 1);
    QCOMPARE(f_->as("admin", "PUT", "/as/v1/admin/nodegroup", unknown.dump()).status, 404);
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/admin/nodegroup/ng1").status, 200);
    QVERIFY(!f_->core().store().getNodeGroup("ng1").ok()); // gone from the desired state at once
    // Its nodes are torn down, then the group leaves the snapshot.
    QTRY_COMPARE_WITH_TIMEOUT(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/ng1").status, 404,
                              10000);
}

void TestApiService::statusFiltersAndIdle() {
    createSmallGroup("ng1", 2);
    const std::string base = "/as/v1/admin/nodegroup/status/ng1";
    QCOMPARE(body(f_->as("viewer", "GET", base)).size(), 3u);
    QCOMPARE(body(f_->as("viewer", "GET", base + "?role=edge")).size(), 2u);
    QCOMPARE(body(f_->as("viewer", "GET", base + "?subGroup=eu&role=origin")).size(), 1u);
    QCOMPARE(body(f_->as("viewer", "GET", base + "?subgroup=us")).size(), 0u);
    QCOMPARE(body(f_->as("viewer", "GET", base + "?state=FAULT")).size(), 0u);
    const auto noScaling = body(f_->as("viewer", "GET", base + "?includeScaling=false"));
    QVERIFY(!noScaling[0].contains("scalingEvent") && noScaling[0].contains("nodeEvent"));
    QVERIFY(!noScaling[0]["nodeEvent"].contains("metrics"));
    QVERIFY(f_->waitFor([](const auto& s) {
        for (const auto& n : s.group("ng1")->nodes)
            if (n.metrics.empty())
                return false;
        return true;
    }));
    const auto withMetrics = body(f_->as("viewer", "GET", base + "?metrics=true"));
    QVERIFY(withMetrics[0]["nodeEvent"]["metrics"].is_array());
    // `default` names the only group.
    QCOMPARE(body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/status/default")).size(), 3u);
    const auto idle = body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/ng1/idle"));
    QCOMPARE(idle.at("inServiceNodes").get<int>(), 3);
    QVERIFY(idle.at("lastPubSubMs").is_number_integer());
}

void TestApiService::pauseAndResume() {
    createSmallGroup();
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/admin/nodegroup/ng1/pause").status, 200);
    QVERIFY(f_->waitFor([](const auto& s) { return s.group("ng1")->paused; }));
    QCOMPARE_JSON(body(f_->as("viewer", "GET", "/as/v1/admin/nodegroup/ng1"))["isScalingPaused"],
                  Json(true));
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/admin/nodegroup/ng1/pause?resume=true").status, 200);
    QVERIFY(f_->waitFor([](const auto& s) { return !s.group("ng1")->paused; }));
}

void TestApiService::manualScaleOfAManualRole() {
    createSmallGroup();
    const std::string base = "/as/v1/admin/nodegroup/ng1/eu/";
    QCOMPARE(f_->as("operator", "POST", base + "spare/manualscale?nodeCount=2").status, 200);
    QVERIFY(f_->waitFor([](const auto& s) { return inService(s, "ng1", "spare") == 2; }));
    // An AUTO role refuses, naming why.
    const auto autoRole = f_->as("operator", "POST", base + "edge/manualscale?nodeCount=2");
    QCOMPARE(autoRole.status, 400);
    QVERIFY(body(autoRole)["errorMessage"].get<std::string>().find("MANUAL") != std::string::npos);
    // Compare-and-set on one node: a wrong currentState is refused, the right one drains it.
    std::string spare;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = f_->core().snapshot();
    for (const auto& n : held->group("ng1")->nodes)
        if (n.role == "spare")
            spare = n.nodeId;
    const std::string node = "/as/v1/admin/nodegroup/ng1/" + spare + "/manualscale";
    QCOMPARE(
        f_->as("operator", "PUT", node + "?currentState=STARTED&desiredState=SOFT_SUNSET").status,
        400);
    QCOMPARE(
        f_->as("operator", "PUT", node + "?currentState=INSERVICE&desiredState=SOFT_SUNSET").status,
        200);
    QVERIFY(f_->waitFor([&](const auto& s) {
        for (const auto& n : s.group("ng1")->nodes)
            if (n.nodeId == spare)
                return n.state != sy::model::NodeState::InService;
        return true;
    }));
}

void TestApiService::evaluateRoutes() {
    createSmallGroup();
    auto cap = f_->as("viewer", "POST", "/as/v1/admin/evaluate/capacity",
                      R"({"expression": "connections.subscriber / 2 + 0.5",
                          "metrics": [{"name": "connections", "children": [
                              {"name": "subscriber", "value": 7}]}]})");
    QCOMPARE(cap.status, 200);
    QCOMPARE(body(cap)["doubleResult"].get<double>(), 4.0);
    QCOMPARE(body(cap)["integerResult"].get<int>(), 4);
    auto scale = f_->as("viewer", "POST", "/as/v1/admin/evaluate/scale",
                        R"({"expression": "avg(connections.subscriber) > 120",
                            "metrics": {"connections": {"name": "connections", "children": {
                              "subscriber": {"name": "subscriber", "sum": 300, "min": 100,
                                             "max": 200, "count": 2}}}}})");
    QCOMPARE(scale.status, 200);
    QCOMPARE_JSON(body(scale)["result"], Json(true));
    const auto bad = f_->as("viewer", "POST", "/as/v1/admin/evaluate/capacity",
                            R"({"expression": "connections.subscribr"})");
    QCOMPARE(bad.status, 400);
    QVERIFY(body(bad)["errorMessage"].get<std::string>().find("connections.subscriber") !=
            std::string::npos); // did-you-mean
    const auto node = f_->core().snapshot()->group("ng1")->nodes.front().nodeId;
    QCOMPARE(f_->as("viewer", "POST", "/as/v1/admin/evaluate/capacity/ng1/" + node, "1 + 2").status,
             200);
    const auto onRole = f_->as("viewer", "POST", "/as/v1/admin/evaluate/scale/ng1/eu/edge",
                               "count(connections.subscriber) > 1");
    QCOMPARE(onRole.status, 200);
    QCOMPARE_JSON(body(onRole)["result"], Json(true)); // two edges report
    QCOMPARE(
        f_->as("viewer", "POST", "/as/v1/admin/evaluate/scale/ng1/nowhere/edge", "1 > 0").status,
        404);
}

void TestApiService::inventoryRoutes() {
    createSmallGroup();
    const auto regions = body(f_->as("viewer", "GET", "/as/v1/admin/terraform/region"));
    QVERIFY(regions.at("SIMULATED").is_array() && !regions["SIMULATED"].empty());
    const auto images = body(f_->as("viewer", "GET", "/as/v1/admin/terraform/image"));
    QVERIFY(images.at("SIMULATED").is_object());
    const auto nodes = body(f_->as("viewer", "GET", "/as/v1/admin/terraform/node"));
    QCOMPARE(nodes.at("SIMULATED").at("eu-west").size(), 3u); // region= of the sub-group
    const auto events = body(f_->as("viewer", "GET", "/as/v1/admin/terraform/node/events/ng1"));
    QCOMPARE(events.size(), 3u);
    std::set<std::string> statuses;
    for (const auto& [node, list] : events.items())
        for (const auto& e : list)
            statuses.insert(e.at("status").get<std::string>());
    QVERIFY(statuses.contains("NODE_CREATED"));
    QCOMPARE_JSON(body(f_->as("viewer", "GET", "/as/v1/admin/terraform/events/unknown")),
                  Json::object());
}

void TestApiService::publishAndSubscribeRouting() {
    createSmallGroup();
    const auto pub = f_->as("", "GET", "/as/v1/streams/stream/ng1/publish/live/cam1?endpoints=1");
    QCOMPARE(pub.status, 200);
    QCOMPARE(body(pub)[0]["nodeRole"].get<std::string>(), std::string("origin"));
    QVERIFY(body(pub)[0]["urls"]["rtmp"].get<std::string>().ends_with("/live/cam1"));
    QCOMPARE(f_->as("", "GET", "/as/v1/streams/stream/ng1/publish/live/cam1?endpoints=0").status,
             400);
    QCOMPARE(f_->as("", "GET", "/as/v1/streams/stream/ng1/publish/live/cam1?strict=maybe").status,
             400);
    QCOMPARE(f_->as("", "GET", "/as/v1/streams/stream/none/publish/live/cam1").status, 404);
    QCOMPARE(f_->as("", "GET", "/as/v1/streams/stream/ng1/publish/live/cam1?transcode=true").status,
             404); // no provision with renditions
    // Not live: subscribe is 404 and the stream list says so with both error keys.
    const auto sub = f_->as("", "GET", "/as/v1/streams/stream/ng1/subscribe/live/cam1");
    QCOMPARE(sub.status, 404);
    const auto one = f_->as("", "GET", "/as/v1/streams/stream/ng1/stream/live/cam1");
    QCOMPARE(one.status, 404);
    QVERIFY(body(one).contains("error") && body(one).contains("errorMessage"));
    QCOMPARE_JSON(body(f_->as("", "GET", "/as/v1/streams/stream/ng1")), Json::array());
    // Simulated publishers make streams live.
    sy::providers::SimulatedTraffic traffic;
    traffic.baseline = {2, 50};
    f_->simulated().setTraffic("ng1", traffic);
    QTRY_VERIFY_WITH_TIMEOUT(!body(f_->as("", "GET", "/as/v1/streams/stream/ng1")).empty(), 10000);
    const auto streams = body(f_->as("", "GET", "/as/v1/streams/stream/ng1?stats=true"));
    const std::string guid = streams[0]["streamGuid"];
    QVERIFY(streams[0].contains("durationMs"));
    const auto viewers =
        f_->as("", "GET", "/as/v1/streams/stream/default/subscribe/" + guid + "?region=eu");
    QCOMPARE(viewers.status, 200);
    QCOMPARE(body(viewers)[0]["nodeRole"].get<std::string>(), std::string("edge"));
}

void TestApiService::provisionsAreStoredWhole() {
    createSmallGroup();
    const std::string base = "/as/v1/streams/provision/ng1";
    const std::string two = R"([
      {"provisionGuid": "live/ladder", "streams": [
         {"streamGuid": "live/ladder_1", "abrLevel": 1,
          "videoParams": {"videoWidth": 1280, "videoHeight": 720, "videoBitRate": 2000000}},
         {"streamGuid": "live/ladder_2", "abrLevel": 2,
          "videoParams": {"videoWidth": 640, "videoHeight": 360, "videoBitRate": 800000}}]},
      {"provisionGuid": "cam", "streams": [{"streamGuid": "live/cam", "abrLevel": 0,
         "camParams": {"properties": {"type": "rtsp", "rtspUri": "rtsp://10.0.0.5/s"}}}]}])";
    QCOMPARE(f_->as("operator", "POST", base, two).status, 201);
    QCOMPARE(body(f_->as("viewer", "GET", base)).size(), 2u);
    const auto ladder = body(f_->as("viewer", "GET", base + "/live/ladder"));
    QCOMPARE(ladder["streams"].size(), 2u);
    // One object is accepted (tolerance rule 4); a taken guid refuses the whole batch.
    const auto batch = R"([{"provisionGuid": "new1", "streams": [{"streamGuid": "live/n1"}]},
                           {"provisionGuid": "cam", "streams": [{"streamGuid": "live/c"}]}])";
    QCOMPARE(f_->as("operator", "POST", base, batch).status, 409);
    QCOMPARE(f_->as("viewer", "GET", base + "/new1").status, 404);
    // Status: WAIT until live (renditions run no job of the media layer).
    const auto status = body(f_->as("viewer", "GET", base + "/live/ladder?status=true"));
    QCOMPARE(status.size(), 2u);
    QCOMPARE(status[0]["state"].get<std::string>(), std::string("WAIT"));
    QCOMPARE(status[1]["state"].get<std::string>(), std::string("WAIT"));
    // A restreamer on SIMULATED nodes cannot run: FAULT, with the reason.
    auto fault = [this, &base] {
        const auto s = body(f_->as("viewer", "GET", base + "/cam?status=true"));
        return s[0].value("state", "") == "FAULT" &&
               s[0].value("error", "").find("SIMULATED") != std::string::npos;
    };
    QTRY_VERIFY_WITH_TIMEOUT(fault(), 10000);
    // Renditions make transcode routing possible: [transcoder, origin] needs a transcoder role,
    // so this group answers 404 from routing rather than "no provision".
    const auto t =
        f_->as("", "GET", "/as/v1/streams/stream/ng1/publish/live/ladder_1?transcode=true");
    QVERIFY(body(t)["errorMessage"].get<std::string>().find("provision") == std::string::npos);
    // Distribute to a capability the group lacks: 422.
    QCOMPARE(f_->as("operator", "POST", base + "/distribute/live/ladder").status, 422);
    QCOMPARE(f_->as("operator", "POST", base + "/distribute/cam").status, 200);
    // Update replaces; an unknown guid in the batch refuses all.
    const auto update = R"([{"provisionGuid": "cam", "streams": [{"streamGuid": "live/cam2"}]}])";
    QCOMPARE(f_->as("operator", "PUT", base, update).status, 200);
    QCOMPARE_JSON(body(f_->as("viewer", "GET", base + "/cam"))["streams"][0]["streamGuid"],
                  Json("live/cam2"));
    QCOMPARE(f_->as("operator", "PUT", base,
                    R"([{"provisionGuid": "ghost", "streams": [{"streamGuid": "live/g"}]}])")
                 .status,
             404);
    QCOMPARE(f_->as("operator", "DELETE", base + "/cam").status, 200);
    QCOMPARE(f_->as("operator", "DELETE", base + "/cam").status, 404);
}

void TestApiService::eventsPageAndResume() {
    createSmallGroup();
    const auto first = body(f_->as("viewer", "GET", "/as/v1/admin/events?limit=2"));
    QCOMPARE(first["events"].size(), 2u);
    const std::string next = first["lastEventId"];
    QVERIFY(next.starts_with("run1."));
    const auto rest = body(f_->as("viewer", "GET", "/as/v1/admin/events?after=" + next));
    QVERIFY(!rest["events"].empty());
    QCOMPARE_JSON(rest["reset"], Json(false));
    // The first event after the cursor directly follows it: nothing skipped, nothing repeated.
    QCOMPARE(rest["events"][0]["sequence"].get<std::uint64_t>(),
             first["events"][1]["sequence"].get<std::uint64_t>() + 1);
    // An id from another run of the server replays everything and says so.
    const auto other = body(f_->as("viewer", "GET", "/as/v1/admin/events?after=run0.5"));
    QCOMPARE_JSON(other["reset"], Json(true));
    const auto filtered = body(f_->as("viewer", "GET", "/as/v1/admin/events?kind=nodegroup"));
    for (const auto& e : filtered["events"])
        QCOMPARE(e["kind"].get<std::string>(), std::string("nodegroup"));
    QVERIFY(!filtered["events"].empty());
}

namespace {

// The server's side of a streaming response, recorded.
class RecordingStream final : public sy::api::ResponseStream {
public:
    bool write(std::string chunk) override {
        std::lock_guard lock(mutex_);
        if (closed_)
            return false;
        text_ += chunk;
        return true;
    }
    bool isOpen() const override { return !closed_; }
    void close() override { disconnect(); }
    void onClose(std::function<void()> callback) override { onClose_ = std::move(callback); }
    void disconnect() {
        closed_ = true;
        if (onClose_)
            onClose_();
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
    std::atomic<bool> closed_{false};
    std::function<void()> onClose_;
};

std::vector<std::uint64_t> sequences(const std::string& sse) {
    std::vector<std::uint64_t> out;
    for (std::size_t at = sse.find("id: run1."); at != std::string::npos;
         at = sse.find("id: run1.", at + 1))
        out.push_back(std::stoull(sse.substr(at + 9)));
    return out;
}

} // namespace

void TestApiService::eventStreamResumesAndGoesLive() {
    createSmallGroup();
    const auto r = f_->call("GET", "/as/v1/admin/events?nodeGroup=ng1", "", f_->token("viewer"),
                            {{"Accept", "text/event-stream"}, {"Last-Event-ID", "run1.3"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.contentType, std::string("text/event-stream"));
    QVERIFY(r.stream);
    auto stream = std::make_shared<RecordingStream>();
    r.stream(stream);
    QVERIFY(stream->text().starts_with("retry: 3000\n\n"));
    QVERIFY(stream->text().find("event: reset") == std::string::npos);
    const auto backlog = sequences(stream->text());
    QVERIFY(!backlog.empty());
    QCOMPARE(backlog.front(), std::uint64_t{4}); // resumes right after Last-Event-ID
    QVERIFY(std::is_sorted(backlog.begin(), backlog.end()));
    // New events arrive live, after the backlog, without duplicates.
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/admin/nodegroup/ng1/pause").status, 200);
    QTRY_VERIFY(stream->text().find("node group ng1 paused") != std::string::npos ||
                stream->text().find("paused") != std::string::npos);
    const auto all = sequences(stream->text());
    QVERIFY(std::adjacent_find(all.begin(), all.end(), std::greater_equal<>()) == all.end());
    // Once the client is gone, nothing more is written.
    stream->disconnect();
    const auto lengthAtClose = stream->text().size();
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/admin/nodegroup/ng1/pause?resume=true").status, 200);
    QVERIFY(f_->waitFor([](const auto& s) { return !s.group("ng1")->paused; }));
    QCOMPARE(stream->text().size(), lengthAtClose);
}

void TestApiService::metricsArePrometheusText() {
    createSmallGroup();
    QCOMPARE(f_->as("", "GET", "/as/v1/streams/stream/ng1/subscribe/live/x").status, 404);
    const auto r = f_->as("", "GET", "/metrics");
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.starts_with("text/plain; version=0.0.4"));
    QVERIFY(r.body.find("streams_node_state{") != std::string::npos);
    QVERIFY(r.body.find("switchyard_http_requests_total{method=\"GET\",route=\"/as/v1/streams/"
                        "stream/{ng}/subscribe/{guid...}\",status=\"404\"} 1") !=
            std::string::npos);
    QProcess promtool;
    promtool.start(QStringLiteral("promtool"),
                   {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(promtool.waitForStarted(), "promtool (Debian package prometheus) is not installed");
    promtool.write(QByteArray::fromStdString(r.body));
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    QVERIFY2(promtool.exitCode() == 0, promtool.readAll().constData());
}

void TestApiService::openApiDocumentsEveryRoute() {
    const auto r = f_->as("", "GET", "/as/v1/admin/v3/api-docs");
    QCOMPARE(r.status, 200);
    const auto doc = body(r);
    QCOMPARE(doc["openapi"].get<std::string>(), std::string("3.0.3"));
    int operations = 0;
    for (const auto& [path, ops] : doc["paths"].items())
        operations += static_cast<int>(ops.size());
    QVERIFY(operations >= 44);
    const auto& subscribe = doc["paths"]["/as/v1/streams/stream/{ng}/subscribe/{guid}"]["get"];
    QVERIFY(subscribe["security"].empty()); // public
    const auto& create = doc["paths"]["/as/v1/admin/nodegroup"]["post"];
    QCOMPARE(create["x-switchyard-role"].get<std::string>(), std::string("admin"));
    QVERIFY(create["responses"].contains("401") && create["responses"].contains("200"));
    // Every $ref resolves.
    std::function<void(const Json&)> refs = [&](const Json& j) {
        if (j.is_object()) {
            if (j.contains("$ref")) {
                const std::string name = j["$ref"].get<std::string>().substr(21);
                QVERIFY2(doc["components"]["schemas"].contains(name), name.c_str());
            }
            for (const auto& [k, v] : j.items())
                refs(v);
        } else if (j.is_array()) {
            for (const auto& v : j)
                refs(v);
        }
    };
    refs(doc);
    const auto streams = body(f_->as("", "GET", "/as/v1/streams/v3/api-docs"));
    for (const auto& [path, ops] : streams["paths"].items())
        QVERIFY(path.starts_with("/as/v1/streams"));
}

QTEST_GUILESS_MAIN(TestApiService)
#include "tst_apiservice.moc"
