#pragma once
// MetricHistory: the last hour of what the cluster did, per node group and for all node groups,
// as fixed-size ring buffers filled from snapshots. The charts page draws from it, and exports
// it as CSV. It knows nothing of Qt Charts (deprecated from Qt 6.10): the chart backend can be
// swapped without touching the history or its tests.
//
// What a sample holds, per scope (one node group, or all of them):
//   viewers      sum of connections.subscriber over the nodes (drivers count only real viewers
//                there: relays to child nodes are connections.clusterchildren)
//   publishers   sum of connections.publisher
//   ingress      sum of network.ingress, kbit/s (nginx /stat bw_in / 1000; the simulated model
//                reports publishers x kbpsPerStream)
//   egress       sum of network.egress, kbit/s
//   nodes in S   the number of nodes in each NodeState S (0 when none)
//   cpu of R     the average cpu.process.load (0..1 of one core) over the nodes of role R that
//                report it; no value when none does
// A value that was not known at a sample time (a group created later, a role with no report) is
// NaN: queries skip it and the CSV leaves the cell empty.

#include "core/engine/clustersnapshot.h"
#include "core/model/enums.h"

#include <QList>
#include <QPointF>

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sy::ui {

enum class Measure { Viewers, Publishers, Ingress, Egress, NodesInState, RoleCpu };

// One line of a chart: a measure, and the state or role it is about where it needs one.
struct SeriesId {
    Measure measure = Measure::Viewers;
    model::NodeState state = model::NodeState::Requested; // NodesInState only
    std::string role;                                     // RoleCpu only

    static SeriesId of(Measure measure) { return {measure, model::NodeState::Requested, {}}; }
    static SeriesId nodesIn(model::NodeState state) { return {Measure::NodesInState, state, {}}; }
    static SeriesId cpuOf(std::string role) {
        return {Measure::RoleCpu, model::NodeState::Requested, std::move(role)};
    }
    // The CSV column: "viewers", "ingress_kbps", "nodes_INSERVICE", "cpu_load_edge".
    std::string columnName() const;

    // Orders columns as the CSV and the legends show them: measures first, then states in their
    // lifecycle order, then roles by name.
    auto operator<=>(const SeriesId&) const = default;
    bool operator==(const SeriesId&) const = default;
};

// A closed interval of epoch milliseconds.
struct TimeWindow {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;

    // The `lengthMs` that end at `nowMs`.
    static TimeWindow ending(std::int64_t nowMs, std::int64_t lengthMs) {
        return {nowMs - lengthMs, nowMs};
    }
    bool contains(std::int64_t ms) const { return ms >= fromMs && ms <= toMs; }
};

class MetricHistory {
public:
    // One hour at one sample a second, and a margin for snapshots that come a little faster.
    static constexpr std::size_t kDefaultCapacity = 3600 + 300;
    static constexpr std::int64_t kDefaultSpacingMs = 1000;

    // `minSpacingMs`: a snapshot closer than this to the last sample kept is skipped, so that the
    // capacity covers an hour whatever the snapshot rate of the backend (4 a second when
    // embedded). 0 keeps every newer snapshot.
    explicit MetricHistory(std::size_t capacity = kDefaultCapacity,
                           std::int64_t minSpacingMs = kDefaultSpacingMs);

    // The scope of all node groups together; every other scope is a node-group name, and those
    // cannot be empty.
    static const std::string& allGroups();

    // Samples the snapshot at snapshot.timeMs. Returns false, and changes nothing, for a snapshot
    // that is not newer than the last sample by minSpacingMs (snapshots repeat).
    bool add(const engine::ClusterSnapshot& snapshot);
    void clear();

    std::size_t capacity() const { return times_.size(); }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::int64_t oldestTimeMs() const; // 0 when empty
    std::int64_t latestTimeMs() const; // 0 when empty

    // Node groups with at least one sample still in the ring, by name.
    std::vector<std::string> groups() const;
    // Every series the scope has, in column order; empty for an unknown scope.
    std::vector<SeriesId> series(const std::string& scope) const;

    // The value at exactly `timeMs`; nullopt when there is no sample then or it is not known.
    std::optional<double> value(const std::string& scope, const SeriesId& id,
                                std::int64_t timeMs) const;

    // The known points of a series in `window`, x in epoch ms and y the value, oldest first.
    // With more than `maxPoints` of them, the window is cut into maxPoints / 2 equal time
    // buckets and each keeps its lowest and highest point, so a one-sample spike still shows.
    QList<QPointF> points(const std::string& scope, const SeriesId& id, TimeWindow window,
                          int maxPoints) const;

    // A header row ("time," then the column names of the scope), then one row per sample in
    // `window`: the time in ISO-8601 UTC with milliseconds, then the values; unknown ones empty.
    std::string toCsv(const std::string& scope, TimeWindow window) const;

private:
    using Column = std::vector<double>; // aligned slot for slot with times_
    struct Scope {
        std::map<SeriesId, Column> columns;
        std::int64_t lastSeenMs = 0;
    };
    struct Accumulator;

    std::size_t slotOf(std::size_t logical) const { return (start_ + logical) % times_.size(); }
    // Logical indexes [first, last) of the samples inside `window`.
    std::pair<std::size_t, std::size_t> range(TimeWindow window) const;
    const Column* column(const std::string& scope, const SeriesId& id) const;
    Scope& scopeFor(const std::string& name);
    void record(std::size_t slot, const std::string& scope, const Accumulator& acc);
    void dropForgottenScopes();

    std::int64_t minSpacingMs_;
    std::vector<std::int64_t> times_;
    std::size_t start_ = 0; // slot of the oldest sample
    std::size_t size_ = 0;
    std::map<std::string, Scope> scopes_;
};

} // namespace sy::ui
