#include "ui/wall/signalformat.h"

#include <QLocale>

#include <cmath>

namespace sy::ui {

namespace {

// Three significant digits: 1.25, 12.5, 125.
QString threeDigits(double v) {
    const int decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    QString s = QString::number(v, 'f', decimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}

} // namespace

QString formatBandwidth(double kbps) {
    if (!std::isfinite(kbps) || kbps < 0)
        kbps = 0;
    if (kbps < 1000)
        return QStringLiteral("%1 kbit/s").arg(std::round(kbps));
    if (kbps < 1e6)
        return QStringLiteral("%1 Mbit/s").arg(threeDigits(kbps / 1e3));
    if (kbps < 1e9)
        return QStringLiteral("%1 Gbit/s").arg(threeDigits(kbps / 1e6));
    return QStringLiteral("%1 Tbit/s").arg(threeDigits(kbps / 1e9));
}

QString formatClientCount(std::int64_t n) {
    if (n < 1'000'000 && n > -1'000'000)
        return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
    return QStringLiteral("%1M").arg(threeDigits(static_cast<double>(n) / 1e6));
}

QString formatCapacity(std::optional<double> fraction) {
    if (!fraction)
        return QStringLiteral("\u2014");
    return QStringLiteral("%1%").arg(std::round(*fraction * 100.0));
}

QColor capacityColor(double fraction) {
    const auto severity = engine::capacitySeverity(fraction);
    return severityColor(severity ? severityOf(*severity) : Severity::Ok);
}

Severity severityOf(engine::AlertSeverity severity) {
    switch (severity) {
    case engine::AlertSeverity::Info:
        return Severity::Info;
    case engine::AlertSeverity::Warning:
        return Severity::Warning;
    case engine::AlertSeverity::Critical:
        return Severity::Critical;
    }
    return Severity::Info;
}

Severity groupStatus(const engine::GroupSummary& summary) {
    const auto worst = summary.worstSeverity();
    return worst ? severityOf(*worst) : Severity::Ok;
}

} // namespace sy::ui
