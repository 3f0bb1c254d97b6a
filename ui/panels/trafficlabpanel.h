#pragma once
// The Traffic lab page: start N test publishers and M viewers on a node group through the real
// routing (ffmpeg on LOCAL groups, synthetic load on SIMULATED ones) and watch the cluster scale.

#include "ui/panels/panel.h"
#include "ui/panels/trafficlab.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace sy::ui {

class ClusterBackend;
class MessageBar;

class TrafficLabPanel final : public Panel {
    Q_OBJECT
public:
    TrafficLabPanel(ClusterBackend& backend, api::ClusterHost* host, QWidget* parent = nullptr);

    QString title() const override { return tr("Traffic Lab"); }
    QIcon icon() const override { return QIcon(QStringLiteral(":/icons/lab.svg")); }
    QString toolTip() const override {
        return tr("Start test publishers and viewers through the real routing");
    }

    TrafficLab& lab() { return lab_; }
    // The same as the Start button, for tests and scripts.
    bool startLab(const QString& nodeGroup, int publishers, int viewers);

private:
    void refreshGroups();
    void showClients();

    ClusterBackend& backend_;
    TrafficLab lab_;
    QComboBox* group_;
    QSpinBox* publishers_;
    QSpinBox* viewers_;
    QPushButton* start_;
    QPushButton* stop_;
    QLabel* summary_;
    MessageBar* message_;
    QTableWidget* clients_;
};

} // namespace sy::ui
