#pragma once
// The wizard's third page: one tab per role of the preset with its scale rule, prefilled with the
// preset's defaults. A tab whose rule has an error shows it in its icon, so nothing is hidden
// behind another tab.

#include "ui/backend/clusterbackend.h"

#include "core/model/nodegrouppresets.h"

#include <QWizardPage>

#include <optional>

class QTabWidget;

namespace sy::ui {

class PresetPage;
class RoleRulesForm;

class RulesPage final : public QWizardPage {
    Q_OBJECT
public:
    RulesPage(ClusterBackend& backend, const PresetPage& presetPage, QWidget* parent = nullptr);

    // Role name → the rule as edited, for model::PresetOptions::rules; empty (the preset's
    // defaults) while the forms were made for another preset.
    std::map<std::string, model::RuleOverrides> rules() const;
    RoleRulesForm* form(const QString& role) const;

    void initializePage() override;
    bool isComplete() const override;

private:
    void rebuild(model::NodeGroupPreset preset);
    void updateTabs();

    ClusterBackend& backend_;
    const PresetPage& presetPage_;
    QTabWidget* tabs_ = nullptr;
    std::vector<RoleRulesForm*> forms_;
    // The preset the forms were made for: edits survive Back and Next, a new preset starts over.
    std::optional<model::NodeGroupPreset> builtFor_;
};

} // namespace sy::ui
