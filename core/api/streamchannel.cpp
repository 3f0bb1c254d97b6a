#include "core/api/streamchannel.h"

#include <algorithm>

namespace sy::api {

StreamChannel::StreamChannel(Post post, std::weak_ptr<StreamSink> sink, std::size_t limit)
    : post_(std::move(post))
    , sink_(std::move(sink))
    , limit_(limit) {}

bool StreamChannel::write(std::string chunk) {
    std::lock_guard lock(mutex_);
    if (!accepting_)
        return false;
    if (chunk.size() > limit_ - std::min(limit_, queued_)) {
        // A slow consumer: drop it rather than buffer without bound.
        accepting_ = false;
        postLocked([](StreamSink& s) { s.abort(); });
        return false;
    }
    queued_ += chunk.size();
    postLocked([c = std::move(chunk)](StreamSink& s) mutable { s.enqueue(std::move(c)); });
    return true;
}

bool StreamChannel::isOpen() const {
    std::lock_guard lock(mutex_);
    return accepting_;
}

void StreamChannel::close() {
    std::lock_guard lock(mutex_);
    if (!accepting_)
        return;
    accepting_ = false;
    postLocked([](StreamSink& s) { s.finish(); });
}

void StreamChannel::onClose(std::function<void()> callback) {
    {
        std::lock_guard lock(mutex_);
        if (!ended_) {
            onClose_ = std::move(callback);
            return;
        }
    }
    if (callback)
        callback();
}

void StreamChannel::consumed(std::size_t n) {
    std::lock_guard lock(mutex_);
    queued_ -= std::min(queued_, n);
}

void StreamChannel::markEnded() {
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        if (ended_)
            return;
        ended_ = true;
        accepting_ = false;
        post_ = nullptr;
        callback = std::move(onClose_);
    }
    if (!callback)
        return;
    try {
        callback();
    } catch (...) {
        // An exception must not unwind through the server's event loop and end its thread.
    }
}

// With mutex_ held, so that the strand runs the chunks in the order write() accepted them.
void StreamChannel::postLocked(std::function<void(StreamSink&)> f) {
    post_([sink = sink_, f = std::move(f)] {
        if (auto s = sink.lock())
            f(*s);
    });
}

} // namespace sy::api
