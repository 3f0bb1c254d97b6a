#include "ui/style/statecolors.h"

#include <QCoreApplication>

namespace sy::ui {

QColor stateColor(model::NodeState state) {
    using S = model::NodeState;
    switch (state) {
    case S::Requested:
    case S::Creating:
    case S::Created:
        return QColor(0x7f, 0x8c, 0x9d); // grey-blue: on its way
    case S::Started:
        return QColor(0x3b, 0x82, 0xf6); // blue: up, not yet serving
    case S::InService:
        return QColor(0x22, 0xa0, 0x5a); // green
    case S::SoftSunset:
    case S::HardSunset:
        return QColor(0xe0, 0x9b, 0x1a); // amber: draining
    case S::DestructionRequested:
    case S::Destroying:
        return QColor(0x8e, 0x5c, 0xc9); // violet: going away
    case S::Fault:
        return QColor(0xd9, 0x36, 0x36); // red
    }
    return Qt::gray;
}

QColor severityColor(Severity severity) {
    switch (severity) {
    case Severity::Ok:
        return QColor(0x22, 0xa0, 0x5a);
    case Severity::Info:
        return QColor(0x3b, 0x82, 0xf6);
    case Severity::Warning:
        return QColor(0xe0, 0x9b, 0x1a);
    case Severity::Critical:
        return QColor(0xd9, 0x36, 0x36);
    }
    return Qt::gray;
}

QString stateLabel(model::NodeState state) {
    using S = model::NodeState;
    switch (state) {
    case S::Requested:
        return QCoreApplication::translate("sy::ui", "Requested");
    case S::Creating:
        return QCoreApplication::translate("sy::ui", "Creating");
    case S::Created:
        return QCoreApplication::translate("sy::ui", "Created");
    case S::Started:
        return QCoreApplication::translate("sy::ui", "Started");
    case S::InService:
        return QCoreApplication::translate("sy::ui", "In service");
    case S::SoftSunset:
        return QCoreApplication::translate("sy::ui", "Draining");
    case S::HardSunset:
        return QCoreApplication::translate("sy::ui", "Sunset");
    case S::DestructionRequested:
        return QCoreApplication::translate("sy::ui", "Destroy requested");
    case S::Destroying:
        return QCoreApplication::translate("sy::ui", "Destroying");
    case S::Fault:
        return QCoreApplication::translate("sy::ui", "Fault");
    }
    return {};
}

QColor loadColor(double fraction) {
    if (fraction >= 0.8)
        return severityColor(Severity::Critical);
    if (fraction >= 0.6)
        return severityColor(Severity::Warning);
    return severityColor(Severity::Ok);
}

} // namespace sy::ui
