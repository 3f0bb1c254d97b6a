#pragma once
// The server's implementation of ResponseStream (core/api/http.h), outside the Beast translation
// unit: a thread-safe front that hands each chunk to the connection's strand, with a queue limit.
// Internal to core/api.

#include "core/api/http.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace sy::api {

// The connection's side of a stream. Called on the connection's strand only.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    virtual void enqueue(std::string chunk) = 0;
    virtual void finish() = 0; // send what is queued, then close
    virtual void abort() = 0;  // close now
};

class StreamChannel final : public ResponseStream {
public:
    // Runs a function on the connection's strand, later and in the order of the calls.
    using Post = std::function<void(std::function<void()>)>;

    // At most `limit` bytes written and not yet sent; past it the connection is aborted.
    StreamChannel(Post post, std::weak_ptr<StreamSink> sink, std::size_t limit);

    bool write(std::string chunk) override;
    bool isOpen() const override;
    void close() override;
    void onClose(std::function<void()> callback) override;

    // On the strand: `n` bytes of written chunks have been sent.
    void consumed(std::size_t n);
    // On a server thread, once the connection has ended: runs the onClose callback, and never
    // posts again (the server may be gone after this).
    void markEnded();

private:
    void postLocked(std::function<void(StreamSink&)> f);

    mutable std::mutex mutex_;
    Post post_;
    std::weak_ptr<StreamSink> sink_;
    std::size_t limit_;
    std::size_t queued_ = 0;
    bool accepting_ = true;
    bool ended_ = false;
    std::function<void()> onClose_;
};

} // namespace sy::api
