// NodeGroupWizard over a real EmbeddedBackend with SIMULATED nodes: driven page by page through
// its widgets' object names, it creates the group the pages describe, and the nodes come up;
// expressions are checked live with the error inline; an invalid name or a name the backend
// refuses keeps the wizard open with the reason. A scripted backend checks the debounce and that
// stale answers are dropped. createWithDefaults picks fresh names, even from a stale snapshot.

#include "ui/wizards/expressionfield.h"
#include "ui/wizards/nodegroupwizard.h"
#include "ui/wizards/presetpage.h"
#include "ui/wizards/regionspage.h"
#include "ui/wizards/reviewpage.h"

#include "ui/backend/embeddedbackend.h"

#include "core/providers/simulatedprovider.h"

#include "tests/support/testgroups.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace sy;
using ui::ExpressionField;
using ui::NodeGroupWizard;

Q_DECLARE_METATYPE(sy::model::NodeGroupPreset)

namespace {

// A backend whose expression checks the test answers by hand, in any order.
class ScriptedBackend final : public ui::ClusterBackend {
public:
    struct Request {
        ExpressionKind kind;
        QString expression;
        ExpressionCallback done;
    };
    std::vector<Request> requests;

    QString description() const override { return QStringLiteral("scripted"); }
    engine::SnapshotPtr snapshot() const override {
        return std::make_shared<engine::ClusterSnapshot>();
    }
    void createNodeGroup(model::NodeGroupConfig, CommandCallback) override {}
    void updateNodeGroup(model::NodeGroupConfig, CommandCallback) override {}
    void deleteNodeGroup(std::string, CommandCallback) override {}
    void setPaused(std::string, bool, CommandCallback) override {}
    void drainNode(std::string, std::string, CommandCallback) override {}
    void manualScale(std::string, std::string, std::string, int, CommandCallback) override {}
    void routeStream(bool, std::string, std::string, RouteCallback) override {}
    void evaluateExpression(ExpressionKind kind, QString expression,
                            ExpressionCallback done) override {
        requests.push_back({kind, std::move(expression), std::move(done)});
    }
};

template <class T>
T* find(const QObject* root, const QString& name) {
    T* w = root->findChild<T*>(name);
    if (!w)
        qFatal("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return w;
}

// Types over the name in the list's open editor and presses Enter, as a person renaming does;
// true once the view has taken the new name (the delegate commits on a later turn).
bool typeIntoOpenEditor(QListWidget* list, const QString& text) {
    auto* editor = list->viewport()->findChild<QLineEdit*>();
    if (!editor)
        qFatal("no editor open in %s", qPrintable(list->objectName()));
    editor->selectAll();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
    auto* item = list->currentItem();
    return QTest::qWaitFor([&] { return item->text() == text; });
}

int inService(const engine::NodeGroupView& g) {
    return int(std::count_if(g.nodes.begin(), g.nodes.end(), [](const engine::NodeView& n) {
        return n.state == model::NodeState::InService;
    }));
}

} // namespace

class TestNodeGroupWizard : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void createsTheGroupThePagesDescribe_data();
    void createsTheGroupThePagesDescribe();
    void expressionsAreCheckedInline();
    void checksAreDebouncedAndStaleAnswersDropped();
    void invalidNameKeepsFinishOutOfReach_data();
    void invalidNameKeepsFinishOutOfReach();
    void regionsFollowThePreset();
    void refusedCreateShowsTheBackendMessageAndStaysOpen();
    void createWithDefaultsPicksFreshNames();
    void streamAccessAndHlsReachTheGroup();

private:
    bool clickNext(NodeGroupWizard& wizard);
    void checkCreatedGroup(const QString& name, const QStringList& roles,
                           QStringList expectedRegions, const QString& editedRole);
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
};

void TestNodeGroupWizard::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    backend_ = test::simulatedBackend(dir_->path());
}

void TestNodeGroupWizard::cleanup() {
    backend_.reset();
    dir_.reset();
}

