#pragma once
// The selection steps of reference §6 shared by publish, transcode and subscribe, once the caller
// has said which candidate lists apply: sub-group preference tiers, `strict`, the best set, the
// shuffle and `endpoints`.
//
// Preference tiers: a leaf's tier is the position of the first `subgroup` name that is the leaf or
// a geo-zone above it; leaves no name matches form a last tier, or are left out when strict.
//
// Best set (the reference leaves ties vs N open): the nodes tied at the lowest rank in the first
// non-empty tier, capped at N = shuffle(nodeCount), where nodeCount counts every candidate the
// request may use (all tiers in scope). When more than N nodes tie, the N are drawn at random
// rather than by a fixed order, so that no tied node is starved. A worse-ranked node is never in
// the best set. The first `endpoints` of the shuffled best set are returned; when `endpoints`
// exceeds it, the remaining slots are the next candidates in (tier, rank, node id) order.

#include "core/routing/randomsource.h"
#include "core/routing/routingtable.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sy::routing {

class CandidatePicker {
public:
    CandidatePicker(const RoutingTable& table, std::span<const std::string> preference,
                    bool strict);

    // Adds a leaf's sorted candidates; ignored when the leaf is out of scope or the list empty.
    void add(LeafIndex leaf, CandidateList candidates);
    // Candidates added so far: the request's `nodeCount`.
    std::size_t candidateCount() const { return count_; }
    // Up to `endpoints` distinct nodes, best set first. Empty when there is no candidate.
    std::vector<NodeIndex> pick(std::size_t endpoints, RandomSource& random);

private:
    static constexpr std::uint32_t kExcluded = UINT32_MAX;
    struct TierSpan {
        CandidateList nodes;
        std::uint32_t tier;
        std::uint32_t tied = 0; // nodes at the head tied at the best rank (first tier only)
    };

    std::uint32_t countTied();
    NodeIndex tiedAt(std::uint64_t k) const;
    void drawBestSet(std::size_t count, std::uint64_t tied, RandomSource& random,
                     std::vector<NodeIndex>& out) const;
    void fillInOrder(std::size_t endpoints, std::vector<NodeIndex>& out) const;

    const RoutingTable& table_;
    std::vector<std::uint32_t> tierOfLeaf_;
    std::vector<TierSpan> spans_;
    std::size_t count_ = 0;
};

} // namespace sy::routing
