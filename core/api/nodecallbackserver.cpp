#include "core/api/nodecallbackserver.h"

#include <algorithm>

namespace sy::api {

HttpResponse handleNodeCallback(const engine::ControlCore* core, const HttpRequest& request) {
    if (request.method != "POST")
        return HttpResponse::error(405, "node callbacks are POST");
    std::vector<std::string> parts;
    for (std::string_view rest = request.path(); !rest.empty();) {
        const auto slash = rest.find('/');
        if (slash != 0)
            parts.emplace_back(rest.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    if (parts.size() != 2)
        return HttpResponse::error(404,
                                   "expected /NODEID/CALL, got " + std::string(request.path()));
    if (!core)
        return HttpResponse::error(503, "the control core is starting");
    // nginx writes its own fields (app, name, addr, pageurl…) before the client's arguments, so
    // the first value of a key is nginx's: a client sending "?name=other" cannot change the
    // stream that is checked.
    engine::CallbackFields fields;
    for (auto& [key, value] : parseQueryPairs(request.body)) {
        if (!fields.first.emplace(key, std::move(value)).second &&
            std::find(fields.repeated.begin(), fields.repeated.end(), key) == fields.repeated.end())
            fields.repeated.push_back(key);
    }
    const auto field = [&](const char* key) {
        const auto* v = fields.get(key);
        return v ? *v : std::string{};
    };
    engine::ControlCore::NodeCallback call{parts[0], parts[1], field("app"), field("name"), {}};
    call.fields = std::move(fields);
    const auto answer = core->answerNodeCallback(call);
    HttpResponse res;
    res.status = answer.status;
    res.contentType = "text/plain";
    res.body = answer.reason;
    if (!answer.location.empty())
        res.headers.emplace_back("Location", answer.location);
    return res;
}

NodeCallbackServer::NodeCallbackServer() = default;

NodeCallbackServer::~NodeCallbackServer() {
    stop();
}

Result<void> NodeCallbackServer::start(std::uint16_t preferredPort) {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.threads = 1;
    options.requestTimeout = std::chrono::milliseconds(5000);
    for (const std::uint16_t port : {preferredPort, std::uint16_t{0}}) {
        options.port = port;
        server_ = std::make_unique<HttpServer>(options, [this](const HttpRequest& req) {
            return handleNodeCallback(core_.load(), req);
        });
        auto started = server_->start();
        if (started || port == 0)
            return started;
    }
    return {};
}

std::uint16_t NodeCallbackServer::port() const {
    return server_ ? server_->port() : 0;
}

std::string NodeCallbackServer::baseUrl() const {
    return server_ ? "http://127.0.0.1:" + std::to_string(server_->port()) : std::string{};
}

void NodeCallbackServer::stop() {
    if (server_)
        server_->stop();
}

} // namespace sy::api