// Next, once the page allows it (expression checks answer asynchronously).
bool TestNodeGroupWizard::clickNext(NodeGroupWizard& wizard) {
    auto* next = wizard.button(QWizard::NextButton);
    const int before = wizard.currentId();
    if (!QTest::qWaitFor([&] { return next->isEnabled(); }, 5000))
        return false;
    next->click();
    return wizard.currentId() == before + 1;
}

// The group is in the snapshot as the wizard described it, and its nodes come into service.
void TestNodeGroupWizard::checkCreatedGroup(const QString& name, const QStringList& roles,
                                            QStringList expectedRegions,
                                            const QString& editedRole) {
    // Pinned: a pointer into a temporary snapshot would dangle.
    const auto pinned = backend_->snapshot();
    const auto* group = pinned->group(name.toStdString());
    QVERIFY(group);
    QStringList gotRoles;
    for (const auto& [role, unused] : *group->config.roles)
        gotRoles << QString::fromStdString(role);
    QCOMPARE(gotRoles, roles);
    QStringList gotRegions;
    for (const auto& [region, sg] : *group->config.groups) {
        gotRegions << QString::fromStdString(region);
        QCOMPARE(sg.rulesByRole->at(editedRole.toStdString()).max.value(), std::int64_t(7));
    }
    expectedRegions.sort();
    QCOMPARE(gotRegions, expectedRegions);
    // Every role of every region reaches its minimum of one node in service.
    const int minimumNodes = int(roles.size() * expectedRegions.size());
    QTRY_VERIFY_WITH_TIMEOUT(
        inService(*backend_->snapshot()->group(name.toStdString())) >= minimumNodes, 20000);
    std::set<std::pair<std::string, std::string>> covered;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = backend_->snapshot();
    for (const auto& node : held->group(name.toStdString())->nodes)
        if (node.state == model::NodeState::InService)
            covered.insert({node.subGroup, node.role});
    QCOMPARE(int(covered.size()), minimumNodes);
}

void TestNodeGroupWizard::createsTheGroupThePagesDescribe_data() {
    QTest::addColumn<model::NodeGroupPreset>("preset");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("regions");
    QTest::addColumn<QStringList>("roles");
    QTest::addColumn<QString>("editedRole"); // its max becomes 7
    using P = model::NodeGroupPreset;
    QTest::addRow("all-in-one") << P::AllInOne << QStringLiteral("aio") << QStringList{}
                                << QStringList{QStringLiteral("allinone")}
                                << QStringLiteral("allinone");
    QTest::addRow("origin-edge, two regions")
        << P::OriginEdge << QStringLiteral("oe.2") << QStringList{QStringLiteral("north")}
        << QStringList{QStringLiteral("edge"), QStringLiteral("origin")} << QStringLiteral("edge");
    QTest::addRow("origin-relay-edge")
        << P::OriginRelayEdge << QStringLiteral("ore") << QStringList{}
        << QStringList{QStringLiteral("edge"), QStringLiteral("origin"), QStringLiteral("relay")}
        << QStringLiteral("relay");
    QTest::addRow("multi-region, three regions")
        << P::MultiRegion << QStringLiteral("world") << QStringList{QStringLiteral("ap-south")}
        << QStringList{QStringLiteral("edge"), QStringLiteral("origin")}
        << QStringLiteral("origin");
}

