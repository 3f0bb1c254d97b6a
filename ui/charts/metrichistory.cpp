#include "ui/charts/metrichistory.h"

#include <QDateTime>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace sy::ui {

namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kStateCount = static_cast<std::size_t>(model::NodeState::Fault) + 1;

double metricOr0(const model::FlatMetrics& metrics, const char* name) {
    const auto it = metrics.find(name);
    return it == metrics.end() ? 0.0 : it->second;
}

std::string formatValue(double v) {
    if (std::isnan(v))
        return {};
    // Twelve significant digits: sums of cpu loads print as 0.3, not 0.30000000000000004.
    std::array<char, 64> buf{};
    const auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 12);
    return ec == std::errc() ? std::string(buf.data(), end) : std::string();
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string quoted = "\"";
    for (char c : s) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string isoUtc(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
}

} // namespace

std::string SeriesId::columnName() const {
    switch (measure) {
    case Measure::Viewers:
        return "viewers";
    case Measure::Publishers:
        return "publishers";
    case Measure::Ingress:
        return "ingress_kbps";
    case Measure::Egress:
        return "egress_kbps";
    case Measure::NodesInState:
        return "nodes_" + std::string(model::toString(state));
    case Measure::RoleCpu:
        return "cpu_load_" + role;
    }
    return "unknown";
}

// The sums and counts of one scope at one sample time.
struct MetricHistory::Accumulator {
    double viewers = 0;
    double publishers = 0;
    double ingress = 0;
    double egress = 0;
    std::array<int, kStateCount> states{};
    std::map<std::string, std::pair<double, int>> cpuByRole; // sum, reporting nodes

    void add(const engine::NodeView& node) {
        viewers += metricOr0(node.metrics, "connections.subscriber");
        publishers += metricOr0(node.metrics, "connections.publisher");
        ingress += metricOr0(node.metrics, "network.ingress");
        egress += metricOr0(node.metrics, "network.egress");
        ++states[static_cast<std::size_t>(node.state)];
        // A node that has not reported its cpu yet has no load, not a load of zero.
        if (const auto it = node.metrics.find("cpu.process.load"); it != node.metrics.end()) {
            auto& [sum, count] = cpuByRole[node.role];
            sum += it->second;
            ++count;
        }
    }
    void add(const Accumulator& other) {
        viewers += other.viewers;
        publishers += other.publishers;
        ingress += other.ingress;
        egress += other.egress;
        for (std::size_t i = 0; i < kStateCount; ++i)
            states[i] += other.states[i];
        for (const auto& [role, sc] : other.cpuByRole) {
            auto& [sum, count] = cpuByRole[role];
            sum += sc.first;
            count += sc.second;
        }
    }
};

MetricHistory::MetricHistory(std::size_t capacity, std::int64_t minSpacingMs)
    : minSpacingMs_(std::max<std::int64_t>(0, minSpacingMs))
    , times_(std::max<std::size_t>(1, capacity), 0) {}

const std::string& MetricHistory::allGroups() {
    static const std::string all;
    return all;
}

std::int64_t MetricHistory::oldestTimeMs() const {
    return size_ == 0 ? 0 : times_[start_];
}

std::int64_t MetricHistory::latestTimeMs() const {
    return size_ == 0 ? 0 : times_[slotOf(size_ - 1)];
}

void MetricHistory::clear() {
    start_ = 0;
    size_ = 0;
    scopes_.clear();
}

bool MetricHistory::add(const engine::ClusterSnapshot& snapshot) {
    if (size_ > 0 && snapshot.timeMs < latestTimeMs() + std::max<std::int64_t>(1, minSpacingMs_))
        return false;
    std::size_t slot = 0;
    if (size_ < times_.size()) {
        slot = slotOf(size_);
        ++size_;
    } else { // full: the new sample takes the oldest one's slot
        slot = start_;
        start_ = (start_ + 1) % times_.size();
    }
    times_[slot] = snapshot.timeMs;

    Accumulator all;
    for (const auto& [name, group] : snapshot.groups) {
        Accumulator acc;
        for (const auto& node : group.nodes)
            acc.add(node);
        record(slot, name, acc);
        scopes_[name].lastSeenMs = snapshot.timeMs;
        all.add(acc);
    }
    record(slot, allGroups(), all);
    scopes_[allGroups()].lastSeenMs = snapshot.timeMs;
    // Groups absent from this snapshot (deleted) keep their past, with no value now.
    for (auto& [name, scope] : scopes_)
        if (scope.lastSeenMs != snapshot.timeMs)
            for (auto& [id, column] : scope.columns)
                column[slot] = kUnknown;
    dropForgottenScopes();
    return true;
}

MetricHistory::Scope& MetricHistory::scopeFor(const std::string& name) {
    auto [it, created] = scopes_.try_emplace(name);
    if (created) {
        const Column unknown(times_.size(), kUnknown);
        for (auto m : {Measure::Viewers, Measure::Publishers, Measure::Ingress, Measure::Egress})
            it->second.columns.emplace(SeriesId::of(m), unknown);
        for (std::size_t s = 0; s < kStateCount; ++s)
            it->second.columns.emplace(SeriesId::nodesIn(static_cast<model::NodeState>(s)),
                                       unknown);
    }
    return it->second;
}

