#include "core/api/requestmetrics.h"

#include <algorithm>

namespace sy::api {

namespace {

// A method from the client is free text: mapping it onto a fixed set keeps one label value per
// method and lets the counters keep views of these literals instead of copies.
constexpr std::array<std::string_view, 9> kMethods = {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS",
                                                      "PATCH",   "POST",   "PUT", "TRACE"};
constexpr std::string_view kOtherMethod = "OTHER";

std::string_view knownMethod(std::string_view method) {
    const auto it = std::find(kMethods.begin(), kMethods.end(), method);
    return it == kMethods.end() ? kOtherMethod : *it;
}

std::size_t bucketOf(double seconds) {
    const auto& bounds = RequestMetrics::kBucketBounds;
    // `le` semantics: a request of exactly 0.1 s falls in the 0.1 bucket.
    return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) -
                                    bounds.begin());
}

} // namespace

void RequestMetrics::record(std::string_view method, std::string_view route, int status,
                            std::chrono::nanoseconds duration) {
    if (route.empty())
        route = kUnmatchedRoute;
    const std::string_view m = knownMethod(method);
    const double seconds =
        std::max(0.0, std::chrono::duration<double>(duration).count()); // clocks can step back
    const std::size_t bucket = bucketOf(seconds);

    std::lock_guard lock(mutex_);
    auto it = routes_.find(route);
    if (it == routes_.end()) {
        if (routes_.size() >= kMaxRoutes)
            route = kOtherRoute;
        it = routes_.find(route);
        if (it == routes_.end()) {
            it = routes_.emplace(std::string(route), RouteStats{}).first;
            it->second.latency.route = it->first;
        }
    }
    RouteStats& stats = it->second;
    ++stats.byMethodStatus[{m, status}];
    ++stats.latency.buckets[bucket];
    stats.latency.sumSeconds += seconds;
    ++stats.latency.count;
}

void RequestMetrics::recordLoginFailure() {
    std::lock_guard lock(mutex_);
    ++loginFailures_;
}

RequestMetrics::Snapshot RequestMetrics::snapshot() const {
    Snapshot s;
    std::lock_guard lock(mutex_);
    s.loginFailures = loginFailures_;
    s.latencies.reserve(routes_.size());
    for (const auto& [route, stats] : routes_) {
        for (const auto& [key, count] : stats.byMethodStatus)
            s.requests.push_back({std::string(key.first), route, key.second, count});
        s.latencies.push_back(stats.latency);
    }
    return s;
}

} // namespace sy::api
