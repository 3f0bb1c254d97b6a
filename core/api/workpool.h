#pragma once
// A small bounded pool for request handlers that block (PBKDF2 logins, rclone storage tests, a
// round-trip stream check's call to a validate URL), so that they never run on the HTTP I/O
// threads: while they wait, every other request (healthz, other nodes' callbacks) is answered.
//
// Bounded twice: `threads` jobs run at once, and at most `maxInFlight` are running or queued;
// past that submit() refuses and the caller answers 503 at once instead of queueing without end.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

namespace sy::api {

class WorkPool {
public:
    WorkPool(int threads, std::size_t maxInFlight);
    // Drops the jobs still queued (their callbacks are destroyed uncalled) and waits for the
    // running ones.
    ~WorkPool();
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;

    // False, and the job is dropped, when maxInFlight jobs are running or queued.
    bool submit(std::function<void()> job);
    // Jobs running or queued (tests and the benchmark watch it).
    std::size_t inFlight() const { return inFlight_.load(); }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    const std::size_t max_;
    std::atomic<std::size_t> inFlight_{0};
};

} // namespace sy::api
