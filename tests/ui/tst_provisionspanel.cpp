// The Provisions page over an embedded backend with a real ClusterHost (SIMULATED node group, so
// media jobs go FAULT with the reason the table must show): restreamers and social destinations
// created through their dialogs, validation as you type, stream keys never shown back, folder
// storage targets created and tested through the form, and provisions deleted after their
// confirmation.

#include "ui/backend/commandrunner.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/backend/mediajson.h"
#include "ui/backend/remotebackend.h"
#include "ui/models/mediatablemodels.h"
#include "ui/panels/mediaforms.h"
#include "ui/panels/provisionspanel.h"

#include "core/api/clusterhost.h"
#include "tests/support/serverprocess.h"
#include "tests/support/testgroups.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sy;

namespace {

const QString kGroup = QStringLiteral("sim");
const QString kKey = QStringLiteral("sk-live-SECRET-9f3a27c1");

// The row of `provision` in the jobs model, or -1.
int rowOf(const ui::MediaJobTableModel& m, const QString& provision) {
    for (int i = 0; i < m.rowCount(); ++i)
        if (QString::fromStdString(m.rowAt(i).provisionGuid) == provision)
            return i;
    return -1;
}

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
    return m.data(m.index(row, column), role).toString();
}

// Every text the model gives, in every role a view or a test could read.
QStringList everyText(const QAbstractItemModel& m) {
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        for (int c = 0; c < m.columnCount(); ++c)
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::UserRole),
                             int(Qt::UserRole) + 1, int(Qt::UserRole) + 2})
                out << m.data(m.index(r, c), role).toString();
    return out;
}

template <class Dialog>
void setText(Dialog* d, const QString& key, const QString& text) {
    auto* e = qobject_cast<QLineEdit*>(d->field(key));
    QVERIFY2(e, qPrintable(key));
    e->setText(text);
}

} // namespace

class TestProvisionsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void restreamerFromTheDialogShowsItsFault();
    void invalidSourcesAreShownInlineAndBlockOk();
    void socialKeyIsNeverShownBack();
    void refusedCommandKeepsTheDialogOpen();
    void folderTargetFromTheFormAndItsTest();
    void deleteProvisionRemovesItsRow();
    void remoteBackendUsesTheMediaRoutes();

private:
    void createRestreamer(const QString& stream, const QString& url);
    void selectProvision(const QString& provision);

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ui::EmbeddedBackend> backend_;
    std::unique_ptr<ui::CommandRunner> runner_;
    std::unique_ptr<ui::ProvisionsPanel> panel_;
};

void TestProvisionsPanel::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    api::ClusterHostOptions o;
    o.dataDir = dir_->filePath(QStringLiteral("cluster")).toStdString();
    o.localPorts = {23500, 23599}; // unused (SIMULATED), clear of the other suites anyway
    o.core.tick = std::chrono::milliseconds(50);
    o.core.pollInterval = std::chrono::milliseconds(50);
    o.media.tick = std::chrono::milliseconds(50);
    auto host = api::ClusterHost::open(std::move(o));
    QVERIFY2(host.ok(), host.ok() ? "" : host.error().message.c_str());
    backend_ = std::make_unique<ui::EmbeddedBackend>(std::move(host).value(), 20);
    runner_ = std::make_unique<ui::CommandRunner>();
    std::optional<Result<void>> created;
    backend_->createNodeGroup(test::originEdgeGroup(kGroup.toStdString()),
                              [&created](Result<void> r) { created = r; });
    QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 10000);
    QVERIFY2(created->ok(), created->ok() ? "" : created->error().message.c_str());

    panel_ = std::make_unique<ui::ProvisionsPanel>(*backend_, *runner_);
    panel_->setMediaRefreshMs(50);
    panel_->resize(1400, 700);
    panel_->show();
    QTRY_COMPARE_WITH_TIMEOUT(panel_->nodeGroup(), kGroup, 10000);
    new QAbstractItemModelTester(
        &panel_->jobsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, panel_.get());
}

void TestProvisionsPanel::cleanup() {
    panel_.reset();
    runner_.reset();
    backend_.reset();
    dir_.reset();
}

