// Console models under QAbstractItemModelTester, fed with snapshots as the backends produce them.

#include "ui/models/nodetablemodel.h"

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

QTEST_GUILESS_MAIN(TestUiModels)
#include "tst_uimodels.moc"
