#include "core/api/workpool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>

namespace sy::api {

struct WorkPool::Impl {
    explicit Impl(int threads)
        : pool(static_cast<std::size_t>(std::max(1, threads))) {}
    boost::asio::thread_pool pool;
};

WorkPool::WorkPool(int threads, std::size_t maxInFlight)
    : impl_(std::make_unique<Impl>(threads))
    , max_(std::max<std::size_t>(1, maxInFlight)) {}

WorkPool::~WorkPool() {
    impl_->pool.stop();
    impl_->pool.join();
}

bool WorkPool::submit(std::function<void()> job) {
    for (auto n = inFlight_.load();;) {
        if (n >= max_)
            return false;
        if (inFlight_.compare_exchange_weak(n, n + 1))
            break;
    }
    boost::asio::post(impl_->pool, [this, job = std::move(job)] {
        try {
            job();
        } catch (...) {
            // A job answers its own errors; nothing may end a pool thread.
        }
        --inFlight_;
    });
    return true;
}

} // namespace sy::api
