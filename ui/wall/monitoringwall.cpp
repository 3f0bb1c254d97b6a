#include "ui/wall/monitoringwall.h"

#include "ui/backend/clusterbackend.h"
#include "ui/wall/alerttile.h"
#include "ui/wall/grouptile.h"
#include "ui/wall/signalformat.h"
#include "ui/wall/wallheader.h"
#include "ui/wall/walltheme.h"

#include <QKeyEvent>
#include <QLabel>

#include <algorithm>
#include <cmath>

namespace sy::ui {

namespace wt = walltheme;

namespace {

// In units of 1% of the window height.
constexpr double kMargin = 1.6;
constexpr double kGap = 1.2;
constexpr double kHeader = 10.0;
constexpr double kBanner = 5.0;
constexpr double kAlertBand = 12.0;
constexpr double kMinAlertWidth = 40.0;
constexpr int kMaxAlertTiles = 3;
// A group tile is never smaller than this, so its numbers stay readable; nor larger than the
// maximum, so one or two groups do not become billboards.
constexpr double kMinTileW = 40.0;
constexpr double kMinTileH = 24.0;
constexpr double kMaxTileW = 72.0;
constexpr double kMaxTileH = 44.0;
constexpr double kTileAspect = 1.6; // width / height the grid aims for

int rank(const engine::GroupSummary& s) {
    const auto worst = s.worstSeverity();
    // Paused alone (info) is a choice, not a problem: it keeps its place in name order.
    return worst && *worst != engine::AlertSeverity::Info ? static_cast<int>(*worst) : -1;
}

} // namespace

MonitoringWall::MonitoringWall(ClusterBackend& backend, QWidget* parent)
    : QWidget(parent)
    , backend_(backend) {
    setObjectName(QStringLiteral("monitoringWall"));
    setWindowTitle(tr("Switchyard \u2014 Monitoring wall"));
    setPalette(wt::palette());
    setAutoFillBackground(true);
    setFocusPolicy(Qt::StrongFocus);

    header_ = new WallHeader(this);
    header_->setSource(backend_.description());
    banner_ = new QLabel(this);
    banner_->setObjectName(QStringLiteral("disconnectedBanner"));
    banner_->setAlignment(Qt::AlignCenter);
    banner_->setAutoFillBackground(true);
    QPalette bp = banner_->palette();
    bp.setColor(QPalette::Window, severityColor(Severity::Critical));
    bp.setColor(QPalette::WindowText, Qt::white);
    banner_->setPalette(bp);
    banner_->hide();
    empty_ = new QLabel(tr("No node groups yet"), this);
    empty_->setObjectName(QStringLiteral("wallEmpty"));
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setForegroundRole(QPalette::PlaceholderText);
    empty_->hide();

    rotation_.setInterval(10'000);
    connect(&rotation_, &QTimer::timeout, this, &MonitoringWall::nextPage);
    clock_.setInterval(1000);
    connect(&clock_, &QTimer::timeout, this,
            [this] { header_->setNow(QDateTime::currentDateTime()); });
    clock_.start();

    connect(&backend_, &ClusterBackend::snapshotChanged, this, &MonitoringWall::refresh);
    connect(&backend_, &ClusterBackend::connectionChanged, this,
            &MonitoringWall::onConnectionChanged);
    resize(1280, 720);
    refresh();
}

MonitoringWall::~MonitoringWall() = default;

void MonitoringWall::refresh() {
    const auto summaries = engine::summarize(*backend_.snapshot());
    const auto total = engine::clusterTotal(summaries);
    header_->setTotals(total, static_cast<int>(summaries.size()));
    alerts_.clear();
    for (const auto& a : total.alerts)
        if (a.severity != engine::AlertSeverity::Info)
            alerts_.push_back(a);
    updateGroupTiles(summaries);
    relayout();
}

void MonitoringWall::updateGroupTiles(const std::vector<engine::GroupSummary>& summaries) {
    std::map<std::string, GroupTile*> next;
    for (const auto& s : summaries) {
        GroupTile* tile = nullptr;
        if (auto it = tiles_.find(s.nodeGroup); it != tiles_.end()) {
            tile = it->second;
            tiles_.erase(it);
        } else {
            tile = new GroupTile(this);
        }
        tile->setSummary(s);
        next[s.nodeGroup] = tile;
    }
    for (auto& [name, tile] : tiles_)
        delete tile;
    tiles_ = std::move(next);
    order_.clear();
    for (auto& [name, tile] : tiles_)
        order_.push_back(tile);
    std::stable_sort(order_.begin(), order_.end(), [](const GroupTile* a, const GroupTile* b) {
        return rank(a->summary()) > rank(b->summary());
    });
}

void MonitoringWall::setRotationInterval(int ms) {
    rotation_.setInterval(ms);
}

void MonitoringWall::nextPage() {
    currentPage_ = pageCount_ > 1 ? (currentPage_ + 1) % pageCount_ : 0;
    if (rotation_.isActive())
        rotation_.start(); // a page shown by hand gets its full time too
    relayout();
}

void MonitoringWall::onConnectionChanged(bool connected, const QString& detail) {
    header_->setConnected(connected);
    if (connected) {
        disconnectedSince_.reset();
        banner_->hide();
        empty_ = new QLabel(tr("No node groups yet"), this);
        empty_->setObjectName(QStringLiteral("wallEmpty"));
        empty_->setAlignment(Qt::AlignCenter);
        empty_->setForegroundRole(QPalette::PlaceholderText);
        empty_->hide();
    } else {
        if (!disconnectedSince_)
            disconnectedSince_ = QDateTime::currentDateTime();
        QString text = tr("DISCONNECTED since %1")
                           .arg(disconnectedSince_->time().toString(QStringLiteral("HH:mm:ss")));
        if (!detail.isEmpty())
            text += QStringLiteral(" \u2014 ") + detail;
        banner_->setText(text);
        banner_->show();
    }
    relayout();
}

void MonitoringWall::relayout() {
    const double u = height() / 100.0;
    double top = placeHeader(u);
    top = placeAlerts(top, u);
    const double m = kMargin * u;
    placeGroups(QRectF(m, top, width() - 2 * m, height() - m - top), u);
    header_->setPage(currentPage_, pageCount_);
    if (pageCount_ > 1 && !rotation_.isActive())
        rotation_.start();
    else if (pageCount_ <= 1)
        rotation_.stop();
}

// Places the header and, while disconnected, the banner; returns where the body starts.
double MonitoringWall::placeHeader(double u) {
    const double m = kMargin * u;
    header_->setUnit(u);
    header_->setGeometry(QRectF(m, m, width() - 2 * m, kHeader * u).toRect());
    double top = m + kHeader * u + kGap * u;
    if (banner_->isVisibleTo(this)) {
        banner_->setFont(wt::font(2.6 * u, true));
        banner_->setGeometry(QRectF(m, top, width() - 2 * m, kBanner * u).toRect());
        top += (kBanner + kGap) * u;
    }
    return top;
}

// Alert tiles across the top of the body, at most three; the last one counts the rest.
double MonitoringWall::placeAlerts(double top, double u) {
    const double m = kMargin * u;
    const double width = this->width() - 2 * m;
    const int fit = std::clamp(static_cast<int>((width + kGap * u) / ((kMinAlertWidth + kGap) * u)),
                               1, kMaxAlertTiles);
    const int shown = std::min(static_cast<int>(alerts_.size()), fit);
    while (static_cast<int>(alertTiles_.size()) > shown) {
        delete alertTiles_.back();
        alertTiles_.pop_back();
    }
    while (static_cast<int>(alertTiles_.size()) < shown) {
        alertTiles_.push_back(new AlertTile(this));
        alertTiles_.back()->show();
    }
    if (shown == 0)
        return top;
    const double w = (width - (shown - 1) * kGap * u) / shown;
    for (int i = 0; i < shown; ++i) {
        const int more = i == shown - 1 ? static_cast<int>(alerts_.size()) - shown : 0;
        auto* tile = alertTiles_[static_cast<std::size_t>(i)];
        tile->setAlert(alerts_[static_cast<std::size_t>(i)], more);
        tile->setUnit(u);
        tile->setGeometry(QRectF(m + i * (w + kGap * u), top, w, kAlertBand * u).toRect());
    }
    return top + (kAlertBand + kGap) * u;
}

void MonitoringWall::placeGroups(const QRectF& area, double u) {
    const double gap = kGap * u;
    const int maxCols = std::max(1, static_cast<int>((area.width() + gap) / (kMinTileW * u + gap)));
    const int maxRows =
        std::max(1, static_cast<int>((area.height() + gap) / (kMinTileH * u + gap)));
    tilesPerPage_ = maxCols * maxRows;
    const int n = static_cast<int>(order_.size());
    pageCount_ = std::max(1, (n + tilesPerPage_ - 1) / tilesPerPage_);
    currentPage_ = std::min(currentPage_, pageCount_ - 1);
    const int first = currentPage_ * tilesPerPage_;
    const int onPage = std::min(tilesPerPage_, n - first);
    empty_->setVisible(n == 0);
    if (n == 0) {
        empty_->setFont(wt::font(3.0 * u, true));
        empty_->setGeometry(area.toRect());
    }

    // The grid shape whose cells come closest to the aimed-for aspect ratio, for a full page:
    // every page uses the same cells, so tiles keep their size and place as pages turn.
    const int cells = std::min(n, tilesPerPage_);
    int cols = std::min(maxCols, std::max(1, cells));
    int rows = (cells + cols - 1) / std::max(1, cols);
    double best = 1e9;
    for (int r = 1; r <= maxRows && cells > 0; ++r) {
        const int c = (cells + r - 1) / r;
        if (c > maxCols)
            continue;
        const double aspect =
            ((area.width() - (c - 1) * gap) / c) / ((area.height() - (r - 1) * gap) / r);
        const double off = std::abs(std::log(aspect / kTileAspect));
        if (off < best) {
            best = off;
            rows = r;
            cols = c;
        }
    }
    const double w = std::min((area.width() - (cols - 1) * gap) / cols, kMaxTileW * u);
    const double h = std::min((area.height() - (rows - 1) * gap) / rows, kMaxTileH * u);
    const double left = area.left() + (area.width() - (cols * w + (cols - 1) * gap)) / 2;
    const double top = area.top() + (area.height() - (rows * h + (rows - 1) * gap)) / 2;
    for (int i = 0; i < n; ++i) {
        GroupTile* tile = order_[static_cast<std::size_t>(i)];
        const int k = i - first;
        if (k < 0 || k >= onPage) {
            tile->hide();
            continue;
        }
        tile->setUnit(u);
        tile->setGeometry(
            QRectF(left + (k % cols) * (w + gap), top + (k / cols) * (h + gap), w, h).toRect());
        tile->show();
    }
}

void MonitoringWall::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

void MonitoringWall::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape) {
        close();
        return;
    }
    if (event->key() == Qt::Key_Right || event->key() == Qt::Key_Space) {
        nextPage();
        return;
    }
    QWidget::keyPressEvent(event);
}

void MonitoringWall::closeEvent(QCloseEvent* event) {
    QWidget::closeEvent(event);
    Q_EMIT closed();
}

} // namespace sy::ui