void TestNodeGroupWizard::createsTheGroupThePagesDescribe() {
    QFETCH(model::NodeGroupPreset, preset);
    QFETCH(QString, name);
    QFETCH(QStringList, regions);
    QFETCH(QStringList, roles);
    QFETCH(QString, editedRole);

    NodeGroupWizard wizard(*backend_);
    wizard.show();
    QSignalSpy created(&wizard, &NodeGroupWizard::nodeGroupCreated);

    // Page 1: shape, name, provider.
    const QString presetId = QString::fromLatin1(model::toString(preset).data());
    find<QRadioButton>(&wizard, QStringLiteral("preset.") + presetId)->click();
    find<QLineEdit>(&wizard, QStringLiteral("nameEdit"))->setText(name);
    QCOMPARE(find<QComboBox>(&wizard, QStringLiteral("platformCombo"))->currentText(),
             QStringLiteral("SIMULATED"));
    QVERIFY(clickNext(wizard));

    // Page 2: the preset's regions, plus the extra ones added through the Add button.
    auto* list = find<QListWidget>(&wizard, QStringLiteral("regionList"));
    QCOMPARE(list->count(), int(model::presetRegions(preset).size()));
    for (const auto& extra : regions) {
        find<QPushButton>(&wizard, QStringLiteral("addRegionButton"))->click();
        QVERIFY(typeIntoOpenEditor(list, extra));
    }
    QStringList expectedRegions;
    for (int i = 0; i < list->count(); ++i)
        expectedRegions << list->item(i)->text();
    QVERIFY(clickNext(wizard));

    // Page 3: one tab per role; edit one rule.
    QCOMPARE(find<QTabWidget>(&wizard, QStringLiteral("roleTabs"))->count(), roles.size());
    find<QSpinBox>(&wizard, editedRole + QStringLiteral(".max"))->setValue(7);
    QVERIFY(clickNext(wizard));

    // Page 4: the JSON that will be sent.
    const QString json = find<QPlainTextEdit>(&wizard, QStringLiteral("jsonView"))->toPlainText();
    QVERIFY(json.contains(QStringLiteral("\"name\": \"%1\"").arg(name)));
    QVERIFY(find<QPlainTextEdit>(&wizard, QStringLiteral("jsonView"))->isReadOnly());
    QVERIFY(wizard.problems().empty());
    auto* finish = wizard.button(QWizard::FinishButton);
    QVERIFY(finish->isEnabled());
    finish->click();
    QTRY_COMPARE(created.count(), 1);
    QCOMPARE(created.at(0).at(0).toString(), name);
    QTRY_VERIFY(!wizard.isVisible());
    QCOMPARE(wizard.result(), int(QDialog::Accepted));

    checkCreatedGroup(name, roles, expectedRegions, editedRole);
}

void TestNodeGroupWizard::expressionsAreCheckedInline() {
    NodeGroupWizard wizard(*backend_);
    wizard.show();
    find<QRadioButton>(&wizard, QStringLiteral("preset.origin-edge"))->click();
    QVERIFY(clickNext(wizard));
    QVERIFY(clickNext(wizard));
    QCOMPARE(wizard.currentId(), int(NodeGroupWizard::RulesPageId));
    auto* next = wizard.button(QWizard::NextButton);
    auto* out = find<ExpressionField>(&wizard, QStringLiteral("edge.outExpression"));
    auto* status = find<QLabel>(&wizard, QStringLiteral("edge.outExpression.status"));
    QTRY_COMPARE(int(out->state()), int(ExpressionField::State::Valid));
    QVERIFY(next->isEnabled());

    // A scale rule cut short: the parse error with its column, inline, and Next is disabled.
    find<QLineEdit>(&wizard, QStringLiteral("edge.outExpression.edit"))
        ->setText(QStringLiteral("avg(connections.subscriber) >"));
    QCOMPARE(int(out->state()), int(ExpressionField::State::Pending));
    QTRY_COMPARE(int(out->state()), int(ExpressionField::State::Invalid));
    QVERIFY2(status->text().contains(QStringLiteral("column")), qPrintable(status->text()));
    QVERIFY(!next->isEnabled());
    auto* tabs = find<QTabWidget>(&wizard, QStringLiteral("roleTabs"));
    QVERIFY(!tabs->tabIcon(1).isNull()); // the edge tab says it has an error

    // Fixed: the error goes and Next comes back.
    out->setText(QStringLiteral("avg(connections.subscriber) > 50"));
    QTRY_COMPARE(int(out->state()), int(ExpressionField::State::Valid));
    QVERIFY(!status->text().contains(QStringLiteral("column")));
    QVERIFY(next->isEnabled());
    QVERIFY(tabs->tabIcon(1).isNull());

    // Capacity fields are checked as capacity expressions, scale fields as scale expressions.
    auto* ranking =
        find<ExpressionField>(&wizard, QStringLiteral("origin.capacityRankingExpression"));
    ranking->setText(QStringLiteral("avg(connections.publisher) > 1"));
    QTRY_COMPARE(int(ranking->state()), int(ExpressionField::State::Invalid));
    ranking->setText(QStringLiteral("connections.publisher * 2"));
    QTRY_COMPARE(int(ranking->state()), int(ExpressionField::State::Valid));
    out->setText(QStringLiteral("connections.subscriber * 2"));
    QTRY_COMPARE(int(out->state()), int(ExpressionField::State::Invalid));
    QVERIFY(!next->isEnabled());
}