void TestProvisionsPanel::createRestreamer(const QString& stream, const QString& url) {
    QPointer<ui::RestreamerDialog> d = panel_->newRestreamer();
    QVERIFY(d);
    d->setType(QStringLiteral("rtsp"));
    setText(d.data(), QStringLiteral("streamGuid"), stream);
    setText(d.data(), QStringLiteral("rtspUri"), url);
    QVERIFY2(d->isValid(), qPrintable(d->fieldError(QStringLiteral("rtspUri")) + d->formError()));
    QVERIFY(d->okButton()->isEnabled());
    d->okButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(d.isNull(), 10000); // closed once the backend said yes
}

void TestProvisionsPanel::selectProvision(const QString& provision) {
    const int row = rowOf(panel_->jobsModel(), provision);
    QVERIFY(row >= 0);
    auto* view = panel_->jobsView();
    auto* proxy = qobject_cast<QSortFilterProxyModel*>(view->model());
    QVERIFY(proxy);
    view->setCurrentIndex(proxy->mapFromSource(panel_->jobsModel().index(row, 0)));
}

void TestProvisionsPanel::restreamerFromTheDialogShowsItsFault() {
    createRestreamer(QStringLiteral("live/cam1"), QStringLiteral("rtsp://127.0.0.1:8554/cam1"));
    if (QTest::currentTestFailed())
        return;
    auto& m = panel_->jobsModel();
    const QString provision = QStringLiteral("restream-live-cam1");
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(m, provision) >= 0 &&
                                 cell(m, rowOf(m, provision), ui::MediaJobTableModel::State) ==
                                     QLatin1String("FAULT"),
                             10000);
    const int row = rowOf(m, provision);
    QCOMPARE(cell(m, row, ui::MediaJobTableModel::Stream), QStringLiteral("live/cam1"));
    QCOMPARE(cell(m, row, ui::MediaJobTableModel::Kind), QStringLiteral("pull"));
    QCOMPARE(cell(m, row, ui::MediaJobTableModel::Type), QStringLiteral("rtsp"));
    QCOMPARE(cell(m, row, ui::MediaJobTableModel::Remote),
             QStringLiteral("rtsp://127.0.0.1:8554/cam1"));
    const QString detail = cell(m, row, ui::MediaJobTableModel::Detail);
    QVERIFY2(detail.contains(QStringLiteral("SIMULATED: its nodes carry no media")),
             qPrintable(detail));
    QVERIFY(cell(m, row, ui::MediaJobTableModel::State, Qt::ToolTipRole)
                .contains(QStringLiteral("SIMULATED: its nodes carry no media")));
    // FAULT in the state colour.
    QCOMPARE(
        m.data(m.index(row, ui::MediaJobTableModel::State), Qt::DecorationRole).value<QColor>(),
        ui::jobStateColor(media::JobState::Fault));
}

void TestProvisionsPanel::invalidSourcesAreShownInlineAndBlockOk() {
    QPointer<ui::RestreamerDialog> d = panel_->newRestreamer();
    d->setType(QStringLiteral("rtsp"));
    // Only the type's own fields are shown.
    QVERIFY(d->isFieldShown(QStringLiteral("rtspUri")));
    QVERIFY(!d->isFieldShown(QStringLiteral("hlsUri")));
    QVERIFY(!d->isFieldShown(QStringLiteral("passphrase")));
    setText(d.data(), QStringLiteral("streamGuid"), QStringLiteral("live/cam2"));
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("rtsp:/broken"));
    QVERIFY2(d->fieldError(QStringLiteral("rtspUri")).contains(QStringLiteral("not a valid URL")),
             qPrintable(d->fieldError(QStringLiteral("rtspUri"))));
    QVERIFY(!d->okButton()->isEnabled());
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("file:///etc/passwd"));
    QVERIFY(!d->fieldError(QStringLiteral("rtspUri")).isEmpty());
    QVERIFY(!d->okButton()->isEnabled());
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("file://localhost/etc/passwd"));
    QVERIFY2(d->fieldError(QStringLiteral("rtspUri")).contains(QStringLiteral("scheme 'file'")),
             qPrintable(d->fieldError(QStringLiteral("rtspUri"))));
    QVERIFY(!d->okButton()->isEnabled());
    // Link-local (cloud metadata) is refused by the policy.
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("rtsp://169.254.169.254/x"));
    QVERIFY(d->fieldError(QStringLiteral("rtspUri")).contains(QStringLiteral("link-local")));
    QVERIFY(!d->okButton()->isEnabled());
    // A fixed URL and a bad stream guid: the error moves to the stream field.
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("rtsp://10.0.0.5/cam"));
    QVERIFY(d->fieldError(QStringLiteral("rtspUri")).isEmpty());
    setText(d.data(), QStringLiteral("streamGuid"), QStringLiteral("no app"));
    QVERIFY(!d->fieldError(QStringLiteral("streamGuid")).isEmpty());
    QVERIFY(!d->okButton()->isEnabled());
    setText(d.data(), QStringLiteral("streamGuid"), QStringLiteral("live/cam2"));
    QVERIFY(d->okButton()->isEnabled());
    // Switching the type shows that type's fields and checks them.
    d->setType(QStringLiteral("srt"));
    QVERIFY(d->isFieldShown(QStringLiteral("passphrase")));
    QVERIFY(!d->isFieldShown(QStringLiteral("rtspUri")));
    QVERIFY(!d->fieldError(QStringLiteral("port")).isEmpty()); // required for srt
    QVERIFY(!d->okButton()->isEnabled());
    setText(d.data(), QStringLiteral("port"), QStringLiteral("10080"));
    QVERIFY2(d->okButton()->isEnabled(), qPrintable(d->formError()));
    d->reject();
}

