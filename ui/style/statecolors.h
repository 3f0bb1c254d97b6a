#pragma once
// The one colour scheme of node states and alert levels, shared by the tables, the topology, the
// charts and the monitoring wall, so that "red" means the same thing on every page. Colours
// are chosen to stay distinguishable on light and dark palettes and for red-green colour
// blindness (FAULT is red and also the only state drawn with a cross-hatch where shapes allow).

#include "core/model/enums.h"

#include <QColor>
#include <QString>

namespace sy::ui {

enum class Severity { Ok, Info, Warning, Critical };

QColor stateColor(model::NodeState state);
QColor severityColor(Severity severity);
// "In service", "Fault"…: for people, where the wire name (INSERVICE) would be cryptic.
QString stateLabel(model::NodeState state);
// A fill level 0..1 of a load bar: green, then amber from 0.6, red from 0.8.
QColor loadColor(double fraction);

} // namespace sy::ui