void TestNodeGroupWizard::checksAreDebouncedAndStaleAnswersDropped() {
    ScriptedBackend backend;
    ExpressionField field(backend, ui::ClusterBackend::ExpressionKind::Scale,
                          QStringLiteral("avg(cpu.process.load) > 0.9"));
    // The preset text is checked at once.
    QCOMPARE(int(backend.requests.size()), 1);
    QCOMPARE(int(backend.requests[0].kind), int(ui::ClusterBackend::ExpressionKind::Scale));

    // A burst of keystrokes makes one request, once typing pauses.
    field.lineEdit()->clear();
    QTest::keyClicks(field.lineEdit(), QStringLiteral("count(cpu.process.load) > 4"));
    QCOMPARE(int(backend.requests.size()), 1);
    QTRY_COMPARE(int(backend.requests.size()), 2);
    QCOMPARE(backend.requests[1].expression, QStringLiteral("count(cpu.process.load) > 4"));

    // The answer to the preset text arrives late: it is about text no longer shown, so dropped.
    backend.requests[0].done(fail("invalid", "stale"));
    QCOMPARE(int(field.state()), int(ExpressionField::State::Pending));
    backend.requests[1].done(QStringLiteral("false"));
    QCOMPARE(int(field.state()), int(ExpressionField::State::Valid));
    QVERIFY(field.statusText().contains(QStringLiteral("false")));

    // An edit after a request makes its answer stale too, even before the next one is sent.
    field.setText(QStringLiteral("bad >"));
    QTRY_COMPARE(int(backend.requests.size()), 3);
    field.setText(QStringLiteral("avg(cpu.process.load) > 1"));
    backend.requests[2].done(fail("invalid", "column 6: expected an expression"));
    QCOMPARE(int(field.state()), int(ExpressionField::State::Pending));
    QTRY_COMPARE(int(backend.requests.size()), 4);
    backend.requests[3].done(QStringLiteral("false"));
    QCOMPARE(int(field.state()), int(ExpressionField::State::Valid));
}

void TestNodeGroupWizard::invalidNameKeepsFinishOutOfReach_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("why"); // a piece of the core's message
    QTest::addRow("space") << QStringLiteral("my cluster") << QStringLiteral("letters, digits");
    QTest::addRow("too long") << QStringLiteral("a-very-long-cluster-name")
                              << QStringLiteral("at most 16");
    QTest::addRow("reserved") << QStringLiteral("default") << QStringLiteral("reserved");
    QTest::addRow("empty") << QString() << QStringLiteral("empty");
}

void TestNodeGroupWizard::invalidNameKeepsFinishOutOfReach() {
    QFETCH(QString, name);
    QFETCH(QString, why);
    NodeGroupWizard wizard(*backend_);
    wizard.show();
    auto* edit = find<QLineEdit>(&wizard, QStringLiteral("nameEdit"));
    auto* error = find<QLabel>(&wizard, QStringLiteral("nameError"));
    // The suggested name is free and valid.
    QCOMPARE(edit->text(), QStringLiteral("cluster-1"));
    QVERIFY(error->text().isEmpty());
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());

    edit->setText(name);
    QVERIFY2(error->text().contains(why), qPrintable(error->text()));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY(!wizard.button(QWizard::FinishButton)->isEnabled());
    const auto problems = wizard.problems();
    QVERIFY(std::any_of(problems.begin(), problems.end(),
                        [](const model::Problem& p) { return p.path == "name"; }));
    // Finish by any other way (Enter on a page, a script) creates nothing either.
    wizard.accept();
    QVERIFY(!wizard.isCreating());
    QVERIFY(wizard.isVisible());
}

