#include "routingfixture.h"

#include "core/expr/expression.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/validation.h"

#include <QFile>
#include <QTest>

#include <map>

namespace routingtest {

using namespace sy::routing;

namespace {

NodeGroupConfig loadNodeGroup(const std::string& file) {
    QFile f(QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/nodegroups/") + QString::fromStdString(file));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open test data %s", qPrintable(f.fileName()));
    const QByteArray bytes = f.readAll();
    auto parsed = sy::model::parseNodeGroup(std::string_view(bytes.constData(), bytes.size()));
    if (!parsed)
        qFatal("%s does not validate: %s", file.c_str(),
               sy::model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

double idleLimit(const NodeGroupConfig& ng, const std::string& subGroup, const std::string& role) {
    for (const auto& leaf : sy::model::leafSubGroups(ng)) {
        if (leaf.group->subGroupName != subGroup || !leaf.group->rulesByRole)
            continue;
        const auto rule = leaf.group->rulesByRole->find(role);
        if (rule == leaf.group->rulesByRole->end() || !rule->second.capacityLimitExpression)
            return 0;
        auto limit = sy::expr::CapacityExpression::parse(*rule->second.capacityLimitExpression);
        if (!limit)
            qFatal("limit of %s/%s does not parse", subGroup.c_str(), role.c_str());
        return limit->evaluate(std::span<const double>());
    }
    return 0;
}

} // namespace

const NodeGroupConfig& example(const std::string& file) {
    static std::map<std::string, NodeGroupConfig> cache;
    auto it = cache.find(file);
    if (it == cache.end())
        it = cache.emplace(file, loadNodeGroup(file)).first;
    return it->second;
}

RoutableNode makeNode(const NodeGroupConfig& ng, const std::string& id, const std::string& subGroup,
                      const std::string& role, double ranking) {
    static int nextPort = 19350;
    RoutableNode n;
    n.nodeId = id;
    n.subGroup = subGroup;
    n.role = role;
    if (ng.roles && ng.roles->contains(role))
        n.capabilities =
            ng.roles->at(role).capabilities.value_or(std::vector<sy::model::Capability>{});
    n.state = sy::model::NodeState::InService;
    n.serverAddress = "127.0.0.1";
    n.rtmpPort = nextPort++;
    if (nextPort > 60000)
        nextPort = 19350;
    n.ranking = ranking;
    n.limit = idleLimit(ng, subGroup, role);
    return n;
}

RoutableNode withStream(RoutableNode n, const std::string& guid, CarriedAs as, long long viewers) {
    n.streams.push_back({guid, as, viewers});
    return n;
}

RoutableNode withState(RoutableNode n, sy::model::NodeState state) {
    n.state = state;
    return n;
}

RoutableNode draining(RoutableNode n) {
    n.draining = true;
    return n;
}

std::shared_ptr<const RoutingTable> tableOf(const NodeGroupConfig& ng, Nodes nodes,
                                            const char* shuffleOverride) {
    std::optional<sy::expr::ShuffleSizeExpression> shuffle;
    const std::string text =
        shuffleOverride ? std::string(shuffleOverride) : ng.shuffleSizeExpression.value_or("");
    if (!text.empty()) {
        auto parsed = sy::expr::ShuffleSizeExpression::parse(text);
        if (!parsed)
            qFatal("shuffle size %s: %s", text.c_str(), parsed.error().message.c_str());
        shuffle = std::move(parsed).value();
    }
    return RoutingTable::build(ng, std::move(nodes), shuffle);
}

QStringList idsOf(const RoutingTable& table, const Locations& answer) {
    QStringList out;
    for (const auto& loc : answer) {
        QString id = QStringLiteral("?");
        for (const auto& n : table.nodes())
            if (loc.urls.at("rtmp") == rtmpUrl(n.serverAddress, n.rtmpPort, loc.streamGuid))
                id = QString::fromStdString(n.nodeId);
        out << id;
    }
    return out;
}

QStringList outcomeOf(const RoutingTable& table, const sy::Result<Locations, RoutingError>& r) {
    if (!r)
        return {QString::number(r.error().status)};
    return idsOf(table, *r);
}

QStringList ids(std::initializer_list<const char*> list) {
    QStringList out;
    for (const char* s : list)
        out << QString::fromUtf8(s);
    return out;
}

QStringList toQt(const std::vector<std::string>& list) {
    QStringList out;
    for (const auto& s : list)
        out << QString::fromStdString(s);
    return out;
}

std::vector<std::string> splitCsv(const QString& csv) {
    std::vector<std::string> out;
    for (const auto& part : csv.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(part.trimmed().toStdString());
    return out;
}

} // namespace routingtest