void TestProvisionsPanel::socialKeyIsNeverShownBack() {
    QPointer<ui::SocialDestinationDialog> d = panel_->newSocialDestination();
    auto* key = qobject_cast<QLineEdit*>(d->field(QStringLiteral("key")));
    QVERIFY(key);
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    setText(d.data(), QStringLiteral("streamGuid"), QStringLiteral("live/show"));
    setText(d.data(), QStringLiteral("url"), QStringLiteral("rtmp:/127.0.0.1/live"));
    setText(d.data(), QStringLiteral("key"), kKey);
    // The problem echoes the URL: the key in it is scrubbed.
    QVERIFY(!d->fieldError(QStringLiteral("url")).isEmpty());
    QVERIFY2(!d->fieldError(QStringLiteral("url")).contains(kKey),
             qPrintable(d->fieldError(QStringLiteral("url"))));
    QVERIFY(!d->okButton()->isEnabled());
    setText(d.data(), QStringLiteral("url"), QStringLiteral("rtmp://127.0.0.1/live/"));
    QVERIFY2(d->okButton()->isEnabled(), qPrintable(d->formError()));
    d->okButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(d.isNull(), 10000);

    auto& m = panel_->jobsModel();
    const QString provision = QStringLiteral("social-live-show");
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(m, provision) >= 0 &&
                                 cell(m, rowOf(m, provision), ui::MediaJobTableModel::Kind) ==
                                     QLatin1String("social"),
                             10000);
    const int row = rowOf(m, provision);
    QCOMPARE(cell(m, row, ui::MediaJobTableModel::Remote),
             QStringLiteral("rtmp://127.0.0.1/live/••••"));
    for (const auto& text : everyText(m))
        QVERIFY2(!text.contains(kKey), qPrintable(text));
    // Nor in what the backend keeps for views.
    for (const auto& doc : backend_->media()->provisions.at(kGroup.toStdString()))
        QVERIFY(!QString::fromStdString(doc.dump()).contains(kKey));
    // Nor in a dialog opened again.
    QPointer<ui::SocialDestinationDialog> again = panel_->newSocialDestination();
    for (auto* e : again->findChildren<QLineEdit*>())
        QVERIFY(!e->text().contains(kKey));
    again->reject();
}

void TestProvisionsPanel::refusedCommandKeepsTheDialogOpen() {
    createRestreamer(QStringLiteral("live/cam3"), QStringLiteral("rtsp://127.0.0.1/cam3"));
    if (QTest::currentTestFailed())
        return;
    // The same provision again: the backend refuses, the dialog stays with its answer.
    QPointer<ui::RestreamerDialog> d = panel_->newRestreamer();
    d->setType(QStringLiteral("rtsp"));
    setText(d.data(), QStringLiteral("streamGuid"), QStringLiteral("live/cam3"));
    setText(d.data(), QStringLiteral("rtspUri"), QStringLiteral("rtsp://127.0.0.1/cam3"));
    QVERIFY(d->okButton()->isEnabled());
    d->okButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(d->formError().contains(QStringLiteral("already exists")), 10000);
    QVERIFY(d->isVisible());
    QVERIFY(d->okButton()->isEnabled()); // may be fixed and sent again
    d->reject();
}

