#pragma once
// An ApiService over a real ControlCore (SIMULATED provider, real SQLite store in a temp dir),
// called without sockets: requests in, responses out. Users admin, operator and viewer exist,
// and a bearer token for each is at hand. Time for tokens and the login limiter is a fake clock.

#include "core/api/apiservice.h"
#include "core/api/requestmetrics.h"
#include "core/engine/controlcore.h"
#include "core/media/mediamanager.h"
#include "core/providers/simulatedprovider.h"

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace apitest {

using Json = nlohmann::json;
using sy::api::HttpResponse;

class ApiFixture {
public:
    ApiFixture();
    ~ApiFixture();

    HttpResponse call(const std::string& method, const std::string& target,
                      const std::string& body = {}, const std::string& token = {},
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      const std::string& remoteAddress = "127.0.0.1") const;
    // The same, with the named user's token ("admin", "operator", "viewer"; "" for none).
    HttpResponse as(const std::string& user, const std::string& method, const std::string& target,
                    const std::string& body = {}) const;

    std::string token(const std::string& user) const { return tokens_.at(user); }
    // A node-group document from tests/data/nodegroups, moved to the SIMULATED platform.
    static Json exampleGroup(const std::string& file);
    static Json smallGroup(const std::string& name, int edges = 2);

    // Everything the store holds, to prove that a refused request changed nothing.
    Json storeContents() const;

    sy::api::ApiService& api() { return *api_; }
    sy::engine::ControlCore& core() { return *core_; }
    sy::api::ApiService& service() { return *api_; }
    sy::media::MediaManager& media() { return *media_; }
    sy::auth::JwtCodec& jwt() { return *jwt_; }
    sy::providers::SimulatedProvider& simulated() { return *simulated_; }
    sy::api::RequestMetrics& metrics() { return metrics_; }
    std::int64_t& nowSeconds() { return now_; }
    std::int64_t& limiterNowMs() { return limiterNow_; }
    // The secret behind jwt(): tests forge tokens with it or with another one.
    static const std::string& secret();

    // Polls (with a deadline) until `pred` holds on the snapshot.
    bool waitFor(const std::function<bool(const sy::engine::ClusterSnapshot&)>& pred,
                 int timeoutMs = 10000) const;

private:
    QTemporaryDir dir_;
    std::int64_t now_ = 1'795'000'000;
    std::int64_t limiterNow_ = 1'795'000'000'000;
    std::shared_ptr<sy::providers::SimulatedProvider> simulated_;
    std::unique_ptr<sy::engine::ControlCore> core_;
    std::unique_ptr<sy::auth::JwtCodec> jwt_;
    std::unique_ptr<sy::auth::LoginRateLimiter> limiter_;
    sy::api::RequestMetrics metrics_;
    std::unique_ptr<sy::media::MediaManager> media_;
    std::unique_ptr<sy::api::ApiService> api_;
    std::map<std::string, std::string> tokens_;
};

Json body(const HttpResponse& r);

} // namespace apitest
