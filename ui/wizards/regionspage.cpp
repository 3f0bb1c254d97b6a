#include "ui/wizards/regionspage.h"

#include "ui/style/statecolors.h"
#include "ui/wizards/presetpage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace sy::ui {

RegionsPage::RegionsPage(const PresetPage& presetPage, QWidget* parent)
    : QWizardPage(parent)
    , presetPage_(presetPage) {
    setTitle(tr("Regions"));
    setSubTitle(tr("Each region is a sub-group with its own nodes and scale rules. Double-click "
                   "a name to change it."));
    auto* layout = new QVBoxLayout(this);
    hint_ = new QLabel(this);
    hint_->setWordWrap(true);
    layout->addWidget(hint_);

    auto* row = new QHBoxLayout;
    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("regionList"));
    list_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::SelectedClicked);
    row->addWidget(list_, 1);
    auto* buttons = new QVBoxLayout;
    auto* add = new QPushButton(tr("&Add region"), this);
    add->setObjectName(QStringLiteral("addRegionButton"));
    buttons->addWidget(add);
    remove_ = new QPushButton(tr("&Remove"), this);
    remove_->setObjectName(QStringLiteral("removeRegionButton"));
    buttons->addWidget(remove_);
    buttons->addStretch(1);
    row->addLayout(buttons);
    layout->addLayout(row, 1);

    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("regionError"));
    error_->setWordWrap(true);
    QPalette p = error_->palette();
    p.setColor(QPalette::WindowText, severityColor(Severity::Critical));
    error_->setPalette(p);
    layout->addWidget(error_);

    connect(add, &QPushButton::clicked, this, &RegionsPage::addRegion);
    connect(remove_, &QPushButton::clicked, this, &RegionsPage::removeRegion);
    connect(list_, &QListWidget::itemChanged, this, &RegionsPage::check);
    connect(list_, &QListWidget::currentRowChanged, this,
            [this](int current) { remove_->setEnabled(current >= 0); });
    remove_->setEnabled(false);
}

void RegionsPage::initializePage() {
    const auto preset = presetPage_.preset();
    if (filledFor_ != preset) {
        setRegions(model::presetRegions(preset));
    }
    const auto needed = model::minimumRegions(preset);
    hint_->setText(needed > 1 ? tr("A multi-region cluster needs at least %1 regions.").arg(needed)
                              : tr("One region is enough; add more to spread nodes over "
                                   "several sub-groups."));
    check();
}

std::vector<std::string> RegionsPage::regions() const {
    if (filledFor_ != presetPage_.preset())
        return model::presetRegions(presetPage_.preset());
    std::vector<std::string> out;
    for (int i = 0; i < list_->count(); ++i)
        out.push_back(list_->item(i)->text().trimmed().toStdString());
    return out;
}

void RegionsPage::setRegions(const std::vector<std::string>& regions) {
    filledFor_ = presetPage_.preset();
    {
        const QSignalBlocker block(list_);
        list_->clear();
        for (const auto& r : regions) {
            auto* item = new QListWidgetItem(QString::fromStdString(r), list_);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
        }
    }
    check();
}

void RegionsPage::addRegion() {
    // A fresh name that is not yet in the list, ready to be typed over.
    const auto current = regions();
    const std::string name = model::uniqueNodeGroupName(current, "region");
    auto* item = new QListWidgetItem(QString::fromStdString(name), list_);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    list_->setCurrentItem(item);
    list_->editItem(item);
    check();
}

void RegionsPage::removeRegion() {
    delete list_->takeItem(list_->currentRow());
    check();
}

model::Problems RegionsPage::problems() const {
    const auto preset = presetPage_.preset();
    model::PresetOptions o;
    o.regions = regions();
    model::Problems out;
    if (o.regions.empty())
        out.push_back(
            {"regions",
             tr("Add at least %1 region(s).").arg(model::minimumRegions(preset)).toStdString()});
    for (auto& p : model::checkPresetOptions(preset, o))
        if (p.path.starts_with("regions"))
            out.push_back(std::move(p));
    return out;
}

void RegionsPage::check() {
    QStringList lines;
    for (const auto& p : problems()) {
        QString line = QString::fromStdString(p.message);
        line[0] = line[0].toUpper();
        lines << line;
    }
    error_->setText(lines.join(QLatin1Char('\n')));
    Q_EMIT completeChanged();
}

bool RegionsPage::isComplete() const {
    return problems().empty();
}

} // namespace sy::ui
