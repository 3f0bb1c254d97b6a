#pragma once
// The monitoring wall: a full-screen, dark view for a screen on the operations room's wall. A
// tile per node group with its golden signals, alert tiles (FAULT nodes, capacity above 80%,
// scaling blocked) above them on every page, a header with the cluster totals, the connection
// state and a clock, and a red banner while the backend is disconnected. When there are more
// node groups than fit, it pages through them on a rotation timer. Esc closes it.
//
// Sizes are in units of 1% of the window height, so it reads the same on any screen. Show it
// with showFullScreen(); it keeps its own dark palette regardless of the system's.

#include "core/engine/groupsummary.h"

#include <QDateTime>
#include <QTimer>
#include <QWidget>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QLabel;

namespace sy::ui {

class AlertTile;
class ClusterBackend;
class GroupTile;
class WallHeader;

class MonitoringWall final : public QWidget {
    Q_OBJECT
public:
    explicit MonitoringWall(ClusterBackend& backend, QWidget* parent = nullptr);
    ~MonitoringWall() override;

    // Reads the backend's latest snapshot. Called on every (coalesced) snapshotChanged.
    void refresh();

    int pageCount() const { return pageCount_; }
    int currentPage() const { return currentPage_; } // zero-based
    int tilesPerPage() const { return tilesPerPage_; }
    // How long each page stays up when there are several (default 10 s).
    void setRotationInterval(int ms);
    int rotationInterval() const { return rotation_.interval(); }
    // Shows the next page now (wrapping round) and restarts the rotation timer.
    void nextPage();

Q_SIGNALS:
    // The wall was closed (Esc, or its window was closed).
    void closed();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void onConnectionChanged(bool connected, const QString& detail);
    void updateGroupTiles(const std::vector<engine::GroupSummary>& summaries);
    void relayout();
    double placeHeader(double unit);
    double placeAlerts(double top, double unit);
    void placeGroups(const QRectF& area, double unit);

    ClusterBackend& backend_;
    WallHeader* header_ = nullptr;
    QLabel* banner_ = nullptr;
    QLabel* empty_ = nullptr;
    std::map<std::string, GroupTile*> tiles_; // by node group
    std::vector<GroupTile*> order_;           // alerting groups first, then by name
    std::vector<engine::Alert> alerts_;       // warnings and critical ones, most severe first
    std::vector<AlertTile*> alertTiles_;
    std::optional<QDateTime> disconnectedSince_;
    QTimer rotation_;
    QTimer clock_;
    int pageCount_ = 1;
    int currentPage_ = 0;
    int tilesPerPage_ = 1;
};

} // namespace sy::ui
