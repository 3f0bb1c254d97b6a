#include "core/api/nodecallbackserver.h"

#include "core/api/workpool.h"

#include <set>

namespace sy::api {

namespace {

std::vector<std::string> pathParts(std::string_view rest) {
    std::vector<std::string> parts;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        if (slash != 0)
            parts.emplace_back(rest.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    return parts;
}

// The answer to the core's decision; the request has passed refuseNodeCallback.
HttpResponse decide(const engine::ControlCore* core, const HttpRequest& request) {
    if (request.method != "POST")
        return HttpResponse::error(405, "node callbacks are POST");
    const auto parts = pathParts(request.path());
    if (parts.size() != 2)
        return HttpResponse::error(404, "expected /NODEID/CALL");
    if (!core)
        return HttpResponse::error(503, "the control core is starting");
    // nginx writes its own fields (app, name, addr, pageurl…) before the client's arguments, so
    // the first value of a key is nginx's: a client sending "?name=other" cannot change the
    // stream that is checked.
    engine::CallbackFields fields;
    std::set<std::string, std::less<>> repeated; // linear in the body, however many keys repeat
    for (auto& [key, value] : parseQueryPairs(request.body)) {
        if (!fields.first.emplace(key, std::move(value)).second && repeated.insert(key).second)
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

} // namespace

std::optional<HttpResponse> refuseNodeCallback(const auth::NodeSecrets* secrets,
                                               const HttpRequest& request) {
    // Before anything else: a caller without the secret learns nothing (not even whether the
    // node exists) and leaves no trace in the core's events. The message never echoes the path.
    const auto parts = pathParts(request.path());
    std::string presented;
    int copies = 0;
    for (auto& [key, value] : parseQueryPairs(request.query()))
        if (key == "secret") {
            presented = std::move(value);
            ++copies;
        }
    if (!secrets || parts.empty() || copies != 1 || !secrets->matches(parts[0], presented)) {
        auto res = HttpResponse::error(401, "node callback refused: it does not carry the "
                                            "node's secret");
        res.headers.emplace_back("WWW-Authenticate", "NodeSecret");
        return res;
    }
    return std::nullopt;
}

HttpResponse handleNodeCallback(const engine::ControlCore* core, const auth::NodeSecrets* secrets,
                                const HttpRequest& request) {
    if (auto refused = refuseNodeCallback(secrets, request))
        return std::move(*refused);
    return decide(core, request);
}

NodeCallbackServer::NodeCallbackServer(NodeCallbackOptions options)
    : pool_(std::make_unique<WorkPool>(options.threads, options.maxQueued)) {}

NodeCallbackServer::~NodeCallbackServer() {
    stop();
}

void NodeCallbackServer::useSecrets(std::shared_ptr<const auth::NodeSecrets> secrets) {
    std::lock_guard lock(mutex_);
    secrets_ = std::move(secrets);
}

void NodeCallbackServer::handle(HttpRequest request, Respond respond) {
    std::shared_ptr<const auth::NodeSecrets> secrets;
    {
        std::lock_guard lock(mutex_);
        secrets = secrets_;
    }
    // The secret is checked on the I/O thread (cheap), so strangers cannot fill the pool.
    if (auto refused = refuseNodeCallback(secrets.get(), request))
        return respond(std::move(*refused));
    auto job = [this, request = std::move(request), respond] {
        respond(decide(core_.load(), request));
    };
    if (!pool_ || !pool_->submit(std::move(job)))
        respond(HttpResponse::error(503, "the core is busy with node callbacks; try again"));
}

Result<void> NodeCallbackServer::start(std::uint16_t preferredPort) {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.threads = 1;
    options.requestTimeout = std::chrono::milliseconds(5000);
    options.maxConnectionsPerAddress = 0; // every local node calls from 127.0.0.1
    // nginx's callback forms are a few hundred bytes (nginx-rtmp keeps 255 of name?args).
    options.bodyLimit = 64 * 1024;
    for (const std::uint16_t port : {preferredPort, std::uint16_t{0}}) {
        options.port = port;
        server_ = std::make_unique<HttpServer>(
            options, AsyncHandler([this](HttpRequest req, Respond respond) {
                handle(std::move(req), std::move(respond));
            }));
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
    // No decision may run once the owner goes on to stop the core (the I/O thread is joined, so
    // nothing submits any more).
    pool_.reset();
}

} // namespace sy::api
