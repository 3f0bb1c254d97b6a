#pragma once
// The core's loopback endpoint for nginx-rtmp's on_publish / on_play / on_done callbacks:
// POST /NODEID/CALL?secret=NODE_SECRET with the form-encoded body nginx sends (app, name, addr,
// tcurl, …). It answers from ControlCore::answerNodeCallback: 2xx allows, 302 + Location
// redirects an edge to the origin that carries the stream, anything else refuses.
//
// Every local user (and, once nodes leave loopback, the network) can reach it, so a call must
// carry the node's secret (auth/nodesecret.h): without it the answer is 401 before anything else
// happens — no event, no core call, nothing counted. The decision then runs on a small pool: a
// round-trip check waiting up to 3 s on a validate URL holds up no other node's callback.
//
// It starts before the core (nodes' configs carry its URL, and a restarted core re-adopts
// running nodes), so the core is attached afterwards; until then callbacks get 503.

#include "core/api/httpserver.h"
#include "core/auth/nodesecret.h"
#include "core/engine/controlcore.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace sy::api {

class WorkPool;

// The refusal when `request` is not a call of a node that proves it with its secret; nullopt
// when the core may be asked. Without secrets every call is refused.
std::optional<HttpResponse> refuseNodeCallback(const auth::NodeSecrets* secrets,
                                               const HttpRequest& request);
// refuseNodeCallback, then the core's answer (blocks while a validate URL is asked).
HttpResponse handleNodeCallback(const engine::ControlCore* core, const auth::NodeSecrets* secrets,
                                const HttpRequest& request);

struct NodeCallbackOptions {
    int threads = 4;             // decisions at once (each may wait up to 3 s on a validate URL)
    std::size_t maxQueued = 256; // running or waiting; past it a callback gets 503
};

class NodeCallbackServer {
public:
    explicit NodeCallbackServer(NodeCallbackOptions options = {});
    ~NodeCallbackServer();
    // Binds 127.0.0.1 on `preferredPort` when it is free (a restarted server keeps the URL its
    // running nodes were configured with), else on any free port.
    Result<void> start(std::uint16_t preferredPort = 0);
    std::uint16_t port() const;
    // "http://127.0.0.1:PORT": the base URL for LocalProviderOptions::callbackBaseUrl.
    std::string baseUrl() const;
    void attach(const engine::ControlCore* core) { core_.store(core); }
    // The secrets the LOCAL provider gives its nodes (LocalProvider::nodeSecrets()).
    void useSecrets(std::shared_ptr<const auth::NodeSecrets> secrets);
    void stop();

private:
    void handle(HttpRequest request, Respond respond);

    std::atomic<const engine::ControlCore*> core_{nullptr};
    mutable std::mutex mutex_;
    std::shared_ptr<const auth::NodeSecrets> secrets_;
    std::unique_ptr<HttpServer> server_;
    std::unique_ptr<WorkPool> pool_; // after server_: stopped (and joined) first
};

} // namespace sy::api
