#pragma once
// Asks for a SubGroup x Role of one node group and its new node count. Only MANUAL roles
// accept a count (the core refuses the others with a message that says so); the dialog marks
// them and starts on the first MANUAL one.

#include "core/model/nodegroup.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;

namespace sy::ui {

class ManualScaleDialog final : public QDialog {
    Q_OBJECT
public:
    // `counts`: current nodes per "subGroup/role", to prefill the count.
    ManualScaleDialog(const model::NodeGroupConfig& group, std::map<std::string, int> counts,
                      QWidget* parent = nullptr);

    QString subGroup() const;
    QString role() const;
    int nodeCount() const;

private:
    void choiceChanged();

    std::map<std::string, int> counts_;
    const model::NodeGroupConfig group_;
    QComboBox* target_;
    QSpinBox* count_;
    QLabel* note_;
};

} // namespace sy::ui
