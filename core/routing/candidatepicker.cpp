#include "core/routing/candidatepicker.h"

#include <algorithm>

namespace sy::routing {

CandidatePicker::CandidatePicker(const RoutingTable& table, std::span<const std::string> preference,
                                 bool strict)
    : table_(table)
    , tierOfLeaf_(table.leafCount(), kExcluded) {
    spans_.reserve(table.leafCount() * 2); // a pulling list and a carrier run per leaf at most
    auto tier = std::uint32_t{0};
    for (const auto& name : preference) {
        for (LeafIndex leaf : table.leavesNamed(name))
            if (tierOfLeaf_[leaf] == kExcluded)
                tierOfLeaf_[leaf] = tier;
        ++tier;
    }
    // Without a preference every leaf is preferred, so strict only demands `endpoints` nodes.
    if (!strict || preference.empty())
        for (auto& t : tierOfLeaf_)
            if (t == kExcluded)
                t = tier;
}

void CandidatePicker::add(LeafIndex leaf, CandidateList candidates) {
    const auto tier = tierOfLeaf_[leaf];
    if (tier == kExcluded || candidates.empty())
        return;
    spans_.push_back({candidates, tier});
    count_ += candidates.size();
}

std::vector<NodeIndex> CandidatePicker::pick(std::size_t endpoints, RandomSource& random) {
    std::vector<NodeIndex> out;
    if (spans_.empty() || endpoints == 0)
        return out;
    std::stable_sort(spans_.begin(), spans_.end(),
                     [](const TierSpan& a, const TierSpan& b) { return a.tier < b.tier; });
    const std::uint64_t tied = countTied();
    const auto bestSet = std::min<std::uint64_t>(tied, table_.shuffleSize(count_));
    const auto drawn = static_cast<std::size_t>(std::min<std::uint64_t>(endpoints, bestSet));
    out.reserve(std::min(endpoints, count_));
    drawBestSet(drawn, tied, random, out);
    if (out.size() < endpoints)
        fillInOrder(endpoints, out);
    return out;
}

// Marks, in each span of the first tier, how many head nodes share the tier's lowest rank.
std::uint32_t CandidatePicker::countTied() {
    const auto firstTier = spans_.front().tier;
    std::int32_t best = INT32_MAX;
    for (const auto& s : spans_) {
        if (s.tier != firstTier)
            break;
        best = std::min(best, table_.rank(s.nodes.front()));
    }
    std::uint32_t total = 0;
    for (auto& s : spans_) {
        if (s.tier != firstTier)
            break;
        const auto end = std::partition_point(s.nodes.begin(), s.nodes.end(),
                                              [&](NodeIndex i) { return table_.rank(i) <= best; });
        s.tied = static_cast<std::uint32_t>(end - s.nodes.begin());
        total += s.tied;
    }
    return total;
}

NodeIndex CandidatePicker::tiedAt(std::uint64_t k) const {
    for (const auto& s : spans_) {
        if (k < s.tied)
            return s.nodes[k];
        k -= s.tied;
    }
    return spans_.front().nodes.front(); // unreachable for k < countTied()
}

// A uniformly random ordered choice of `count` of the `tied` nodes: the same distribution as
// capping the tied nodes at N at random, shuffling and taking the first `count`, without
// materialising a best set that can hold thousands of idle nodes.
void CandidatePicker::drawBestSet(std::size_t count, std::uint64_t tied, RandomSource& random,
                                  std::vector<NodeIndex>& out) const {
    if (count == 0)
        return;
    if (count * 4 < tied) {
        // Few draws from many: rejection sampling terminates quickly and needs no copy.
        while (out.size() < count) {
            const NodeIndex n = tiedAt(random.below(tied));
            if (std::find(out.begin(), out.end(), n) == out.end())
                out.push_back(n);
        }
        return;
    }
    std::vector<NodeIndex> all;
    all.reserve(tied);
    for (std::uint64_t k = 0; k < tied; ++k)
        all.push_back(tiedAt(k));
    for (std::size_t k = 0; k < count; ++k) // partial Fisher-Yates
        std::swap(all[k], all[k + random.below(all.size() - k)]);
    out.insert(out.end(), all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
}

// The remaining slots: a merge of the sorted spans in (tier, table order), skipping drawn nodes.
void CandidatePicker::fillInOrder(std::size_t endpoints, std::vector<NodeIndex>& out) const {
    std::vector<std::uint32_t> drawn;
    drawn.reserve(out.size());
    for (NodeIndex n : out)
        drawn.push_back(table_.order(n));
    std::sort(drawn.begin(), drawn.end());
    std::vector<std::size_t> cursor(spans_.size(), 0);
    while (out.size() < endpoints) {
        std::size_t best = spans_.size();
        for (std::size_t s = 0; s < spans_.size(); ++s) {
            if (cursor[s] == spans_[s].nodes.size())
                continue;
            if (best != spans_.size() && spans_[s].tier != spans_[best].tier)
                break; // spans are sorted by tier; a later tier cannot beat this one
            const auto head = table_.order(spans_[s].nodes[cursor[s]]);
            if (best == spans_.size() || head < table_.order(spans_[best].nodes[cursor[best]]))
                best = s;
        }
        if (best == spans_.size())
            return;
        const NodeIndex n = spans_[best].nodes[cursor[best]++];
        if (!std::binary_search(drawn.begin(), drawn.end(), table_.order(n)))
            out.push_back(n);
    }
}

} // namespace sy::routing