void TestProvisionsPanel::folderTargetFromTheFormAndItsTest() {
    panel_->tabs()->setCurrentIndex(2);
    const QString folder = dir_->filePath(QStringLiteral("archive"));
    QVERIFY(QDir().mkpath(folder));
    QPointer<ui::StorageTargetDialog> d = panel_->newStorageTarget();
    setText(d.data(), QStringLiteral("name"), QStringLiteral("archive"));
    QVERIFY(d->isFieldShown(QStringLiteral("path")));
    QVERIFY(!d->isFieldShown(QStringLiteral("bucket")));
    setText(d.data(), QStringLiteral("path"), QStringLiteral("relative/dir"));
    QVERIFY(d->fieldError(QStringLiteral("path")).contains(QStringLiteral("absolute")));
    QVERIFY(!d->okButton()->isEnabled());
    // s3 needs its keys, typed as passwords.
    qobject_cast<QComboBox*>(d->field(QStringLiteral("kind")))
        ->setCurrentText(QStringLiteral("s3"));
    QVERIFY(d->isFieldShown(QStringLiteral("bucket")));
    QCOMPARE(qobject_cast<QLineEdit*>(d->field(QStringLiteral("secretAccessKey")))->echoMode(),
             QLineEdit::Password);
    QVERIFY(!d->fieldError(QStringLiteral("bucket")).isEmpty());
    qobject_cast<QComboBox*>(d->field(QStringLiteral("kind")))
        ->setCurrentText(QStringLiteral("folder"));
    // A folder that does not exist: the test names the cause.
    setText(d.data(), QStringLiteral("path"), dir_->filePath(QStringLiteral("missing/folder")));
    QVERIFY(d->okButton()->isEnabled());
    d->testButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(d->testResult().contains(QStringLiteral("No such file")), 10000);
    // The real one: OK, then saved.
    setText(d.data(), QStringLiteral("path"), folder);
    d->testButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(d->testResult(), QStringLiteral("OK"), 10000);
    d->okButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(d.isNull(), 10000);

    auto& targets = panel_->targetsModel();
    QTRY_COMPARE_WITH_TIMEOUT(targets.rowCount(), 1, 10000);
    QCOMPARE(cell(targets, 0, ui::StorageTargetTableModel::Name), QStringLiteral("archive"));
    QCOMPARE(cell(targets, 0, ui::StorageTargetTableModel::Kind), QStringLiteral("folder"));
    QCOMPARE(cell(targets, 0, ui::StorageTargetTableModel::Location), folder);
    auto* view = panel_->targetsView();
    view->setCurrentIndex(view->model()->index(0, 0));
    panel_->testCurrentTarget();
    QTRY_COMPARE_WITH_TIMEOUT(panel_->targetTestResult(), QStringLiteral("archive: OK"), 10000);
    // The folder goes away: the table's Test says why.
    QVERIFY(QDir(folder).removeRecursively());
    panel_->testCurrentTarget();
    QTRY_VERIFY_WITH_TIMEOUT(panel_->targetTestResult().contains(QStringLiteral("No such file")),
                             10000);
}

void TestProvisionsPanel::deleteProvisionRemovesItsRow() {
    createRestreamer(QStringLiteral("live/cam4"), QStringLiteral("rtsp://127.0.0.1/cam4"));
    if (QTest::currentTestFailed())
        return;
    auto& m = panel_->jobsModel();
    const QString provision = QStringLiteral("restream-live-cam4");
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(m, provision) >= 0, 10000);
    selectProvision(provision);
    panel_->deleteCurrentProvision();
    auto* box = panel_->findChild<QMessageBox*>(QStringLiteral("confirmDeleteProvision"));
    QVERIFY(box);
    QVERIFY(box->text().contains(provision)); // the confirmation names it
    auto* confirm = box->findChild<QPushButton*>(QStringLiteral("confirmDeleteButton"));
    QVERIFY(confirm);
    confirm->click();
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(m, provision) < 0, 10000);
    QVERIFY(backend_->media()->provisions.at(kGroup.toStdString()).empty());
}

