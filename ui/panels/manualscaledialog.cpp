#include "ui/panels/manualscaledialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace sy::ui {

ManualScaleDialog::ManualScaleDialog(const model::NodeGroupConfig& group,
                                     std::map<std::string, int> counts, QWidget* parent)
    : QDialog(parent)
    , counts_(std::move(counts))
    , group_(group)
    , target_(new QComboBox(this))
    , count_(new QSpinBox(this))
    , note_(new QLabel(this)) {
    setObjectName(QStringLiteral("manualScaleDialog"));
    setWindowTitle(tr("Scale %1").arg(QString::fromStdString(group.name.value_or(""))));
    target_->setObjectName(QStringLiteral("scaleTarget"));
    count_->setObjectName(QStringLiteral("scaleCount"));
    count_->setRange(0, 1000);
    note_->setWordWrap(true);

    int firstManual = -1;
    for (const auto& leaf : model::leafSubGroups(group)) {
        const std::string sg = leaf.group->subGroupName.value_or("");
        for (const auto& role : model::ruleOrder(*leaf.group)) {
            bool manual = false;
            if (group.roles)
                if (auto it = group.roles->find(role); it != group.roles->end())
                    manual = it->second.effectiveLifecycle() == model::Lifecycle::Manual;
            const QString label = QStringLiteral("%1 / %2%3")
                                      .arg(QString::fromStdString(sg), QString::fromStdString(role),
                                           manual ? QString() : tr("  (scaled by rules)"));
            target_->addItem(label,
                             QStringList{QString::fromStdString(sg), QString::fromStdString(role)});
            if (manual && firstManual < 0)
                firstManual = target_->count() - 1;
        }
    }
    if (firstManual >= 0)
        target_->setCurrentIndex(firstManual);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Scale"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(target_, &QComboBox::currentIndexChanged, this, &ManualScaleDialog::choiceChanged);

    auto* form = new QFormLayout(this);
    form->addRow(tr("Sub-group / role:"), target_);
    form->addRow(tr("Nodes:"), count_);
    form->addRow(note_);
    form->addRow(buttons);
    choiceChanged();
}

void ManualScaleDialog::choiceChanged() {
    const auto key = QString(subGroup() + u'/' + role()).toStdString();
    const auto it = counts_.find(key);
    count_->setValue(it == counts_.end() ? 0 : it->second);
    const bool manual = !target_->currentText().contains(tr("(scaled by rules)"));
    note_->setText(manual ? tr("The role's lifecycle is MANUAL: the count you set is kept until "
                               "you change it.")
                          : tr("This role scales by its rules; only MANUAL roles accept a node "
                               "count. Change the role's lifecycle to MANUAL first."));
}

QString ManualScaleDialog::subGroup() const {
    return target_->currentData().toStringList().value(0);
}

QString ManualScaleDialog::role() const {
    return target_->currentData().toStringList().value(1);
}

int ManualScaleDialog::nodeCount() const {
    return count_->value();
}

} // namespace sy::ui
