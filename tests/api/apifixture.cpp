#include "tests/api/apifixture.h"

#include "core/api/credentials.h"
#include "core/auth/passwordhash.h"
#include "core/store/statestore.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <stdexcept>

namespace apitest {

using namespace sy;

const std::string& ApiFixture::secret() {
    static const std::string s = "0123456789abcdef0123456789abcdef-test-secret";
    return s;
}

ApiFixture::ApiFixture() {
    providers::SimulatedOptions simOptions;
    simOptions.seed = 7;
    simulated_ = std::make_shared<providers::SimulatedProvider>(simOptions);
    engine::CoreOptions o;
    o.dataDir = dir_.path().toStdString();
    o.tick = std::chrono::milliseconds(20);
    o.pollInterval = std::chrono::milliseconds(10);
    o.seed = 11;
    o.providers["SIMULATED"] = simulated_;
    auto core = engine::ControlCore::open(std::move(o));
    if (!core)
        throw std::runtime_error(core.error().message);
    core_ = std::move(core).value();
    core_->start();

    auth::JwtConfig config;
    config.secret = secret();
    config.clock = [this] {
        return now_;
    };
    auto jwt = auth::JwtCodec::create(std::move(config));
    if (!jwt)
        throw std::runtime_error(jwt.error().message);
    jwt_ = std::make_unique<auth::JwtCodec>(std::move(jwt).value());
    auth::RateLimitOptions limits;
    limits.clock = [this] {
        return limiterNow_;
    };
    limiter_ = std::make_unique<auth::LoginRateLimiter>(limits);

    for (const auto& [name, role] :
         std::vector<std::pair<std::string, auth::Role>>{{"admin", auth::Role::Admin},
                                                         {"operator", auth::Role::Operator},
                                                         {"viewer", auth::Role::Viewer}}) {
        // Few iterations: these hashes protect nothing, and tests log in often.
        auto put = core_->store().putUser(name, auth::hashPassword(name + "-password", 1000),
                                          std::string(auth::toString(role)));
        if (!put)
            throw std::runtime_error(put.error().message);
        tokens_[name] = api::issueUserToken(*jwt_, *put, role);
    }
    tokens_[""] = "";

    // The media layer over the same core: provisions are checked against its URL policy and
    // stored with their secrets sealed; its jobs on SIMULATED nodes go FAULT (no media there).
    media::MediaOptions mediaOptions;
    mediaOptions.dataDir = dir_.filePath(QStringLiteral("media")).toStdString();
    mediaOptions.policy.fileRoots = {dir_.filePath(QStringLiteral("media-files")).toStdString()};
    auto mediaManager = media::MediaManager::open(*core_, std::move(mediaOptions));
    if (!mediaManager)
        throw std::runtime_error(mediaManager.error().message);
    media_ = std::move(mediaManager).value();
    media_->start();

    api::ApiOptions options;
    options.version = "test";
    options.eventRunId = "run1";
    api_ = std::make_unique<api::ApiService>(api::ApiContext{
        *core_, *jwt_, *limiter_, {{"SIMULATED", simulated_}}, &metrics_, options, media_.get()});
}

ApiFixture::~ApiFixture() {
    api_.reset();
    media_->stop();
    core_->stop();
}

HttpResponse ApiFixture::call(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& token,
                              std::vector<std::pair<std::string, std::string>> headers,
                              const std::string& remoteAddress) const {
    api::HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.remoteAddress = remoteAddress;
    if (!token.empty())
        req.headers["Authorization"] = "Bearer " + token;
    for (auto& [k, v] : headers)
        req.headers[k] = v;
    return api_->handle(req);
}

HttpResponse ApiFixture::as(const std::string& user, const std::string& method,
                            const std::string& target, const std::string& body) const {
    return call(method, target, body, tokens_.at(user));
}

Json ApiFixture::exampleGroup(const std::string& file) {
    QFile f(QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/nodegroups/") + QString::fromStdString(file));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + file);
    auto j = Json::parse(f.readAll().toStdString());
    j["cloudPlatform"] = "SIMULATED";
    return j;
}

Json ApiFixture::smallGroup(const std::string& name, int edges) {
    auto j = Json::parse(R"({"cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1",
      "roles": {"origin": {"name": "origin", "capabilities": ["PUBLISH"]},
                "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
                         "parentCardinality": "GLOBAL"},
                "spare": {"name": "spare", "capabilities": ["SUBSCRIBE"], "lifecycle": "MANUAL",
                          "parentRoleName": "origin", "parentCardinality": "GLOBAL"}},
      "groups": {"eu": {"subGroupName": "eu", "cloudProperties": "region=eu-west",
        "rulesByRole": {
        "origin": {"min": 1, "max": 2, "increment": 1,
                   "outExpression": "avg(connections.publisher) > 12",
                   "inExpression": "avg(connections.publisher) < 0",
                   "capacityRankingExpression": "connections.publisher",
                   "capacityLimitExpression": "20"},
        "edge": {"min": 0, "max": 8, "increment": 1,
                 "outExpression": "avg(connections.subscriber) > 1000",
                 "inExpression": "avg(connections.subscriber) < 0",
                 "capacityRankingExpression": "connections.subscriber",
                 "capacityLimitExpression": "200"},
        "spare": {"min": 0, "max": 4, "increment": 1,
                  "outExpression": "avg(connections.subscriber) > 1000",
                  "inExpression": "avg(connections.subscriber) < 0",
                  "capacityRankingExpression": "connections.subscriber",
                  "capacityLimitExpression": "200"}}}}})");
    j["name"] = name;
    j["groups"]["eu"]["rulesByRole"]["edge"]["min"] = edges;
    return j;
}

Json ApiFixture::storeContents() const {
    Json out;
    auto& store = core_->store();
    if (auto groups = store.listNodeGroups())
        for (const auto& g : *groups) {
            out["groups"][g.name] = {{"version", g.version}, {"config", g.config}};
            if (auto ps = store.listProvisions(g.name))
                for (const auto& p : *ps)
                    out["provisions"][g.name][p.guid] = {{"version", p.version}, {"doc", p.doc}};
        }
    if (auto users = store.listUsers())
        for (const auto& u : *users)
            out["users"][u.name] = {{"role", u.role}, {"hash", u.passwordHash}};
    return out;
}

bool ApiFixture::waitFor(const std::function<bool(const engine::ClusterSnapshot&)>& pred,
                         int timeoutMs) const {
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (pred(*core_->snapshot()))
            return true;
        QThread::msleep(5); // polling interval, not a wait for an outcome
    }
    return pred(*core_->snapshot());
}

Json body(const HttpResponse& r) {
    return Json::parse(r.body, nullptr, false);
}

} // namespace apitest