// The same media part over REST, against switchyard-server's SIMULATED demo group.
void TestProvisionsPanel::remoteBackendUsesTheMediaRoutes() {
    const QString password = QStringLiteral("provisions-test-secret-1");
    QTemporaryDir serverDir;
    test::ServerProcess server({serverDir.path(),
                                0,
                                {QStringLiteral("--demo")},
                                {{QStringLiteral("SWITCHYARD_ADMIN_PASSWORD"), password}}});
    const quint16 port = server.waitForPort();
    QVERIFY2(port != 0, qPrintable(server.errors()));
    ui::RemoteBackend remote(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
                             QStringLiteral("admin"), password, 100);
    QTRY_VERIFY_WITH_TIMEOUT(remote.snapshot()->group("demo") != nullptr, 20000);

    std::optional<Result<void>> done;
    auto record = [&done](Result<void> r) {
        done = std::move(r);
    };
    const nlohmann::json social =
        nlohmann::json::array({{{"provisionGuid", "social-live-remote"},
                                {"streams",
                                 {{{"streamGuid", "live/remote"},
                                   {"destUri", "rtmp://127.0.0.1/live/" + kKey.toStdString()}}}}}});
    remote.createProvisions("demo", social, record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY2(done->ok(), done->ok() ? "" : done->error().message.c_str());
    // The server checks too: a refused URL comes back with its problem.
    done.reset();
    auto bad = social;
    bad[0]["provisionGuid"] = "social-live-bad";
    bad[0]["streams"][0]["destUri"] = "file:///etc/passwd";
    remote.createProvisions("demo", bad, record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY(!done->ok());
    QVERIFY2(QString::fromStdString(done->error().message).contains(QStringLiteral("scheme")),
             done->error().message.c_str());

    const auto faulted = [&remote] {
        for (const auto& j : remote.media()->jobs)
            if (j.provisionGuid == "social-live-remote" && j.state == media::JobState::Fault)
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            remote.refreshMedia();
            return faulted();
        }(),
        20000);
    for (const auto& j : remote.media()->jobs)
        if (j.provisionGuid == "social-live-remote") {
            QVERIFY(j.kind == media::JobKind::Social);
            QVERIFY(j.lastError.find("SIMULATED: its nodes carry no media") != std::string::npos);
            QCOMPARE(QString::fromStdString(j.remote),
                     QStringLiteral("rtmp://127.0.0.1/live/••••"));
        }
    QVERIFY(remote.media()->provisions.count("demo"));
    for (const auto& doc : remote.media()->provisions.at("demo"))
        QVERIFY(!QString::fromStdString(doc.dump()).contains(kKey));

    // A folder target: saved, tested, listed; a missing folder's test names the cause.
    const QString folder = serverDir.filePath(QStringLiteral("archive"));
    QVERIFY(QDir().mkpath(folder));
    const nlohmann::json target = {{"name", "archive"},
                                   {"kind", "folder"},
                                   {"settings", {{"path", folder.toStdString()}}},
                                   {"retention", {{"maxCount", 3}}},
                                   {"recordNodeGroups", nlohmann::json::array()}};
    done.reset();
    remote.putStorageTarget(target, record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY2(done->ok(), done->ok() ? "" : done->error().message.c_str());
    done.reset();
    remote.testStorageTarget(target, record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY2(done->ok(), done->ok() ? "" : done->error().message.c_str());
    done.reset();
    auto missing = target;
    missing["settings"]["path"] = serverDir.filePath(QStringLiteral("missing")).toStdString();
    remote.testStorageTarget(missing, record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY(!done->ok());
    QVERIFY2(QString::fromStdString(done->error().message).contains(QStringLiteral("No such file")),
             done->error().message.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            remote.refreshMedia();
            return remote.media()->targets.size() == 1;
        }(),
        10000);

    // Delete: the provision goes, and its job with it.
    done.reset();
    remote.deleteProvision("demo", "social-live-remote", record);
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
    QVERIFY2(done->ok(), done->ok() ? "" : done->error().message.c_str());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            remote.refreshMedia();
            return remote.media()->provisions.count("demo") &&
                   remote.media()->provisions.at("demo").empty() && !faulted();
        }(),
        10000);
    QVERIFY2(remote.media()->error.isEmpty(), qPrintable(remote.media()->error));
}

QTEST_MAIN(TestProvisionsPanel)
#include "tst_provisionspanel.moc"
