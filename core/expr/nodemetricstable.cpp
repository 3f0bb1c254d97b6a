#include "core/expr/nodemetricstable.h"

namespace sy::expr {

std::span<double> NodeMetricsTable::appendRow() {
    values_.resize(values_.size() + slots_, 0.0);
    ++rows_;
    return row(rows_ - 1);
}

} // namespace sy::expr
