// libFuzzer target for the REST API's request path: the router (segments, {name...} guids,
// percent-decoding), authentication, query parsing and every controller, through ApiService over
// a real control core with a SIMULATED node group. Input: "METHOD TARGET\n", header lines, a
// blank line, then the body; a first byte 0..3 picks the caller (none, viewer, operator, admin).
// Any crash, sanitizer report or uncaught exception is a bug; so is a response that is not JSON
// with errorMessage and error when the status is an error, or a 500.

#include "core/api/apiservice.h"
#include "core/api/credentials.h"
#include "core/engine/controlcore.h"
#include "core/providers/simulatedprovider.h"
#include "core/store/statestore.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

using namespace sy;

namespace {

struct World {
    std::unique_ptr<engine::ControlCore> core;
    std::unique_ptr<auth::JwtCodec> jwt;
    auth::LoginRateLimiter limiter;
    std::unique_ptr<api::ApiService> service;
    std::string tokens[4];
};

World& world() {
    static World* w = [] {
        auto* out = new World;
        const auto dir = std::filesystem::temp_directory_path() /
                         ("switchyard-fuzz-router-" + std::to_string(getpid()));
        std::filesystem::remove_all(dir);
        auto sim = std::make_shared<providers::SimulatedProvider>();
        engine::CoreOptions o;
        o.dataDir = dir.string();
        o.providers["SIMULATED"] = sim;
        out->core = std::move(engine::ControlCore::open(std::move(o))).value();
        out->core->start();
        auth::JwtConfig config;
        config.secret = std::string(40, 's');
        out->jwt =
            std::make_unique<auth::JwtCodec>(std::move(auth::JwtCodec::create(config)).value());
        out->service = std::make_unique<api::ApiService>(api::ApiContext{
            *out->core, *out->jwt, out->limiter, {{"SIMULATED", sim}}, nullptr, {}});
        const char* names[] = {"", "viewer", "operator", "admin"};
        const auth::Role roles[] = {auth::Role::Viewer, auth::Role::Viewer, auth::Role::Operator,
                                    auth::Role::Admin};
        for (int i = 1; i < 4; ++i) {
            auto user =
                out->core->store().putUser(names[i], "-", std::string(auth::toString(roles[i])));
            if (user)
                out->tokens[i] = api::issueUserToken(*out->jwt, *user, roles[i]);
        }
        return out;
    }();
    return *w;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    World& w = world();
    const int caller = data[0] % 4;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    api::HttpRequest req;
    const auto lineEnd = text.find('\n');
    const std::string first = text.substr(0, lineEnd);
    const auto space = first.find(' ');
    req.method = first.substr(0, space);
    req.target = space == std::string::npos ? "/" : first.substr(space + 1);
    std::size_t pos = lineEnd == std::string::npos ? text.size() : lineEnd + 1;
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        const std::string line = text.substr(pos, end == std::string::npos ? end : end - pos);
        pos = end == std::string::npos ? text.size() : end + 1;
        if (line.empty())
            break;
        const auto colon = line.find(':');
        if (colon != std::string::npos)
            req.headers[line.substr(0, colon)] = line.substr(colon + 1);
    }
    req.body = text.substr(std::min(pos, text.size()));
    if (caller > 0)
        req.headers["Authorization"] = "Bearer " + w.tokens[caller];
    // Server-sent events need a connection; the polling form of the route is fuzzed instead.
    req.headers.erase("Accept");
    const auto res = w.service->handle(req);
    // 500 is what ApiService answers when a handler threw: bad input must get a 4xx instead.
    if (res.status == 500)
        std::abort();
    if (res.status >= 400) {
        const auto j = nlohmann::json::parse(res.body, nullptr, false);
        // Both keys, the same message (Red5's clients read one or the other, reference §9.6).
        if (!j.is_object() || !j.contains("errorMessage") || !j["errorMessage"].is_string() ||
            !j.contains("error") || j["error"] != j["errorMessage"])
            std::abort();
    }
    return 0;
}
