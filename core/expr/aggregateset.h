#pragma once
// Per-slot aggregates over a set of nodes: what a scale expression reads. Built from a
// NodeMetricsTable, or decoded from the aggregate tree that SM2's /evaluate/scale route posts.

#include <cstddef>
#include <span>
#include <vector>

namespace sy::expr {

class NodeMetricsTable;

struct Aggregate {
    double sum = 0;
    double min = 0; // 0 while count is 0
    double max = 0;
    double count = 0; // reporting nodes; a double as on the wire

    // avg of no nodes is 0: an empty SubGroup x Role neither scales out nor looks overloaded.
    double avg() const { return count > 0 ? sum / count : 0.0; }
    bool operator==(const Aggregate&) const = default;
};

class AggregateSet {
public:
    explicit AggregateSet(std::size_t slotCount)
        : aggregates_(slotCount) {}
    // Aggregates every slot over all rows of `table` (one pass).
    static AggregateSet fromTable(const NodeMetricsTable& table);

    std::size_t size() const { return aggregates_.size(); }
    // A slot beyond the set reads as no data.
    const Aggregate& operator[](std::size_t slot) const {
        static const Aggregate kEmpty;
        return slot < aggregates_.size() ? aggregates_[slot] : kEmpty;
    }
    Aggregate& at(std::size_t slot) { return aggregates_.at(slot); }
    // Folds one node's value for `slot` into the aggregate.
    void add(std::size_t slot, double value);

private:
    std::vector<Aggregate> aggregates_;
};

} // namespace sy::expr
