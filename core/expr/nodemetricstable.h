#pragma once
// The metrics of many nodes as one row-major table (nodes x catalog slots), the shape in which the
// scale loop and routing hand a SubGroup x Role's nodes to expressions: one allocation, rows
// contiguous, and a missing metric is simply a zero cell.

#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

namespace sy::expr {

class NodeMetricsTable {
public:
    // `slotCount` is normally MetricCatalog::size(); the table starts with `rows` zero-filled rows.
    explicit NodeMetricsTable(std::size_t slotCount, std::size_t rows = 0)
        : slots_(slotCount)
        , rows_(rows)
        , values_(slotCount * rows, 0.0) {}

    std::size_t rows() const { return rows_; }
    std::size_t slotCount() const { return slots_; }
    bool empty() const { return rows() == 0; }

    std::span<const double> row(std::size_t i) const {
        assert(i < rows());
        return {values_.data() + i * slots_, slots_};
    }
    std::span<double> row(std::size_t i) {
        assert(i < rows());
        return {values_.data() + i * slots_, slots_};
    }
    double at(std::size_t rowIndex, std::size_t slot) const { return row(rowIndex)[slot]; }
    void set(std::size_t rowIndex, std::size_t slot, double value) { row(rowIndex)[slot] = value; }

    // Adds a zero-filled row and returns it for filling in.
    std::span<double> appendRow();
    void reserve(std::size_t rows) { values_.reserve(rows * slots_); }
    void clear() {
        values_.clear();
        rows_ = 0;
    }

    const double* data() const { return values_.data(); }

private:
    std::size_t slots_;
    std::size_t rows_;
    std::vector<double> values_;
};

} // namespace sy::expr
