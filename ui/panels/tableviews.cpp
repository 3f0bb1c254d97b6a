#include "ui/panels/tableviews.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>

namespace sy::ui {

QSortFilterProxyModel* makeProxy(QAbstractItemModel* source, int sortRole, QObject* parent) {
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(sortRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

QTableView* makeTableView(QAbstractItemModel* model, const QString& objectName, QWidget* parent) {
    auto* view = new QTableView(parent);
    view->setObjectName(objectName);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setShowGrid(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setDefaultSectionSize(110);
    return view;
}

QLineEdit* makeFilterEdit(QSortFilterProxyModel* proxy, const QString& placeholder,
                          QWidget* parent) {
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(QStringLiteral("filterEdit"));
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    edit->setMinimumWidth(240);
    QObject::connect(edit, &QLineEdit::textChanged, proxy,
                     [proxy](const QString& text) { proxy->setFilterFixedString(text); });
    auto* focus = new QAction(edit);
    focus->setShortcut(QKeySequence::Find);
    focus->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(focus, &QAction::triggered, edit, [edit] {
        edit->setFocus();
        edit->selectAll();
    });
    parent->addAction(focus);
    return edit;
}

MessageBar::MessageBar(QWidget* parent)
    : QWidget(parent)
    , label_(new QLabel(this)) {
    setObjectName(QStringLiteral("messageBar"));
    label_->setObjectName(QStringLiteral("messageText"));
    label_->setWordWrap(true);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(label_);
    hide();
}

void MessageBar::showError(const QString& text) {
    label_->setText(text);
    setStyleSheet(QStringLiteral("QWidget#messageBar { background: rgba(217, 54, 54, 0.15);"
                                 " border-left: 3px solid #d93636; }"));
    show();
}

void MessageBar::showInfo(const QString& text) {
    label_->setText(text);
    setStyleSheet(QStringLiteral("QWidget#messageBar { background: rgba(34, 160, 90, 0.15);"
                                 " border-left: 3px solid #22a05a; }"));
    show();
    QTimer::singleShot(4000, this, [this, text] {
        if (label_->text() == text)
            hide();
    });
}

QString MessageBar::text() const {
    return isVisible() ? label_->text() : QString();
}

} // namespace sy::ui
