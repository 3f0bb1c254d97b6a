#include "core/api/prometheusexporter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace sy::api {

namespace {

using engine::ClusterSnapshot;
using engine::NodeGroupView;
using engine::NodeView;

// ---- text primitives: everything appends to one std::string, no streams ----

void appendEscaped(std::string& out, std::string_view value) {
    if (value.find_first_of("\\\"\n") == std::string_view::npos) {
        out += value;
        return;
    }
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

void appendNumber(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    std::array<char, 32> buf{};
    // Whole numbers as integers: the shortest form would write an epoch time as "1.717e+09".
    constexpr double kExact = 9007199254740992.0; // 2^53
    const auto r =
        v == std::trunc(v) && std::abs(v) < kExact
            ? std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<std::int64_t>(v))
            : std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

void appendInteger(std::string& out, std::uint64_t v) {
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

// Label text without the braces: name="value",name="value". Values are escaped here, once.
class Labels {
public:
    Labels& add(std::string_view name, std::string_view value) {
        if (!text_.empty())
            text_ += ',';
        text_ += name;
        text_ += "=\"";
        appendEscaped(text_, value);
        text_ += '"';
        return *this;
    }
    std::string take() { return std::move(text_); }
    const std::string& text() const { return text_; }

private:
    std::string text_;
};

// One metric family. HELP and TYPE are written before the first sample, so a family with no
// samples leaves no trace, and all samples of a family are contiguous by construction.
class Family {
public:
    Family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
        : out_(out)
        , name_(name)
        , type_(type)
        , help_(help) {}

    void sample(std::string_view labels, double value) {
        begin(name_, {}, labels);
        appendNumber(out_, value);
        out_ += '\n';
    }
    void count(std::string_view labels, std::uint64_t value, std::string_view suffix = {}) {
        begin(name_, suffix, labels);
        appendInteger(out_, value);
        out_ += '\n';
    }
    void sampleWithSuffix(std::string_view suffix, std::string_view labels, double value) {
        begin(name_, suffix, labels);
        appendNumber(out_, value);
        out_ += '\n';
    }

private:
    void begin(std::string_view name, std::string_view suffix, std::string_view labels) {
        if (!started_) {
            started_ = true;
            out_ += "# HELP ";
            out_ += name_;
            out_ += ' ';
            out_ += help_;
            out_ += "\n# TYPE ";
            out_ += name_;
            out_ += ' ';
            out_ += type_;
            out_ += '\n';
        }
        out_ += name;
        out_ += suffix;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
    }

    std::string& out_;
    std::string_view name_;
    std::string_view type_;
    std::string_view help_;
    bool started_ = false;
};

// ---- nodes ----

// The per-node families after streams_node_state, in output order.
enum NodeFamilyIndex : std::size_t {
    Streams,
    Publishers,
    Subscribers,
    Connections,
    CpuLoad,
    RssBytes,
    Ingress,
    Egress,
    Ranking,
    Limit,
    LastReport,
    NodeFamilyCount
};

struct NodeFamily {
    std::string_view name;
    std::string_view help;
};

constexpr std::array<NodeFamily, NodeFamilyCount> kNodeFamilies = {{
    {"streams_streams_number", "Streams published on or carried by the node."},
    {"streams_publishers_number", "Publishers connected to the node."},
    {"streams_subscribers_number", "Subscribers connected to the node."},
    {"streams_connections_number", "Client connections to the node."},
    {"streams_node_cpu_load_ratio",
     "CPU load of the node's media server process (cpu.process.load)."},
    {"streams_node_memory_rss_bytes", "Resident memory of the node's media server process."},
    {"streams_node_network_ingress_kbps", "Network ingress of the node in kbit/s."},
    {"streams_node_network_egress_kbps", "Network egress of the node in kbit/s."},
    {"streams_node_capacity_ranking",
     "capacityRankingExpression on the node's last report; lower is less loaded."},
    {"streams_node_capacity_limit",
     "capacityLimitExpression on the node's last report; no new routes at or above it."},
    {"streams_node_last_report_timestamp_seconds",
     "Time of the node's last report, in seconds since the epoch."},
}};

// A node's values for every family, taken in one walk over its metrics: looking each family's
// metric up in 10,000 maps family after family would walk every map (cache misses) ten times.
struct NodeRow {
    const NodeView* node;
    std::string labels; // nodegroup, subgroup, role, node
    std::array<double, NodeFamilyCount> values{};
    std::uint32_t present = 0; // bit i: values[i] is exported
};

// The reported metrics the families read, sorted by name for a merge walk over FlatMetrics.
enum Reported : std::size_t {
    Clients,
    PublisherCount,
    SubscriberCount,
    ProcessLoad,
    RssKb,
    NetEgress,
    NetIngress,
    StreamCount,
    ReportedCount
};
constexpr std::array<std::string_view, ReportedCount> kReportedNames = {
    "connections.client", "connections.publisher", "connections.subscriber", "cpu.process.load",
    "memory.process.rss", "network.egress",        "network.ingress",        "stream.count"};

void fillValues(NodeRow& row) {
    const NodeView& n = *row.node;
    std::array<std::optional<double>, ReportedCount> m;
    std::size_t k = 0;
    for (const auto& [name, value] : n.metrics) { // both sorted: a merge, no lookups
        while (k < ReportedCount && kReportedNames[k] < name)
            ++k;
        if (k == ReportedCount)
            break;
        if (kReportedNames[k] == name)
            m[k] = value;
    }
    const auto set = [&row](NodeFamilyIndex i, std::optional<double> v) {
        if (v) {
            row.values[i] = *v;
            row.present |= 1u << i;
        }
    };
    // Counts from the node's own metrics when it reports them, else from its stream list (an
    // agent may send only one of the two).
    double publishing = 0;
    double viewers = 0;
    for (const auto& s : n.streams) {
        publishing += s.publishing ? 1 : 0;
        viewers += static_cast<double>(s.viewers);
    }
    const double publishers = m[PublisherCount].value_or(publishing);
    const double subscribers = m[SubscriberCount].value_or(viewers);
    set(Streams, n.streams.empty() && m[StreamCount] ? *m[StreamCount]
                                                     : static_cast<double>(n.streams.size()));
    set(Publishers, publishers);
    set(Subscribers, subscribers);
    set(Connections, m[Clients].value_or(publishers + subscribers));
    set(CpuLoad, m[ProcessLoad]);
    if (m[RssKb])
        set(RssBytes, *m[RssKb] * 1024.0); // the catalog documents memory.process.rss in kB
    set(Ingress, m[NetIngress]);
    set(Egress, m[NetEgress]);
    // Ranking and limit are evaluated on a report: before the first one they mean nothing.
    if (n.lastReportMs > 0) {
        set(Ranking, n.ranking);
        set(Limit, n.limit);
        set(LastReport, static_cast<double>(n.lastReportMs) / 1000.0);
    }
}

std::vector<NodeRow> nodeRows(const ClusterSnapshot& snapshot, std::size_t& labelBytes) {
    std::vector<NodeRow> rows;
    std::size_t total = 0;
    for (const auto& [name, g] : snapshot.groups)
        total += g.nodes.size();
    rows.reserve(total);
    const auto key = [](const NodeView* n) {
        return std::tie(n->subGroup, n->role, n->nodeId);
    };
    std::vector<const NodeView*> sorted;
    for (const auto& [name, g] : snapshot.groups) {
        sorted.clear();
        for (const auto& n : g.nodes)
            sorted.push_back(&n);
        std::sort(sorted.begin(), sorted.end(),
                  [&](const NodeView* a, const NodeView* b) { return key(a) < key(b); });
        // The core keys nodes by id, so duplicates mean a hand-made snapshot; never emit twice.
        sorted.erase(
            std::unique(sorted.begin(), sorted.end(),
                        [&](const NodeView* a, const NodeView* b) { return key(a) == key(b); }),
            sorted.end());
        for (const NodeView* n : sorted) {
            NodeRow& row = rows.emplace_back();
            row.node = n;
            row.labels = Labels()
                             .add("nodegroup", name)
                             .add("subgroup", n->subGroup)
                             .add("role", n->role)
                             .add("node", n->nodeId)
                             .take();
            labelBytes += row.labels.size();
            fillValues(row);
        }
    }
    return rows;
}

void writeNodes(std::string& out, const std::vector<NodeRow>& rows) {
    {
        Family f(out, "streams_node_state", "gauge",
                 "1 for the node's current lifecycle state (only the current state is exported).");
        std::string labels;
        for (const auto& row : rows) {
            labels.assign(row.labels);
            labels += ",state=\"";
            labels += model::toString(row.node->state); // wire names need no escaping
            labels += '"';
            f.sample(labels, 1);
        }
    }
    for (std::size_t i = 0; i < NodeFamilyCount; ++i) {
        Family f(out, kNodeFamilies[i].name, "gauge", kNodeFamilies[i].help);
        for (const auto& row : rows)
            if (row.present & (1u << i))
                f.sample(row.labels, row.values[i]);
    }
}

// ---- autoscaling: per SubGroup x Role ----

using RoleKey = std::pair<std::string, std::string>; // subgroup, role
constexpr std::size_t kStateCount = static_cast<std::size_t>(model::NodeState::Fault) + 1;

struct RuleRow {
    std::string labels; // nodegroup, subgroup, role
    std::int64_t min = 0;
    std::int64_t max = 0;
};

struct DecisionRow {
    std::string labels; // nodegroup, subgroup, role
    const scaling::ScalingDecision* decision;
};

struct GroupRows {
    std::string name;
    std::string labels; // nodegroup
    const NodeGroupView* view;
    std::vector<RuleRow> rules;
    std::vector<DecisionRow> decisions;
    std::map<RoleKey, std::array<std::int64_t, kStateCount>> states; // count per NodeState
};

std::string roleLabels(const std::string& group, const std::string& sg, const std::string& role) {
    return Labels().add("nodegroup", group).add("subgroup", sg).add("role", role).take();
}

GroupRows groupRows(const std::string& name, const NodeGroupView& g) {
    GroupRows rows{name, Labels().add("nodegroup", name).take(), &g, {}, {}, {}};
    // Rules keyed by the name the core gives a leaf's rules (controlcore: name, else zone path).
    std::map<RoleKey, std::pair<std::int64_t, std::int64_t>> rules;
    for (const auto& leaf : model::leafSubGroups(g.config)) {
        if (!leaf.group->rulesByRole)
            continue;
        const std::string sg = leaf.group->subGroupName.value_or(leaf.zonePath);
        for (const auto& [role, rule] : *leaf.group->rulesByRole)
            rules.try_emplace({sg, role}, rule.min.value_or(0), rule.max.value_or(0));
    }
    for (const auto& [key, minMax] : rules)
        rows.rules.push_back(
            {roleLabels(name, key.first, key.second), minMax.first, minMax.second});

    std::map<RoleKey, const scaling::ScalingDecision*> decisions;
    for (const auto& d : g.lastDecisions)
        decisions.try_emplace({d.subGroup, d.role}, &d);
    for (const auto& [key, d] : decisions)
        rows.decisions.push_back({roleLabels(name, key.first, key.second), d});

    for (const auto& n : g.nodes) {
        auto& counts = rows.states[{n.subGroup, n.role}];
        const auto i = static_cast<std::size_t>(n.state);
        if (i < counts.size())
            ++counts[i];
    }
    return rows;
}

std::int64_t desiredNodes(const scaling::ScalingDecision& d) {
    switch (d.action) {
    case scaling::ScalingAction::ScaleOut:
        return d.activeNodes + d.count;
    case scaling::ScalingAction::ScaleIn:
        return d.activeNodes - d.count;
    default:
        return d.activeNodes;
    }
}

void writeNodeCounts(std::string& out, const std::vector<GroupRows>& groups) {
    Family f(out, "autoscale_nodes", "gauge",
             "Nodes of the SubGroup x Role by lifecycle state (states with at least one node).");
    const auto names = model::nodeStateNames();
    for (const auto& g : groups)
        for (const auto& [key, counts] : g.states) {
            const std::string base = roleLabels(g.name, key.first, key.second);
            for (std::size_t i = 0; i < counts.size() && i < names.size(); ++i)
                if (counts[i] > 0)
                    f.sample(base + ",state=\"" + std::string(names[i]) + '"',
                             static_cast<double>(counts[i]));
        }
}

void writeRules(std::string& out, const std::vector<GroupRows>& groups) {
    {
        Family f(out, "autoscale_scaling_paused", "gauge",
                 "1 when scaling of the node group is paused.");
        for (const auto& g : groups)
            f.sample(g.labels, g.view->paused ? 1 : 0);
    }
    writeNodeCounts(out, groups);
    {
        Family f(out, "autoscale_min_nodes", "gauge", "min of the SubGroup x Role's scale rule.");
        for (const auto& g : groups)
            for (const auto& r : g.rules)
                f.sample(r.labels, static_cast<double>(r.min));
    }
    {
        Family f(out, "autoscale_max_nodes", "gauge", "max of the SubGroup x Role's scale rule.");
        for (const auto& g : groups)
            for (const auto& r : g.rules)
                f.sample(r.labels, static_cast<double>(r.max));
    }
}

void writeDecisions(std::string& out, const ClusterSnapshot& snapshot,
                    const std::vector<GroupRows>& groups) {
    {
        Family f(out, "autoscale_active_nodes", "gauge",
                 "Nodes counted toward the scale rule at the last decision.");
        for (const auto& g : groups)
            for (const auto& d : g.decisions)
                f.sample(d.labels, static_cast<double>(d.decision->activeNodes));
    }
    {
        Family f(out, "autoscale_desired_nodes", "gauge",
                 "Nodes the last decision aims at: active nodes plus those it adds, less those "
                 "it drains.");
        for (const auto& g : groups)
            for (const auto& d : g.decisions)
                f.sample(d.labels, static_cast<double>(desiredNodes(*d.decision)));
    }
    {
        Family f(out, "autoscale_last_decision", "gauge",
                 "1 for the action of the SubGroup x Role's last scaling decision.");
        std::string labels;
        for (const auto& g : groups)
            for (const auto& d : g.decisions) {
                labels.assign(d.labels);
                labels += ",action=\"";
                labels += scaling::toString(d.decision->action);
                labels += '"';
                f.sample(labels, 1);
            }
    }
    {
        // Decisions carry no time of their own. They are remade on every reconcile tick and
        // published in the next snapshot, so the snapshot is less than one tick interval later.
        Family f(out, "autoscale_last_decision_timestamp_seconds", "gauge",
                 "Time of the snapshot carrying the node group's last scaling decisions, in "
                 "seconds since the epoch.");
        for (const auto& g : groups)
            if (!g.decisions.empty())
                f.sample(g.labels, static_cast<double>(snapshot.timeMs) / 1000.0);
    }
}

// ---- the server itself ----

void writeInfo(std::string& out, const ClusterSnapshot& snapshot, const ExporterInfo& info) {
    Family(out, "switchyard_info", "gauge", "Switchyard build information.")
        .sample(Labels().add("version", info.version).text(), 1);
    if (info.startTimeMs > 0)
        Family(out, "switchyard_start_time_seconds", "gauge",
               "Start time of the server, in seconds since the epoch.")
            .sample({}, static_cast<double>(info.startTimeMs) / 1000.0);
    Family(out, "switchyard_snapshot_version", "gauge",
           "Version of the cluster snapshot, increased on each change batch.")
        .count({}, snapshot.version);
    Family(out, "switchyard_snapshot_timestamp_seconds", "gauge",
           "Time the cluster snapshot was taken, in seconds since the epoch.")
        .sample({}, static_cast<double>(snapshot.timeMs) / 1000.0);
    Family(out, "switchyard_cluster_observed", "gauge",
           "1 once the first full observation of the nodes after start has been made.")
        .sample({}, snapshot.observed ? 1 : 0);
    Family(out, "switchyard_reconcile_tick_seconds", "gauge",
           "Duration of the last reconcile tick.")
        .sample({}, static_cast<double>(snapshot.lastTickMicros) / 1e6);
}

void writeRequests(std::string& out, const RequestMetrics& requests) {
    const auto s = requests.snapshot();
    {
        Family f(out, "switchyard_http_requests_total", "counter",
                 "HTTP requests answered, by method, route pattern and status.");
        for (const auto& r : s.requests)
            f.count(Labels()
                        .add("method", r.method)
                        .add("route", r.route)
                        .add("status", std::to_string(r.status))
                        .text(),
                    r.count);
    }
    {
        Family f(out, "switchyard_http_request_duration_seconds", "histogram",
                 "Time to answer HTTP requests, by route pattern.");
        for (const auto& l : s.latencies) {
            const std::string route = Labels().add("route", l.route).take();
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < l.buckets.size(); ++i) {
                cumulative += l.buckets[i];
                const std::string_view le = i < RequestMetrics::kBucketLabels.size()
                                                ? RequestMetrics::kBucketLabels[i]
                                                : std::string_view{"+Inf"};
                f.count(route + ",le=\"" + std::string(le) + '"', cumulative, "_bucket");
            }
            f.sampleWithSuffix("_sum", route, l.sumSeconds);
            f.count(route, l.count, "_count");
        }
    }
    Family(out, "switchyard_http_login_failures_total", "counter",
           "Failed logins to the admin API.")
        .count({}, s.loginFailures);
}

} // namespace

std::string renderPrometheus(const ClusterSnapshot& snapshot, const RequestMetrics* requests,
                             const ExporterInfo& info) {
    std::size_t labelBytes = 0;
    const auto nodes = nodeRows(snapshot, labelBytes);
    std::vector<GroupRows> groups;
    groups.reserve(snapshot.groups.size());
    for (const auto& [name, g] : snapshot.groups)
        groups.push_back(groupRows(name, g));

    std::string out;
    // Each node family repeats the node's labels plus a name and a value; the rest is small.
    const std::size_t perNode = kNodeFamilies.size() + 1;
    out.reserve(16 * 1024 + perNode * (labelBytes + nodes.size() * 64));
    writeInfo(out, snapshot, info);
    writeNodes(out, nodes);
    writeRules(out, groups);
    writeDecisions(out, snapshot, groups);
    if (requests)
        writeRequests(out, *requests);
    return out;
}

} // namespace sy::api