void TestNodeGroupWizard::regionsFollowThePreset() {
    NodeGroupWizard wizard(*backend_);
    wizard.show();
    find<QRadioButton>(&wizard, QStringLiteral("preset.multi-region"))->click();
    QVERIFY(clickNext(wizard));
    auto* list = find<QListWidget>(&wizard, QStringLiteral("regionList"));
    auto* error = find<QLabel>(&wizard, QStringLiteral("regionError"));
    QCOMPARE(list->count(), 2);
    QVERIFY(error->text().isEmpty());

    // One region is too few for this preset; a bad or repeated name is refused.
    list->setCurrentRow(1);
    find<QPushButton>(&wizard, QStringLiteral("removeRegionButton"))->click();
    QCOMPARE(list->count(), 1);
    QVERIFY2(error->text().contains(QStringLiteral("at least 2")), qPrintable(error->text()));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    find<QPushButton>(&wizard, QStringLiteral("addRegionButton"))->click();
    QVERIFY(wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY(typeIntoOpenEditor(list, QStringLiteral("eu-west")));
    list->item(1)->setText(list->item(0)->text());
    QVERIFY2(error->text().contains(QStringLiteral("twice")), qPrintable(error->text()));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    list->item(1)->setText(QStringLiteral("eu/west"));
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    list->item(1)->setText(QStringLiteral("eu-west-2"));
    QVERIFY(error->text().isEmpty());

    // Another preset starts from its own regions and roles.
    wizard.back();
    find<QRadioButton>(&wizard, QStringLiteral("preset.origin-relay-edge"))->click();
    QVERIFY(clickNext(wizard));
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->text(), QStringLiteral("main"));
    QVERIFY(clickNext(wizard));
    QCOMPARE(find<QTabWidget>(&wizard, QStringLiteral("roleTabs"))->count(), 3);
    const auto config = wizard.config();
    QCOMPARE(config.roles->at("edge").parentRoleName.value(), std::string("relay"));
    QCOMPARE(int(config.roles->at("edge").parentCardinality.value()),
             int(model::ParentCardinality::AutoGroup));
}

void TestNodeGroupWizard::refusedCreateShowsTheBackendMessageAndStaysOpen() {
    std::optional<Result<void>> first;
    createWithDefaults(*backend_, this, [&](Result<std::string> r) {
        QVERIFY(r.ok());
        first = Result<void>();
    });
    QTRY_VERIFY(first.has_value());
    // The snapshot already lists cluster-1; ask for it anyway, as a stale remote snapshot would.
    NodeGroupWizard wizard(*backend_);
    wizard.show();
    find<QLineEdit>(&wizard, QStringLiteral("nameEdit"))->setText(QStringLiteral("cluster-1"));
    QVERIFY(clickNext(wizard));
    QVERIFY(clickNext(wizard));
    QVERIFY(clickNext(wizard));
    auto* finish = wizard.button(QWizard::FinishButton);
    auto* busy = find<QProgressBar>(&wizard, QStringLiteral("busyIndicator"));
    auto* error = find<QLabel>(&wizard, QStringLiteral("createError"));
    QVERIFY(!busy->isVisible());
    finish->click();
    // Waiting for the backend: busy, and neither Finish nor Back can be pressed again.
    QVERIFY(wizard.isCreating());
    QVERIFY(busy->isVisible());
    QVERIFY(!finish->isEnabled());
    QVERIFY(!wizard.button(QWizard::BackButton)->isEnabled());

    QTRY_VERIFY(!wizard.isCreating());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("exists already")), qPrintable(error->text()));
    QVERIFY(error->text().contains(QStringLiteral("cluster-1")));
    QVERIFY(wizard.isVisible());
    QVERIFY(!busy->isVisible());
    QVERIFY(finish->isEnabled());
    QVERIFY(wizard.button(QWizard::BackButton)->isEnabled());

    // Back to fix the name; the second try goes through.
    QSignalSpy created(&wizard, &NodeGroupWizard::nodeGroupCreated);
    wizard.back();
    wizard.back();
    wizard.back();
    find<QLineEdit>(&wizard, QStringLiteral("nameEdit"))->setText(QStringLiteral("second"));
    QVERIFY(clickNext(wizard));
    QVERIFY(clickNext(wizard));
    QVERIFY(clickNext(wizard));
    QVERIFY(error->text().isEmpty());
    finish->click();
    QTRY_COMPARE(created.count(), 1);
    QVERIFY(backend_->snapshot()->group("second"));
}

