#pragma once
// Everything a publish or subscribe decision needs from one snapshot of one node group, computed
// once when the snapshot is published so that a decision is a few index lookups, not a scan of
// every node. Immutable after build(): share it across API threads as shared_ptr<const>.
//
// Precomputed here:
// - per leaf sub-group, the routable nodes of each kind sorted best first (lowest ranking, then
//   node id): PUBLISH, TRANSCODE, and SUBSCRIBE nodes whose role has a parent role (they can
//   serve any live stream by pulling it from upstream);
// - per stream, whether it is live and which all-in-one style nodes (SUBSCRIBE, no parent role)
//   carry it, since those serve only what they carry;
// - sub-group and geo-zone names to the leaves below them;
// - publisher and subscriber totals for maxPublishers / maxSubscribers;
// - the shuffle size for every possible candidate count.

#include "core/expr/shufflesizeexpression.h"
#include "core/model/nodegroup.h"
#include "core/routing/routablenode.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sy::routing {

using NodeIndex = std::uint32_t; // position in RoutingTable::nodes()
using LeafIndex = std::uint32_t;
using CandidateList = std::span<const NodeIndex>; // sorted best first

// One stream as the routing table sees it. `carriers` holds the routable SUBSCRIBE nodes without a
// parent role that carry the stream, sorted by leaf then best first; `runs` slices it per leaf.
struct StreamRoutes {
    struct LeafRun {
        LeafIndex leaf;
        std::uint32_t begin;
        std::uint32_t end;
    };
    bool live = false; // some INSERVICE or draining node reports it as published
    std::vector<NodeIndex> carriers;
    std::vector<LeafRun> runs;
};

class RoutingTable {
public:
    // `shuffleSize` absent means a shuffle pool of 1: always the single best node.
    static std::shared_ptr<const RoutingTable>
    build(const model::NodeGroupConfig& config, std::vector<RoutableNode> nodes,
          const std::optional<expr::ShuffleSizeExpression>& shuffleSize);

    const std::string& nodeGroupName() const { return nodeGroupName_; }
    std::span<const RoutableNode> nodes() const { return nodes_; }
    const RoutableNode& node(NodeIndex i) const { return nodes_[i]; }
    std::int32_t rank(NodeIndex i) const { return rank_[i]; }
    // Position of a node in the table-wide (rank, node id) order: merges compare one integer.
    std::uint32_t order(NodeIndex i) const { return order_[i]; }

    std::size_t leafCount() const { return leaves_.size(); }
    // Leaves at or below a sub-group or geo-zone name; empty when the name is unknown.
    std::span<const LeafIndex> leavesNamed(std::string_view name) const;

    CandidateList publishers(LeafIndex leaf) const { return leaves_[leaf].publish; }
    CandidateList transcoders(LeafIndex leaf) const { return leaves_[leaf].transcode; }
    CandidateList pullingSubscribers(LeafIndex leaf) const { return leaves_[leaf].pulling; }

    // nullptr when no INSERVICE or draining node carries the stream.
    const StreamRoutes* stream(std::string_view guid) const;

    std::int64_t publisherCount() const { return publisherCount_; }
    std::int64_t subscriberCount() const { return subscriberCount_; }
    std::optional<std::int64_t> maxPublishers() const { return maxPublishers_; }
    std::optional<std::int64_t> maxSubscribers() const { return maxSubscribers_; }

    // N = shuffle(nodeCount), at least 1. Tabulated up to the node count, which bounds the
    // candidates of any decision.
    int shuffleSize(std::size_t nodeCount) const {
        return nodeCount < shuffle_.size() ? shuffle_[nodeCount] : evaluateShuffle(nodeCount);
    }

private:
    struct Leaf {
        std::string name;
        std::vector<std::string> zonePath;
        std::vector<NodeIndex> publish;
        std::vector<NodeIndex> transcode;
        std::vector<NodeIndex> pulling;
    };
    // Heterogeneous lookup so a decision hashes the request's string_view without a copy.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    template <class V>
    using NameMap = std::unordered_map<std::string, V, NameHash, std::equal_to<>>;

    RoutingTable() = default;
    void indexLeaves(const model::NodeGroupConfig& config);
    void rankNodes();
    void fillCandidateLists(const model::NodeGroupConfig& config);
    void indexStreams();
    void tabulateShuffle(const std::optional<expr::ShuffleSizeExpression>& shuffleSize);
    bool routable(NodeIndex i) const;
    int evaluateShuffle(std::size_t nodeCount) const;

    std::string nodeGroupName_;
    std::vector<RoutableNode> nodes_;
    std::vector<std::int32_t> rank_;
    std::vector<std::uint32_t> order_;
    std::vector<LeafIndex> leafOf_;
    std::vector<bool> pulls_; // the node's role has a parent role
    std::vector<Leaf> leaves_;
    NameMap<std::vector<LeafIndex>> leavesByName_;
    NameMap<StreamRoutes> streams_;
    std::int64_t publisherCount_ = 0;
    std::int64_t subscriberCount_ = 0;
    std::optional<std::int64_t> maxPublishers_;
    std::optional<std::int64_t> maxSubscribers_;
    std::optional<expr::ShuffleSizeExpression> shuffleExpression_;
    std::vector<int> shuffle_;
};

} // namespace sy::routing
