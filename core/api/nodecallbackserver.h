#pragma once
// The core's loopback endpoint for nginx-rtmp's on_publish / on_play / on_done callbacks:
// POST /NODEID/CALL with the form-encoded body nginx sends (app, name, addr, tcurl, …). It
// answers from ControlCore::answerNodeCallback: 2xx allows, 302 + Location redirects an edge to
// the origin that carries the stream, anything else refuses.
//
// It starts before the core (nodes' configs carry its URL, and a restarted core re-adopts
// running nodes), so the core is attached afterwards; until then callbacks get 503.

#include "core/api/httpserver.h"
#include "core/engine/controlcore.h"

#include <atomic>
#include <memory>
#include <string>

namespace sy::api {

HttpResponse handleNodeCallback(const engine::ControlCore* core, const HttpRequest& request);

class NodeCallbackServer {
public:
    NodeCallbackServer();
    ~NodeCallbackServer();
    // Binds 127.0.0.1 on `preferredPort` when it is free (a restarted server keeps the URL its
    // running nodes were configured with), else on any free port.
    Result<void> start(std::uint16_t preferredPort = 0);
    std::uint16_t port() const;
    // "http://127.0.0.1:PORT": the base URL for LocalProviderOptions::callbackBaseUrl.
    std::string baseUrl() const;
    void attach(const engine::ControlCore* core) { core_.store(core); }
    void stop();

private:
    std::atomic<const engine::ControlCore*> core_{nullptr};
    std::unique_ptr<HttpServer> server_;
};

} // namespace sy::api
