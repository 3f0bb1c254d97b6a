// Console models under QAbstractItemModelTester, fed with snapshots as the backends produce them.

#include "ui/models/eventtablemodel.h"
#include "ui/models/nodetablemodel.h"
#include "ui/models/streamtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sy;
using ui::NodeTableModel;

namespace {

engine::NodeView node(const std::string& group, const std::string& id, model::NodeState state,
                      double viewers = 0) {
    engine::NodeView n;
    n.nodeGroup = group;
    n.nodeId = id;
    n.subGroup = "eu";
    n.role = "edge";
    n.state = state;
    n.metrics["connections.subscriber"] = viewers;
    n.metrics["cpu.process.load"] = viewers / 250;
    n.endpoint.address = "127.0.0.1";
    n.endpoint.rtmpPort = 19350;
    return n;
}

engine::ClusterSnapshot snapshot(std::vector<engine::NodeView> nodes) {
    engine::ClusterSnapshot s;
    for (auto& n : nodes)
        s.groups[n.nodeGroup].nodes.push_back(std::move(n));
    return s;
}

QStringList column(const NodeTableModel& m, int c) {
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, c).data().toString();
    return out;
}

} // namespace

class TestUiModels : public QObject {
    Q_OBJECT
private slots:
    void nodeTableMergesSnapshotsInPlace();
    void nodeTableCellsAndRoles();
    void nodeTableRecordsLoadHistory();
    void streamTableAggregatesOverNodes();
    void eventTableNewestFirstCappedAndCategorised();
};

void TestUiModels::nodeTableMergesSnapshotsInPlace() {
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    using model::NodeState;
    model.setSnapshot(
        snapshot({node("b", "n3", NodeState::InService), node("a", "n2", NodeState::Started),
                  node("a", "n1", NodeState::InService)}));
    QCOMPARE(column(model, NodeTableModel::NodeId),
             (QStringList{QStringLiteral("n1"), QStringLiteral("n2"), QStringLiteral("n3")}));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    // n2 goes INSERVICE, n1 is gone, n0 and n4 are new; n3 is unchanged.
    model.setSnapshot(
        snapshot({node("a", "n0", NodeState::Requested), node("a", "n2", NodeState::InService),
                  node("b", "n3", NodeState::InService), node("b", "n4", NodeState::Created)}));
    QCOMPARE(column(model, NodeTableModel::NodeId),
             (QStringList{QStringLiteral("n0"), QStringLiteral("n2"), QStringLiteral("n3"),
                          QStringLiteral("n4")}));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(changed.count(), 1); // only n2's row: n3 did not change
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(model.index(1, NodeTableModel::State).data().toString(), QStringLiteral("INSERVICE"));

    model.setSnapshot(engine::ClusterSnapshot{});
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::nodeTableCellsAndRoles() {
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto n = node("a", "n1", model::NodeState::Fault, 125);
    n.faultReason = "silent for 60 s";
    model.setSnapshot(snapshot({n}));
    QCOMPARE(model.index(0, NodeTableModel::Viewers).data().toLongLong(), 125);
    QCOMPARE(model.index(0, NodeTableModel::Cpu).data().toString(), QStringLiteral("50%"));
    QCOMPARE(model.index(0, NodeTableModel::Cpu).data(NodeTableModel::SortRole).toDouble(), 0.5);
    QCOMPARE(model.index(0, NodeTableModel::State).data(Qt::ToolTipRole).toString(),
             QStringLiteral("silent for 60 s"));
    QCOMPARE(model.index(0, 0).data(NodeTableModel::StateRole).toInt(),
             int(model::NodeState::Fault));
    QCOMPARE(model.index(0, NodeTableModel::Address).data().toString(),
             QStringLiteral("127.0.0.1:19350"));
    QCOMPARE(model.headerData(NodeTableModel::Viewers, Qt::Horizontal).toString(),
             QStringLiteral("Viewers"));
}

void TestUiModels::nodeTableRecordsLoadHistory() {
    NodeTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int t = 1; t <= NodeTableModel::kHistoryLength + 5; ++t) {
        auto n = node("a", "n1", model::NodeState::InService, t);
        n.ranking = t;
        n.limit = 100;
        auto s = snapshot({n});
        s.timeMs = t * 1000;
        model.setSnapshot(s);
        model.setSnapshot(s); // the same moment again adds nothing
    }
    const auto history = model.index(0, NodeTableModel::Load)
                             .data(NodeTableModel::HistoryRole)
                             .value<QList<double>>();
    QCOMPARE(history.size(), NodeTableModel::kHistoryLength); // capped, oldest dropped
    QCOMPARE(history.back(), (NodeTableModel::kHistoryLength + 5) / 100.0);
    QCOMPARE(history.front(), 6 / 100.0);
    model.setSnapshot(engine::ClusterSnapshot{}); // the node leaves with its history
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::streamTableAggregatesOverNodes() {
    ui::StreamTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto origin = node("g", "o1", model::NodeState::InService);
    origin.streams = {{"live/a", true, 0, 2500, 61000}, {"live/b", true, 0, 800, 5000}};
    auto edge1 = node("g", "e1", model::NodeState::InService);
    edge1.streams = {{"live/a", false, 40, 2500, 60000}};
    auto edge2 = node("g", "e2", model::NodeState::InService);
    edge2.streams = {{"live/a", false, 2, 2500, 60000}, {"live/b", false, 7, 800, 4000}};
    model.setSnapshot(snapshot({origin, edge1, edge2}));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, ui::StreamTableModel::Stream).data().toString(),
             QStringLiteral("live/a"));
    QCOMPARE(model.index(0, ui::StreamTableModel::Origin).data().toString(), QStringLiteral("o1"));
    QCOMPARE(model.index(0, ui::StreamTableModel::Nodes).data().toInt(), 3);
    QCOMPARE(model.index(0, ui::StreamTableModel::Viewers).data().toLongLong(), 42);
    QCOMPARE(model.index(0, ui::StreamTableModel::Bitrate).data().toString(),
             QStringLiteral("2.5 Mb/s"));
    QCOMPARE(model.index(0, ui::StreamTableModel::Uptime).data().toString(),
             QStringLiteral("1 min 01 s"));
    QCOMPARE(model.index(1, ui::StreamTableModel::Viewers).data().toLongLong(), 7);

    // live/b stops; live/a gains a viewer: one removal, one change, no reset.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    origin.streams.pop_back();
    edge2.streams = {{"live/a", false, 3, 2500, 61000}};
    model.setSnapshot(snapshot({origin, edge1, edge2}));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.index(0, ui::StreamTableModel::Viewers).data().toLongLong(), 43);
}