// The first page's stream access and HLS choices are in the created group; play tokens switch
// HLS off (its segments are plain HTTP), as the core would refuse the pair.
void TestNodeGroupWizard::streamAccessAndHlsReachTheGroup() {
    NodeGroupWizard wizard(*backend_);
    wizard.show();
    QSignalSpy created(&wizard, &NodeGroupWizard::nodeGroupCreated);
    find<QLineEdit>(&wizard, QStringLiteral("nameEdit"))->setText(QStringLiteral("guarded"));
    auto* access = find<QComboBox>(&wizard, QStringLiteral("accessCombo"));
    auto* hls = find<QCheckBox>(&wizard, QStringLiteral("hlsCheck"));
    hls->setChecked(true);
    access->setCurrentIndex(access->findData(QStringLiteral("both")));
    QVERIFY(!hls->isChecked());
    QVERIFY(!hls->isEnabled());
    access->setCurrentIndex(access->findData(QStringLiteral("publish")));
    QVERIFY(hls->isEnabled());
    hls->setChecked(true);
    for (int page = 0; page < 3; ++page)
        QVERIFY(clickNext(wizard));
    const QString json = find<QPlainTextEdit>(&wizard, QStringLiteral("jsonView"))->toPlainText();
    QVERIFY2(json.contains(QStringLiteral("\"streamAccess\"")), qPrintable(json));
    QVERIFY(wizard.problems().empty());
    wizard.button(QWizard::FinishButton)->click();
    QTRY_COMPARE(created.count(), 1);
    const auto pinned = backend_->snapshot();
    const auto* group = pinned->group("guarded");
    QVERIFY(group);
    QCOMPARE(model::publishAccess(group->config), model::AccessMode::Token);
    QCOMPARE(model::playAccess(group->config), model::AccessMode::Open);
    QVERIFY(model::hlsEnabled(group->config));
}

void TestNodeGroupWizard::createWithDefaultsPicksFreshNames() {
    std::vector<std::string> names;
    auto collect = [&](Result<std::string> r) {
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        names.push_back(r.value());
    };
    createWithDefaults(*backend_, this, collect);
    QTRY_COMPARE(int(names.size()), 1);
    createWithDefaults(*backend_, this, collect);
    QTRY_COMPARE(int(names.size()), 2);
    QCOMPARE(names, (std::vector<std::string>{"cluster-1", "cluster-2"}));
    // Two at once see the same snapshot and ask for the same name: the refused one moves on.
    createWithDefaults(*backend_, this, collect);
    createWithDefaults(*backend_, this, collect);
    QTRY_COMPARE(int(names.size()), 4);
    QCOMPARE(std::set<std::string>(names.begin() + 2, names.end()),
             (std::set<std::string>{"cluster-3", "cluster-4"}));

    const auto snap = backend_->snapshot();
    for (const auto& name : names) {
        const auto* g = snap->group(name);
        QVERIFY(g);
        QCOMPARE(g->config.cloudPlatform.value(), std::string("SIMULATED"));
        QCOMPARE(int(g->config.roles->size()), 2);
        QVERIFY(g->config.roles->contains("origin") && g->config.roles->contains("edge"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(inService(*backend_->snapshot()->group("cluster-4")) >= 2, 20000);
}

QTEST_MAIN(TestNodeGroupWizard)
#include "tst_nodegroupwizard.moc"
