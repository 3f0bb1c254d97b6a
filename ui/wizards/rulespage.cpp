#include "ui/wizards/rulespage.h"

#include "ui/wizards/presetpage.h"
#include "ui/wizards/rolerulesform.h"

#include <QIcon>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sy::ui {

RulesPage::RulesPage(ClusterBackend& backend, const PresetPage& presetPage, QWidget* parent)
    : QWizardPage(parent)
    , backend_(backend)
    , presetPage_(presetPage) {
    setTitle(tr("Roles and scale rules"));
    setSubTitle(tr("How many nodes of each role run in every region, and when to add or remove "
                   "them. Expressions are checked as you type."));
    auto* layout = new QVBoxLayout(this);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("roleTabs"));
    tabs_->setDocumentMode(true);
    layout->addWidget(tabs_);
}

void RulesPage::initializePage() {
    const auto preset = presetPage_.preset();
    if (builtFor_ != preset)
        rebuild(preset);
}

void RulesPage::rebuild(model::NodeGroupPreset preset) {
    builtFor_ = preset;
    while (tabs_->count() > 0) {
        QWidget* page = tabs_->widget(0);
        tabs_->removeTab(0);
        delete page;
    }
    forms_.clear();
    for (const auto& role : model::presetRoles(preset)) {
        const QString name = QString::fromStdString(role);
        auto* form = new RoleRulesForm(backend_, name, model::defaultRule(preset, role));
        connect(form, &RoleRulesForm::changed, this, &RulesPage::updateTabs);
        forms_.push_back(form);
        // Scrolls when long errors make the form taller than the wizard.
        auto* scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(form);
        tabs_->addTab(scroll, name);
        tabs_->setTabToolTip(tabs_->count() - 1, form->summary());
    }
    updateTabs();
}

void RulesPage::updateTabs() {
    const QIcon error(QStringLiteral(":/icons/check-error.svg"));
    for (int i = 0; i < int(forms_.size()); ++i)
        tabs_->setTabIcon(i, forms_[std::size_t(i)]->hasErrors() ? error : QIcon());
    Q_EMIT completeChanged();
}

std::map<std::string, model::RuleOverrides> RulesPage::rules() const {
    std::map<std::string, model::RuleOverrides> out;
    if (builtFor_ != presetPage_.preset())
        return out;
    for (const auto* form : forms_)
        out[form->role().toStdString()] = form->overrides();
    return out;
}

RoleRulesForm* RulesPage::form(const QString& role) const {
    for (auto* f : forms_)
        if (f->role() == role)
            return f;
    return nullptr;
}

bool RulesPage::isComplete() const {
    for (const auto* form : forms_)
        if (!form->isComplete())
            return false;
    return !forms_.empty();
}

} // namespace sy::ui
