#pragma once
// Counters and latency histograms of the HTTP API, fed once per request by the server threads and
// read by the Prometheus exporter. Keys are route PATTERNS, never raw paths, so the key set stays
// as small as the route table; a cap on distinct routes and a fixed method set keep it bounded
// even if a caller passes something unexpected.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sy::api {

class RequestMetrics {
public:
    // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied after the last.
    static constexpr std::array<double, 13> kBucketBounds = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    // The same bounds as Prometheus `le` label values (the exporter prints them verbatim).
    static constexpr std::array<std::string_view, kBucketBounds.size()> kBucketLabels = {
        "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
        "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5"};
    // Routes beyond this many distinct patterns are counted under kOtherRoute.
    static constexpr std::size_t kMaxRoutes = 256;
    static constexpr std::string_view kUnmatchedRoute = "unmatched";
    static constexpr std::string_view kOtherRoute = "other";

    // `route` is the matched pattern ("/as/v1/admin/nodegroup/{ng}"); empty means no route
    // matched and is counted as "unmatched". Methods outside the HTTP set count as "OTHER".
    void record(std::string_view method, std::string_view route, int status,
                std::chrono::nanoseconds duration);
    void recordLoginFailure();

    // One (method, route, status) request counter.
    struct Series {
        std::string method;
        std::string route;
        int status = 0;
        std::uint64_t count = 0;
    };
    // The latency histogram of one route. `buckets` are per-bucket (not cumulative) counts, the
    // last one being (5 s, +Inf].
    struct Latency {
        std::string route;
        std::array<std::uint64_t, kBucketBounds.size() + 1> buckets{};
        double sumSeconds = 0;
        std::uint64_t count = 0;
    };
    // A consistent copy, sorted by route, then method and status.
    struct Snapshot {
        std::vector<Series> requests;
        std::vector<Latency> latencies;
        std::uint64_t loginFailures = 0;
    };
    Snapshot snapshot() const;

private:
    struct RouteStats {
        std::map<std::pair<std::string_view, int>, std::uint64_t> byMethodStatus; // static views
        Latency latency;
    };

    mutable std::mutex mutex_;
    std::map<std::string, RouteStats, std::less<>> routes_;
    std::uint64_t loginFailures_ = 0;
};

} // namespace sy::api
