#pragma once
// The base of the console's snapshot-fed tables: a new snapshot's rows are merged into the shown
// ones (both sorted by the same key), so removed rows are removed, new ones inserted, and views
// keep their selection and scroll position while the cluster changes under them. Changed cells
// are announced once, as one range, by the caller: with thousands of rows changing every second,
// one dataChanged instead of one per row spares the sort proxies and views most of the work.

#include <QAbstractTableModel>

#include <utility>
#include <vector>

namespace sy::ui {

class MergingTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // Merges `next` into `rows`; `before(a, b)` orders both, `same(a, b)` says whether a row's
    // cells are unchanged. Returns the first and last changed row (-1, -1 when none changed);
    // rows before a removal or an insertion keep their index, so the range holds afterwards.
    template <class Row, class Before, class Same>
    std::pair<int, int> mergeRows(std::vector<Row>& rows, std::vector<Row> next, Before before,
                                  Same same) {
        int first = -1;
        int last = -1;
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < rows.size() || j < next.size()) {
            const int row = static_cast<int>(i);
            if (j == next.size() || (i < rows.size() && before(rows[i], next[j]))) {
                beginRemoveRows({}, row, row);
                rows.erase(rows.begin() + row);
                endRemoveRows();
                continue;
            }
            if (i == rows.size() || before(next[j], rows[i])) {
                beginInsertRows({}, row, row);
                rows.insert(rows.begin() + row, std::move(next[j]));
                endInsertRows();
            } else {
                if (!same(rows[i], next[j])) {
                    first = first < 0 ? row : first;
                    last = row;
                }
                rows[i] = std::move(next[j]);
            }
            ++i;
            ++j;
        }
        return {first, last};
    }
};

} // namespace sy::ui
