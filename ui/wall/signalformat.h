#pragma once
// Golden signals as people read them, shared by the Overview page and the monitoring wall so
// both say "1.2 Gbit/s" for the same number.

#include "core/engine/groupsummary.h"
#include "ui/style/statecolors.h"

#include <QColor>
#include <QString>

#include <cstdint>
#include <optional>

namespace sy::ui {

// kbit/s (the unit nodes report network.ingress/egress in) → "850 kbit/s", "12.5 Mbit/s",
// "1.25 Gbit/s": three significant digits at most.
QString formatBandwidth(double kbps);
// 1234 → "1,234"; from a million on "1.23M", so a number never outgrows its tile.
QString formatClientCount(std::int64_t n);
// 0.723 → "72%"; unset → "—" (no node has a capacity limit).
QString formatCapacity(std::optional<double> fraction);

// Green up to the capacity warning threshold, then the colour of the alert it raises.
QColor capacityColor(double fraction);

Severity severityOf(engine::AlertSeverity severity);
// The colour of a group's status edge: its most severe alert, Ok without any.
Severity groupStatus(const engine::GroupSummary& summary);

} // namespace sy::ui
