// EmbeddedBackend over a real ControlCore with SIMULATED nodes: commands complete through their
// callback on the GUI thread with the core's error message, snapshots are announced when they
// change, and core events reach the GUI thread in batches, in order.

#include "ui/backend/embeddedbackend.h"

#include "tests/support/testgroups.h"

#include "core/model/nodegroupcodec.h"
#include "core/providers/simulatedprovider.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace sy;

namespace {

model::NodeGroupConfig groupConfig(const std::string& name, int edges) {
    test::OriginEdgeOptions o;
    o.edgeMin = edges;
    return test::originEdgeGroup(name, o);
}

int inService(const engine::ClusterSnapshot& s, const std::string& group) {
    const auto* g = s.group(group);
    int n = 0;
    if (g)
        for (const auto& node : g->nodes)
            n += node.state == model::NodeState::InService;
    return n;
}

} // namespace

class TestEmbeddedBackend : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void commandsCompleteOnTheGuiThread();
    void refusedCommandCarriesTheCoreMessage();
    void expressionsAreCheckedWhereTheClusterLives_data();
    void expressionsAreCheckedWhereTheClusterLives();
    void eventsArriveInOrderOnTheGuiThread();

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
};

void TestEmbeddedBackend::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    backend_ = test::simulatedBackend(dir_->path());
}

void TestEmbeddedBackend::cleanup() {
    backend_.reset();
    dir_.reset();
}

void TestEmbeddedBackend::commandsCompleteOnTheGuiThread() {
    QSignalSpy snapshots(backend_.get(), &ui::ClusterBackend::snapshotChanged);
    bool completed = false;
    bool onGuiThread = false;
    backend_->createNodeGroup(groupConfig("ng1", 2), [&](Result<void> r) {
        QVERIFY(r.ok());
        completed = true;
        onGuiThread = QThread::currentThread() == qApp->thread();
    });
    QTRY_VERIFY(completed);
    QVERIFY(onGuiThread);
    // The group is in the snapshot by the time the command has completed.
    QVERIFY(backend_->snapshot()->group("ng1") != nullptr);
    QTRY_COMPARE(inService(*backend_->snapshot(), "ng1"), 3);
    QVERIFY(snapshots.count() >= 1);
    QVERIFY(backend_->description().startsWith(QStringLiteral("embedded: ")));
}

void TestEmbeddedBackend::refusedCommandCarriesTheCoreMessage() {
    std::optional<Result<void>> first;
    backend_->createNodeGroup(groupConfig("ng1", 0), [&](Result<void> r) { first = r; });
    QTRY_VERIFY(first.has_value());
    std::optional<Result<void>> second;
    backend_->createNodeGroup(groupConfig("ng1", 0), [&](Result<void> r) { second = r; });
    QTRY_VERIFY(second.has_value());
    QVERIFY(!second->ok());
    QCOMPARE(second->error().code, std::string("exists"));
    QVERIFY(second->error().message.find("ng1") != std::string::npos);
    std::optional<Result<void>> drain;
    backend_->drainNode("ng1", "nosuchnode", [&](Result<void> r) { drain = r; });
    QTRY_VERIFY(drain.has_value());
    QCOMPARE(drain->error().code, std::string("not_found"));
}

void TestEmbeddedBackend::eventsArriveInOrderOnTheGuiThread() {
    std::vector<engine::Event> seen;
    int batches = 0;
    bool allOnGui = true;
    connect(backend_.get(), &ui::ClusterBackend::eventsArrived, this,
            [&](const ui::EventList& events) {
                ++batches;
                allOnGui = allOnGui && QThread::currentThread() == qApp->thread();
                seen.insert(seen.end(), events.begin(), events.end());
            });
    bool created = false;
    backend_->createNodeGroup(groupConfig("ng1", 3), [&](Result<void>) { created = true; });
    QTRY_VERIFY(created);
    QTRY_VERIFY(std::count_if(seen.begin(), seen.end(), [](const engine::Event& e) {
                    return e.kind == engine::EventKind::NodeStateChanged &&
                           e.details.value("to", "") == "INSERVICE";
                }) == 4);
    QVERIFY(allOnGui);
    QVERIFY(std::is_sorted(seen.begin(), seen.end(),
                           [](const auto& a, const auto& b) { return a.sequence < b.sequence; }));
    // Batched: fewer hops to the GUI thread than events.
    QVERIFY(batches < static_cast<int>(seen.size()));
    QCOMPARE(int(seen.front().kind), int(engine::EventKind::NodeGroupChanged));
}

void TestEmbeddedBackend::expressionsAreCheckedWhereTheClusterLives_data() {
    QTest::addColumn<bool>("capacity");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // the value, or a piece of the error
    QTest::addRow("capacity number")
        << true << QStringLiteral("1 + 2 * 3") << true << QStringLiteral("7");
    QTest::addRow("capacity metric")
        << true << QStringLiteral("cpu.process.load * 10") << true << QStringLiteral("0");
    QTest::addRow("scale boolean") << false << QStringLiteral("avg(connections.subscriber) > 100")
                                   << true << QStringLiteral("false");
    QTest::addRow("capacity syntax")
        << true << QStringLiteral("1 +") << false << QStringLiteral("column");
    QTest::addRow("scale unknown metric") << false << QStringLiteral("avg(no.such.metric) > 1")
                                          << false << QStringLiteral("no.such.metric");
}

void TestEmbeddedBackend::expressionsAreCheckedWhereTheClusterLives() {
    QFETCH(bool, capacity);
    QFETCH(QString, expression);
    QFETCH(bool, valid);
    QFETCH(QString, expected);
    auto& backend = *backend_;
    std::optional<sy::Result<QString>> answer;
    bool insideTheCall = true;
    backend.evaluateExpression(capacity ? sy::ui::ClusterBackend::ExpressionKind::Capacity
                                        : sy::ui::ClusterBackend::ExpressionKind::Scale,
                               expression, [&](sy::Result<QString> r) {
                                   QVERIFY(!insideTheCall);
                                   answer = std::move(r);
                               });
    insideTheCall = false;
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
    QCOMPARE(answer->ok(), valid);
    if (valid)
        QCOMPARE(answer->value(), expected);
    else
        QVERIFY2(answer->error().message.find(expected.toStdString()) != std::string::npos,
                 answer->error().message.c_str());
}

QTEST_GUILESS_MAIN(TestEmbeddedBackend)
#include "tst_embeddedbackend.moc"