void TestUiModels::eventTableNewestFirstCappedAndCategorised() {
    ui::EventTableModel model(3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto event = [](std::uint64_t seq, engine::EventKind kind, nlohmann::json details) {
        engine::Event e;
        e.sequence = seq;
        e.timeMs = 1000 * static_cast<std::int64_t>(seq);
        e.kind = kind;
        e.nodeGroup = "g";
        e.message = "event " + std::to_string(seq);
        e.details = std::move(details);
        return e;
    };
    using K = engine::EventKind;
    model.addEvents({event(1, K::ScalingDecision, {{"action", "out"}}),
                     event(2, K::NodeStateChanged, {{"from", "INSERVICE"}, {"to", "FAULT"}})});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, ui::EventTableModel::Message).data().toString(),
             QStringLiteral("event 2")); // newest first
    QCOMPARE(model.index(0, 0).data(ui::EventTableModel::CategoryRole).toInt(),
             int(ui::EventCategory::Fault));
    QCOMPARE(model.index(1, 0).data(ui::EventTableModel::CategoryRole).toInt(),
             int(ui::EventCategory::Scaling));
    model.addApiError(QStringLiteral("g"), QStringLiteral("Drain node x: no node 'x'"), 3000);
    QCOMPARE(model.index(0, 0).data(ui::EventTableModel::CategoryRole).toInt(),
             int(ui::EventCategory::ApiError));
    model.addEvents({event(4, K::NodeStateChanged, {{"from", "STARTED"}, {"to", "INSERVICE"}})});
    QCOMPARE(model.rowCount(), 3); // capped: the oldest went
    QCOMPARE(model.index(2, ui::EventTableModel::Message).data().toString(),
             QStringLiteral("event 2"));
    QCOMPARE(model.index(0, 0).data(ui::EventTableModel::CategoryRole).toInt(),
             int(ui::EventCategory::NodeState));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestUiModels)
#include "tst_uimodels.moc"