void MetricHistory::record(std::size_t slot, const std::string& scopeName, const Accumulator& acc) {
    Scope& scope = scopeFor(scopeName);
    // Roles without a report at this time keep no value.
    for (auto& [id, column] : scope.columns)
        column[slot] = kUnknown;
    auto set = [&](const SeriesId& id, double v) {
        auto it = scope.columns.find(id);
        if (it == scope.columns.end())
            it = scope.columns.emplace(id, Column(times_.size(), kUnknown)).first;
        it->second[slot] = v;
    };
    set(SeriesId::of(Measure::Viewers), acc.viewers);
    set(SeriesId::of(Measure::Publishers), acc.publishers);
    set(SeriesId::of(Measure::Ingress), acc.ingress);
    set(SeriesId::of(Measure::Egress), acc.egress);
    for (std::size_t s = 0; s < kStateCount; ++s)
        set(SeriesId::nodesIn(static_cast<model::NodeState>(s)), acc.states[s]);
    for (const auto& [role, sc] : acc.cpuByRole)
        set(SeriesId::cpuOf(role), sc.first / sc.second);
}

void MetricHistory::dropForgottenScopes() {
    const std::int64_t oldest = oldestTimeMs();
    std::erase_if(scopes_, [&](const auto& entry) {
        return entry.first != allGroups() && entry.second.lastSeenMs < oldest;
    });
}

std::vector<std::string> MetricHistory::groups() const {
    std::vector<std::string> names;
    for (const auto& [name, scope] : scopes_)
        if (name != allGroups())
            names.push_back(name);
    return names;
}

std::vector<SeriesId> MetricHistory::series(const std::string& scope) const {
    std::vector<SeriesId> ids;
    if (const auto it = scopes_.find(scope); it != scopes_.end())
        for (const auto& [id, column] : it->second.columns)
            ids.push_back(id);
    return ids;
}

const MetricHistory::Column* MetricHistory::column(const std::string& scope,
                                                   const SeriesId& id) const {
    const auto s = scopes_.find(scope);
    if (s == scopes_.end())
        return nullptr;
    const auto c = s->second.columns.find(id);
    return c == s->second.columns.end() ? nullptr : &c->second;
}

std::pair<std::size_t, std::size_t> MetricHistory::range(TimeWindow window) const {
    // Sample times only grow, so the window is a run of logical indexes found by bisection.
    auto firstNotBefore = [&](std::int64_t ms, bool inclusive) {
        std::size_t lo = 0;
        std::size_t hi = size_;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            const std::int64_t t = times_[slotOf(mid)];
            if (inclusive ? t < ms : t <= ms)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    };
    const std::size_t first = firstNotBefore(window.fromMs, true);
    const std::size_t last = firstNotBefore(window.toMs, false);
    return {first, std::max(first, last)};
}

std::optional<double> MetricHistory::value(const std::string& scope, const SeriesId& id,
                                           std::int64_t timeMs) const {
    const Column* c = column(scope, id);
    const auto [first, last] = range({timeMs, timeMs});
    if (!c || first == last || std::isnan((*c)[slotOf(first)]))
        return std::nullopt;
    return (*c)[slotOf(first)];
}

QList<QPointF> MetricHistory::points(const std::string& scope, const SeriesId& id,
                                     TimeWindow window, int maxPoints) const {
    QList<QPointF> out;
    const Column* c = column(scope, id);
    if (!c || maxPoints <= 0)
        return out;
    const auto [first, last] = range(window);
    auto point = [&](std::size_t i) {
        const std::size_t slot = slotOf(i);
        return QPointF(static_cast<double>(times_[slot]), (*c)[slot]);
    };
    if (last - first <= static_cast<std::size_t>(maxPoints)) {
        out.reserve(static_cast<qsizetype>(last - first));
        for (std::size_t i = first; i < last; ++i)
            if (!std::isnan((*c)[slotOf(i)]))
                out.append(point(i));
        return out;
    }
    // Min/max per time bucket: each bucket adds at most two points, in time order.
    const std::int64_t buckets = std::max(1, maxPoints / 2);
    const double span = static_cast<double>(window.toMs - window.fromMs) + 1.0;
    out.reserve(2 * buckets);
    std::int64_t current = -1;
    std::size_t lowest = 0;
    std::size_t highest = 0;
    auto flush = [&] {
        if (current < 0)
            return;
        if (maxPoints < 2) { // no room for both: the peak matters more
            out.append(point(highest));
        } else {
            out.append(point(std::min(lowest, highest)));
            if (lowest != highest)
                out.append(point(std::max(lowest, highest)));
        }
    };
    for (std::size_t i = first; i < last; ++i) {
        const std::size_t slot = slotOf(i);
        const double v = (*c)[slot];
        if (std::isnan(v))
            continue;
        const auto offset = static_cast<double>(times_[slot] - window.fromMs);
        const std::int64_t bucket =
            std::min(buckets - 1, static_cast<std::int64_t>(offset * buckets / span));
        if (bucket != current) {
            flush();
            current = bucket;
            lowest = highest = i;
        } else if (v < (*c)[slotOf(lowest)]) {
            lowest = i;
        } else if (v > (*c)[slotOf(highest)]) {
            highest = i;
        }
    }
    flush();
    return out;
}

std::string MetricHistory::toCsv(const std::string& scope, TimeWindow window) const {
    const std::vector<SeriesId> ids = series(scope);
    std::vector<const Column*> columns;
    std::string csv = "time";
    for (const auto& id : ids) {
        csv += ',' + csvField(id.columnName());
        columns.push_back(column(scope, id));
    }
    csv += '\n';
    const auto [first, last] = range(window);
    for (std::size_t i = first; i < last; ++i) {
        const std::size_t slot = slotOf(i);
        csv += isoUtc(times_[slot]);
        for (const Column* c : columns)
            csv += ',' + formatValue((*c)[slot]);
        csv += '\n';
    }
    return csv;
}

} // namespace sy::ui
