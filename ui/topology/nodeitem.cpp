#include "ui/topology/nodeitem.h"

#include "ui/style/statecolors.h"
#include "ui/topology/topologylayout.h"
#include "ui/topology/topologytheme.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace sy::ui {

namespace {

using M = TopologyMetrics;
const QRectF kCard(0, 0, M::kNodeWidth, M::kNodeHeight);
constexpr double kMargin = 3;      // highlight outline outside the card
constexpr double kTextLod = 0.62;  // below this an 11 px font is under 7 px: unreadable
constexpr double kBarLod = 0.16;   // below this the coarse load bar is under 2 px
constexpr double kCoarseBar = 12;  // load bar height when the card is a plain rectangle
constexpr int kTooltipStreams = 8; // streams listed in a tooltip before "and N more"

QString tr(const char* text) {
    return QCoreApplication::translate("sy::ui::NodeItem", text);
}

double metric(const engine::NodeView& node, const char* name) {
    const auto it = node.metrics.find(name);
    return it == node.metrics.end() ? 0.0 : it->second;
}

QString duration(std::int64_t ms) {
    const std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
    if (s < 120)
        return tr("%1 s").arg(s);
    if (s < 7200)
        return tr("%1 min").arg(s / 60);
    return tr("%1 h").arg(s / 3600);
}

QString shortIdOf(const QString& id) {
    constexpr int kMax = 10;
    return id.size() <= kMax ? id : id.left(kMax - 1) + QChar(0x2026);
}

} // namespace

double nodeLoad(const engine::NodeView& node) {
    if (node.limit > 0)
        return std::max(0.0, node.ranking / node.limit);
    return std::clamp(metric(node, "cpu.process.load"), 0.0, 1.0);
}

NodeLook NodeLook::of(const engine::NodeView& node) {
    NodeLook look;
    look.fill = stateColor(node.state);
    look.load = nodeLoad(node);
    look.publishers = static_cast<int>(metric(node, "connections.publisher"));
    look.viewers = static_cast<int>(metric(node, "connections.subscriber"));
    look.fault = node.state == model::NodeState::Fault;
    return look;
}

NodeItem::NodeItem(const engine::NodeView& node, const TopologyTheme* theme)
    : nodeId_(QString::fromStdString(node.nodeId))
    , shortId_(shortIdOf(nodeId_))
    , role_(QString::fromStdString(node.role))
    , view_(&node)
    , theme_(theme) {
    // Nodes take no clicks: a drag anywhere on the page pans it (ScrollHandDrag).
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(2);
    setLook(NodeLook::of(node));
}

QRectF NodeItem::boundingRect() const {
    return kCard.adjusted(-kMargin, -kMargin, kMargin, kMargin);
}

void NodeItem::setLook(const NodeLook& look) {
    if (look == look_)
        return;
    if (look.fill != look_.fill)
        tint_ = blend(theme_->background, look.fill, 0.16);
    look_ = look;
    update();
}

void NodeItem::themeChanged() {
    tint_ = blend(theme_->background, look_.fill, 0.16);
    update();
}

void NodeItem::setHighlight(Highlight highlight) {
    if (highlight == highlight_)
        return;
    highlight_ = highlight;
    // Dimming through the item's opacity: the scene applies it to every level of detail.
    setOpacity(highlight == Highlight::Dimmed ? 0.22 : 1.0);
    update();
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < kTextLod)
        paintCoarse(painter, lod);
    else
        paintDetailed(painter);
}

// A plain rectangle (and a load bar while it is visible): solid fills with no antialiasing are
// the cheapest thing a raster painter does, and the view draws 2,000 of these at "fit" zoom.
void NodeItem::paintCoarse(QPainter* painter, double lod) const {
    painter->fillRect(kCard, look_.fill);
    if (lod >= kBarLod) {
        const QRectF bar(0, M::kNodeHeight - kCoarseBar, M::kNodeWidth, kCoarseBar);
        painter->fillRect(bar, theme_->barTrack);
        painter->fillRect(
            QRectF(bar.topLeft(), QSizeF(M::kNodeWidth * std::min(1.0, look_.load), kCoarseBar)),
            loadColor(look_.load));
    }
    if (highlight_ == Highlight::OnPath) {
        QPen pen(theme_->path, 2);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        const double inset = 1 / lod; // one pixel, so the outline stays inside the card
        painter->drawRect(kCard.adjusted(inset, inset, -inset, -inset));
    }
}

