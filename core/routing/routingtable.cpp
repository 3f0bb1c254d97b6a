#include "core/routing/routingtable.h"

#include "core/util/strings.h"

#include <algorithm>
#include <climits>
#include <numeric>

namespace sy::routing {

using model::Capability;

namespace {

std::vector<std::string> splitZonePath(std::string_view path) {
    std::vector<std::string> out;
    for (auto part : sy::split(path, '/'))
        out.emplace_back(part);
    return out;
}

// Roles whose nodes pull streams from a parent role (edges under origins or relays).
bool roleHasParent(const model::NodeGroupConfig& config, const std::string& roleName) {
    if (!config.roles)
        return false;
    const auto it = config.roles->find(roleName);
    if (it != config.roles->end())
        return it->second.parentRoleName.has_value() && !it->second.parentRoleName->empty();
    // Roles are keyed by name in every example, but the key and `name` may differ.
    for (const auto& [key, role] : *config.roles)
        if (role.name == roleName)
            return role.parentRoleName.has_value() && !role.parentRoleName->empty();
    return false;
}

} // namespace

std::shared_ptr<const RoutingTable>
RoutingTable::build(const model::NodeGroupConfig& config, std::vector<RoutableNode> nodes,
                    const std::optional<expr::ShuffleSizeExpression>& shuffleSize) {
    // make_shared cannot reach the private constructor.
    std::shared_ptr<RoutingTable> table(new RoutingTable());
    table->nodeGroupName_ = config.name.value_or("");
    table->nodes_ = std::move(nodes);
    table->maxPublishers_ = config.maxPublishers;
    table->maxSubscribers_ = config.maxSubscribers;
    table->indexLeaves(config);
    table->rankNodes();
    table->fillCandidateLists(config);
    table->indexStreams();
    table->tabulateShuffle(shuffleSize);
    return table;
}

// Leaves come from the config, so that a zone preference matches its children even when a child
// has no node yet; a node in a sub-group the config no longer has (removed while the node drains)
// gets a leaf of its own, described by the node's zone path.
void RoutingTable::indexLeaves(const model::NodeGroupConfig& config) {
    NameMap<LeafIndex> byLeafName;
    auto addLeaf = [&](std::string name, std::vector<std::string> zonePath) {
        if (zonePath.empty())
            zonePath.push_back(name);
        const auto index = static_cast<LeafIndex>(leaves_.size());
        byLeafName.emplace(name, index);
        leaves_.push_back(Leaf{std::move(name), std::move(zonePath), {}, {}, {}});
        return index;
    };
    for (const auto& leaf : model::leafSubGroups(config)) {
        auto zonePath = splitZonePath(leaf.zonePath);
        std::string name = leaf.group->subGroupName.value_or(zonePath.back());
        if (!byLeafName.contains(name))
            addLeaf(std::move(name), std::move(zonePath));
    }
    leafOf_.resize(nodes_.size());
    for (NodeIndex i = 0; i < nodes_.size(); ++i) {
        const auto& n = nodes_[i];
        const auto it = byLeafName.find(n.subGroup);
        leafOf_[i] = it != byLeafName.end() ? it->second : addLeaf(n.subGroup, n.zonePath);
    }
    for (LeafIndex leaf = 0; leaf < leaves_.size(); ++leaf)
        for (const auto& zone : leaves_[leaf].zonePath) {
            auto& list = leavesByName_[zone];
            if (list.empty() || list.back() != leaf)
                list.push_back(leaf);
        }
}

void RoutingTable::rankNodes() {
    rank_.resize(nodes_.size());
    for (NodeIndex i = 0; i < nodes_.size(); ++i)
        rank_[i] = capacityToInt32(nodes_[i].ranking);
    // Node id breaks rank ties so that every list, and so every decision, is deterministic.
    std::vector<NodeIndex> byRank(nodes_.size());
    std::iota(byRank.begin(), byRank.end(), NodeIndex{0});
    std::sort(byRank.begin(), byRank.end(), [this](NodeIndex a, NodeIndex b) {
        if (rank_[a] != rank_[b])
            return rank_[a] < rank_[b];
        return nodes_[a].nodeId < nodes_[b].nodeId;
    });
    order_.resize(nodes_.size());
    for (std::uint32_t pos = 0; pos < byRank.size(); ++pos)
        order_[byRank[pos]] = pos;
}

// Reference §6 step 2: INSERVICE (a draining node takes no new routes), under its limit. A relay
// with the default limit 0 and ranking 0 is therefore never routable.
bool RoutingTable::routable(NodeIndex i) const {
    const auto& n = nodes_[i];
    return n.state == model::NodeState::InService && !n.draining &&
           rank_[i] < capacityToInt32(n.limit);
}

void RoutingTable::fillCandidateLists(const model::NodeGroupConfig& config) {
    pulls_.resize(nodes_.size());
    NameMap<bool> parentByRole;
    for (NodeIndex i = 0; i < nodes_.size(); ++i) {
        const auto& role = nodes_[i].role;
        auto it = parentByRole.find(role);
        if (it == parentByRole.end())
            it = parentByRole.emplace(role, roleHasParent(config, role)).first;
        pulls_[i] = it->second;
    }
    std::vector<NodeIndex> byOrder(nodes_.size());
    for (NodeIndex i = 0; i < nodes_.size(); ++i)
        byOrder[order_[i]] = i;
    // Appending in table order leaves every list sorted best first.
    for (NodeIndex i : byOrder) {
        if (!routable(i))
            continue;
        auto& leaf = leaves_[leafOf_[i]];
        const auto& n = nodes_[i];
        if (n.has(Capability::Publish))
            leaf.publish.push_back(i);
        if (n.has(Capability::Transcode))
            leaf.transcode.push_back(i);
        if (n.has(Capability::Subscribe) && pulls_[i])
            leaf.pulling.push_back(i);
    }
}

void RoutingTable::indexStreams() {
    for (NodeIndex i = 0; i < nodes_.size(); ++i) {
        const auto& n = nodes_[i];
        if (!carriesLiveStreams(n.state))
            continue;
        // Nodes with a parent role are in the pulling lists already; they serve any live stream.
        const bool carrier = routable(i) && n.has(Capability::Subscribe) && !pulls_[i];
        for (const auto& s : n.streams) {
            auto& routes = streams_[s.guid];
            if (s.as == CarriedAs::Publishing) {
                routes.live = true;
                ++publisherCount_;
            }
            subscriberCount_ += s.viewers;
            if (carrier)
                routes.carriers.push_back(i);
        }
    }
    for (auto& [guid, routes] : streams_) {
        auto& c = routes.carriers;
        std::sort(c.begin(), c.end(), [this](NodeIndex a, NodeIndex b) {
            return leafOf_[a] != leafOf_[b] ? leafOf_[a] < leafOf_[b] : order_[a] < order_[b];
        });
        c.erase(std::unique(c.begin(), c.end()), c.end()); // a node listing a guid twice
        for (std::uint32_t k = 0; k < c.size(); ++k) {
            if (routes.runs.empty() || routes.runs.back().leaf != leafOf_[c[k]])
                routes.runs.push_back({leafOf_[c[k]], k, k});
            routes.runs.back().end = k + 1;
        }
    }
}

// One entry per possible candidate count, so a decision never walks the expression tree.
void RoutingTable::tabulateShuffle(const std::optional<expr::ShuffleSizeExpression>& shuffleSize) {
    shuffleExpression_ = shuffleSize;
    shuffle_.resize(nodes_.size() + 1);
    for (std::size_t n = 0; n < shuffle_.size(); ++n)
        shuffle_[n] = evaluateShuffle(n);
}

int RoutingTable::evaluateShuffle(std::size_t nodeCount) const {
    if (!shuffleExpression_)
        return 1;
    const auto n = static_cast<int>(std::min<std::size_t>(nodeCount, INT_MAX));
    return std::max(1, shuffleExpression_->evaluate(n));
}

std::span<const LeafIndex> RoutingTable::leavesNamed(std::string_view name) const {
    const auto it = leavesByName_.find(name);
    if (it == leavesByName_.end())
        return {};
    return it->second;
}

const StreamRoutes* RoutingTable::stream(std::string_view guid) const {
    const auto it = streams_.find(guid);
    return it == streams_.end() ? nullptr : &it->second;
}

} // namespace sy::routing
