#pragma once
// The wizard's second page: the regions (sub-groups) of the node group, an editable list checked
// by the core's preset rules (names, duplicates, at least two for a multi-region cluster).

#include "core/model/nodegrouppresets.h"

#include <QWizardPage>

#include <optional>

class QLabel;
class QListWidget;
class QPushButton;

namespace sy::ui {

class PresetPage;

class RegionsPage final : public QWizardPage {
    Q_OBJECT
public:
    explicit RegionsPage(const PresetPage& presetPage, QWidget* parent = nullptr);

    // The list as edited, or the preset's regions while the list was filled for another preset.
    std::vector<std::string> regions() const;
    void setRegions(const std::vector<std::string>& regions);

    void initializePage() override;
    bool isComplete() const override;

private:
    void addRegion();
    void removeRegion();
    model::Problems problems() const;
    void check();

    const PresetPage& presetPage_;
    QListWidget* list_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLabel* hint_ = nullptr;
    QLabel* error_ = nullptr;
    // The preset the list was filled for: another preset starts from its own regions.
    std::optional<model::NodeGroupPreset> filledFor_;
};

} // namespace sy::ui