void NodeItem::paintDetailed(QPainter* painter) const {
    const QRectF card = kCard.adjusted(1, 1, -1, -1);
    painter->setPen(QPen(look_.fill, 2));
    painter->setBrush(tint_);
    painter->drawRoundedRect(card, 4, 4);
    if (look_.fault) {
        // FAULT is also told apart by shape, not by red alone (colour-blind operators).
        QColor hatch = look_.fill;
        hatch.setAlpha(110);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QBrush(hatch, Qt::BDiagPattern));
        painter->drawRoundedRect(card, 4, 4);
    }

    const double inner = M::kNodeWidth - 16;
    // The role at the right, the id elided into what is left: long ids never run into it.
    painter->setFont(theme_->font);
    painter->setPen(theme_->mutedText);
    painter->drawText(QRectF(8, 4, inner, 15), Qt::AlignRight | Qt::AlignVCenter, role_);
    const double roleWidth = QFontMetricsF(theme_->font).horizontalAdvance(role_) + 6;
    painter->setFont(theme_->boldFont);
    painter->setPen(theme_->text);
    painter->drawText(QRectF(8, 4, inner - roleWidth, 15), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(theme_->boldFont)
                          .elidedText(shortId_, Qt::ElideRight, inner - roleWidth));
    painter->setPen(theme_->text);
    constexpr double kLoadWidth = 34; // "100%" and a gap
    const QString counts =
        QFontMetricsF(theme_->font).elidedText(countsText(), Qt::ElideRight, inner - kLoadWidth);
    painter->drawText(QRectF(8, 19, inner - kLoadWidth, 15), Qt::AlignLeft | Qt::AlignVCenter,
                      counts);
    painter->drawText(QRectF(8, 19, inner, 15), Qt::AlignRight | Qt::AlignVCenter,
                      QStringLiteral("%1%").arg(qRound(look_.load * 100)));
    paintLoadBar(painter, QRectF(8, M::kNodeHeight - 14, inner, 6));

    if (highlight_ == Highlight::OnPath) {
        painter->setPen(QPen(theme_->path, 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(kCard.adjusted(-1.5, -1.5, 1.5, 1.5), 5, 5);
    }
}

// Publishers where a node has some, viewers where it has some (or nothing else to say):
// an origin reads "3 pub", an edge "120 view", an all-in-one node both.
QString NodeItem::countsText() const {
    QStringList parts;
    if (look_.publishers > 0)
        parts << tr("%1 pub").arg(look_.publishers);
    if (look_.viewers > 0 || look_.publishers == 0)
        parts << tr("%1 view").arg(look_.viewers);
    return parts.join(QStringLiteral(" · "));
}

void NodeItem::paintLoadBar(QPainter* painter, const QRectF& bar) const {
    painter->setPen(Qt::NoPen);
    painter->setBrush(theme_->barTrack);
    painter->drawRoundedRect(bar, 3, 3);
    const double filled = std::min(1.0, look_.load);
    if (filled <= 0)
        return;
    painter->setBrush(loadColor(look_.load));
    painter->drawRoundedRect(QRectF(bar.topLeft(), QSizeF(bar.width() * filled, bar.height())), 3,
                             3);
}

QString NodeItem::toolTipText(std::int64_t nowMs) const {
    if (!view_)
        return {};
    const engine::NodeView& n = *view_;
    auto esc = [](const std::string& s) {
        return QString::fromStdString(s).toHtmlEscaped();
    };
    QString text = QStringLiteral("<b>%1</b><br>").arg(nodeId_.toHtmlEscaped());
    text += tr("%1 in %2 (%3)").arg(esc(n.role), esc(n.subGroup), esc(n.nodeGroup));
    text += QStringLiteral("<br>") +
            tr("State: %1 for %2").arg(stateLabel(n.state), duration(nowMs - n.stateSinceMs));
    if (!n.faultReason.empty())
        text += QStringLiteral("<br>") + tr("Fault: %1").arg(esc(n.faultReason));
    if (!n.endpoint.address.empty())
        text +=
            QStringLiteral("<br>") +
            tr("Address: %1, RTMP port %2").arg(esc(n.endpoint.address)).arg(n.endpoint.rtmpPort);
    text += QStringLiteral("<br>") + tr("Publishers %1 · viewers %2 · load %3%")
                                         .arg(look_.publishers)
                                         .arg(look_.viewers)
                                         .arg(qRound(look_.load * 100));
    if (!n.parents.empty()) {
        QStringList parents;
        for (const auto& p : n.parents)
            parents << esc(p);
        text += QStringLiteral("<br>") + tr("Parents: %1").arg(parents.join(QStringLiteral(", ")));
    }
    text += QStringLiteral("<br>") + tr("Streams: %1").arg(n.streams.size());
    const int listed = std::min<int>(kTooltipStreams, static_cast<int>(n.streams.size()));
    for (int i = 0; i < listed; ++i) {
        const auto& s = n.streams[static_cast<std::size_t>(i)];
        text += QStringLiteral("<br>&nbsp;&nbsp;") +
                (s.publishing ? tr("%1 (published here, %2 viewers)") : tr("%1 (%2 viewers)"))
                    .arg(esc(s.guid))
                    .arg(s.viewers);
    }
    if (static_cast<int>(n.streams.size()) > listed)
        text += QStringLiteral("<br>&nbsp;&nbsp;") +
                tr("and %1 more").arg(static_cast<int>(n.streams.size()) - listed);
    return text;
}

} // namespace sy::ui
