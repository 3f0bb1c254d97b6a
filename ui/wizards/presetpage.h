#pragma once
// The wizard's first page: the shape of the cluster (one of the core's presets, as cards), the
// node group's name, checked live against the core's name rule, and where its nodes run.

#include "core/model/nodegrouppresets.h"

#include <QWizardPage>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace sy::ui {

class PresetPage final : public QWizardPage {
    Q_OBJECT
public:
    explicit PresetPage(QString suggestedName, QWidget* parent = nullptr);

    model::NodeGroupPreset preset() const;
    void setPreset(model::NodeGroupPreset preset);
    QString name() const;
    QString cloudPlatform() const;
    // Stream access and HLS as chosen (absent when left at "open" / off).
    std::optional<model::StreamAccess> streamAccess() const;
    std::optional<model::HlsSettings> hls() const;

    bool isComplete() const override;

Q_SIGNALS:
    void presetChanged(sy::model::NodeGroupPreset preset);

private:
    QWidget* makeCards();
    QWidget* makeCard(model::NodeGroupPreset preset, const QString& title,
                      const QString& explanation);
    void checkName();

    QButtonGroup* presets_ = nullptr;
    QLineEdit* name_ = nullptr;
    QLabel* nameError_ = nullptr;
    QComboBox* platform_ = nullptr;
    QComboBox* access_ = nullptr;
    QCheckBox* hls_ = nullptr;
};

} // namespace sy::ui
