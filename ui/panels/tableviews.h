#pragma once
// The one way the console sets up its tables: a sort/filter proxy over a model that has a
// SortRole, and a view with row selection, sorting, sensible column sizes and remembered
// header state. Also the small bar above each table: a filter field and action buttons.

#include <QSortFilterProxyModel>
#include <QTableView>

class QLineEdit;
class QLabel;

namespace sy::ui {

// Filters on any column's text (case-insensitive) and sorts by `sortRole`.
QSortFilterProxyModel* makeProxy(QAbstractItemModel* source, int sortRole, QObject* parent);
QTableView* makeTableView(QAbstractItemModel* model, const QString& objectName, QWidget* parent);
// A search field that filters `proxy` as you type (Ctrl+F focuses it when its page is shown).
QLineEdit* makeFilterEdit(QSortFilterProxyModel* proxy, const QString& placeholder,
                          QWidget* parent);

// A line of text under a page's tool bar for the outcome of the last action; errors stay
// until the next action, other messages fade after a few seconds.
class MessageBar final : public QWidget {
    Q_OBJECT
public:
    explicit MessageBar(QWidget* parent = nullptr);
    void showError(const QString& text);
    void showInfo(const QString& text);
    QString text() const;

private:
    QLabel* label_;
};

} // namespace sy::ui
