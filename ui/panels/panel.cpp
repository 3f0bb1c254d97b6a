#include "ui/panels/panel.h"

#include "ui/backend/clusterbackend.h"

namespace sy::ui {

void Panel::refreshOnSnapshots(ClusterBackend& backend) {
    connect(&backend, &ClusterBackend::snapshotChanged, this, [this] {
        if (isVisible()) {
            refresh();
            return;
        }
        stale_ = true;
        whileHidden();
    });
}

void Panel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) {
        stale_ = false;
        refresh();
    }
}

} // namespace sy::ui
