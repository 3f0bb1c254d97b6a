#include "ui/panels/provisionspanel.h"

#include "ui/backend/clusterbackend.h"
#include "ui/backend/commandrunner.h"
#include "ui/models/mediatablemodels.h"
#include "ui/panels/mediaforms.h"
#include "ui/panels/tableviews.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

namespace sy::ui {

namespace {

QPushButton* actionButton(const QString& icon, const QString& text, const QString& tip,
                          const QString& name, QWidget* parent) {
    auto* b = new QPushButton(QIcon(icon), text, parent);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// The source row of a view's current index, or -1.
int currentSourceRow(const QTableView* view, const QSortFilterProxyModel* proxy) {
    const auto current = view->selectionModel()->currentIndex();
    return current.isValid() ? proxy->mapToSource(current).row() : -1;
}

// A tab: a bar (filter + buttons) over a table.
QWidget* tabPage(QSortFilterProxyModel* proxy, QTableView* view, const QString& filterHint,
                 std::initializer_list<QWidget*> buttons, QWidget* extra = nullptr) {
    auto* page = new QWidget;
    auto* bar = new QHBoxLayout;
    bar->addWidget(makeFilterEdit(proxy, filterHint, page));
    bar->addStretch(1);
    if (extra)
        bar->addWidget(extra, 2);
    for (auto* b : buttons)
        bar->addWidget(b);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(view, 1);
    return page;
}

} // namespace

ProvisionsPanel::ProvisionsPanel(ClusterBackend& backend, CommandRunner& runner, QWidget* parent)
    : Panel(parent)
    , backend_(backend)
    , runner_(runner)
    , group_(new QComboBox(this))
    , mediaStatus_(new QLabel(this))
    , message_(new MessageBar(this))
    , tabs_(new QTabWidget(this))
    , poll_(new QTimer(this))
    , jobs_(new MediaJobTableModel(this))
    , jobsProxy_(makeProxy(jobs_, MediaJobTableModel::SortRole, this))
    , jobsView_(makeTableView(jobsProxy_, QStringLiteral("mediaJobsView"), this))
    , recordings_(new RecordingTableModel(this))
    , recordingsProxy_(makeProxy(recordings_, RecordingTableModel::SortRole, this))
    , recordingsView_(makeTableView(recordingsProxy_, QStringLiteral("recordingsView"), this))
    , targets_(new StorageTargetTableModel(this))
    , targetsProxy_(makeProxy(targets_, StorageTargetTableModel::SortRole, this))
    , targetsView_(makeTableView(targetsProxy_, QStringLiteral("storageTargetsView"), this))
    , testResult_(new QLabel(this)) {
    setObjectName(QStringLiteral("provisionsPanel"));
    group_->setObjectName(QStringLiteral("nodeGroupCombo"));
    group_->setMinimumWidth(180);
    group_->setToolTip(tr("The node group whose provisions and recordings are shown"));
    mediaStatus_->setObjectName(QStringLiteral("mediaStatus"));
    mediaStatus_->setStyleSheet(QStringLiteral("color: #d93636;"));
    mediaStatus_->setWordWrap(true);

    // Restreamers & destinations.
    for (auto* v : {jobsView_, recordingsView_, targetsView_})
        v->setSelectionMode(QAbstractItemView::SingleSelection);
    auto* header = jobsView_->horizontalHeader();
    header->resizeSection(MediaJobTableModel::Provision, 160);
    header->resizeSection(MediaJobTableModel::Stream, 110);
    header->resizeSection(MediaJobTableModel::Kind, 55);
    header->resizeSection(MediaJobTableModel::Type, 75);
    header->resizeSection(MediaJobTableModel::Remote, 260);
    header->resizeSection(MediaJobTableModel::Node, 90);
    header->resizeSection(MediaJobTableModel::State, 90);
    header->resizeSection(MediaJobTableModel::Bitrate, 75);
    header->resizeSection(MediaJobTableModel::Uptime, 75);
    header->resizeSection(MediaJobTableModel::Restarts, 115);
    jobsView_->sortByColumn(MediaJobTableModel::Provision, Qt::AscendingOrder);
    auto* newRestreamerButton =
        actionButton(QStringLiteral(":/icons/add.svg"), tr("New restreamer…"),
                     tr("Pull a camera or a remote stream into the cluster, or push one out"),
                     QStringLiteral("newRestreamerButton"), this);
    auto* newSocial =
        actionButton(QStringLiteral(":/icons/add.svg"), tr("New social destination…"),
                     tr("Send a cluster stream to an RTMP/RTMPS platform with its stream key"),
                     QStringLiteral("newSocialButton"), this);
    deleteProvision_ = actionButton(QStringLiteral(":/icons/delete.svg"), tr("Delete provision…"),
                                    tr("Delete the selected row's provision and stop what it runs"),
                                    QStringLiteral("deleteProvisionButton"), this);
    tabs_->addTab(tabPage(jobsProxy_, jobsView_, tr("Filter: provision, stream, state, error…"),
                          {newRestreamerButton, newSocial, deleteProvision_}),
                  QIcon(QStringLiteral(":/icons/streams.svg")), tr("Restreamers && destinations"));

    // Recordings.
    recordingsView_->horizontalHeader()->resizeSection(RecordingTableModel::Stream, 160);
    recordingsView_->horizontalHeader()->resizeSection(RecordingTableModel::Started, 150);
    recordingsView_->sortByColumn(RecordingTableModel::Started, Qt::DescendingOrder);
    copyUrl_ = actionButton(QStringLiteral(":/icons/connect.svg"), tr("Copy playback URL"),
                            tr("Copy where the selected recording can be played"),
                            QStringLiteral("copyPlaybackUrlButton"), this);
    deleteRecording_ =
        actionButton(QStringLiteral(":/icons/delete.svg"), tr("Delete…"),
                     tr("Delete the selected recording: its stored object and its local file"),
                     QStringLiteral("deleteRecordingButton"), this);
    tabs_->addTab(tabPage(recordingsProxy_, recordingsView_, tr("Filter recordings…"),
                          {copyUrl_, deleteRecording_}),
                  QIcon(QStringLiteral(":/icons/events.svg")), tr("Recordings"));

    // Storage targets.
    targetsView_->horizontalHeader()->resizeSection(StorageTargetTableModel::Location, 280);
    targetsView_->horizontalHeader()->resizeSection(StorageTargetTableModel::Retention, 200);
    targetsView_->sortByColumn(StorageTargetTableModel::Name, Qt::AscendingOrder);
    auto* newTarget = actionButton(QStringLiteral(":/icons/add.svg"), tr("New…"),
                                   tr("Add a folder or S3 storage target"),
                                   QStringLiteral("newTargetButton"), this);
    editTarget_ = actionButton(QStringLiteral(":/icons/wizard.svg"), tr("Edit…"),
                               tr("Change the selected storage target"),
                               QStringLiteral("editTargetButton"), this);
    deleteTarget_ = actionButton(QStringLiteral(":/icons/delete.svg"), tr("Delete…"),
                                 tr("Delete the selected storage target (stored recordings stay)"),
                                 QStringLiteral("deleteTargetButton"), this);
    testTarget_ = actionButton(QStringLiteral(":/icons/check-ok.svg"), tr("Test"),
                               tr("Write, read back and delete a probe object"),
                               QStringLiteral("testTargetButton"), this);
    testResult_->setObjectName(QStringLiteral("targetTestResult"));
    testResult_->setWordWrap(true);
    testResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tabs_->addTab(tabPage(targetsProxy_, targetsView_, tr("Filter storage targets…"),
                          {newTarget, editTarget_, deleteTarget_, testTarget_}, testResult_),
                  QIcon(QStringLiteral(":/icons/storage.svg")), tr("Storage targets"));
    tabs_->setObjectName(QStringLiteral("mediaTabs"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Node group:"), this));
    top->addWidget(group_);
    top->addWidget(mediaStatus_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(message_);
    layout->addWidget(tabs_, 1);

    connect(newRestreamerButton, &QPushButton::clicked, this, [this] { newRestreamer(); });
    connect(newSocial, &QPushButton::clicked, this, [this] { newSocialDestination(); });
    connect(deleteProvision_, &QPushButton::clicked, this,
            &ProvisionsPanel::deleteCurrentProvision);
    connect(copyUrl_, &QPushButton::clicked, this, &ProvisionsPanel::copyPlaybackUrl);
    connect(deleteRecording_, &QPushButton::clicked, this,
            &ProvisionsPanel::deleteCurrentRecording);
    connect(newTarget, &QPushButton::clicked, this, [this] { newStorageTarget(); });
    connect(editTarget_, &QPushButton::clicked, this, [this] { editCurrentTarget(); });
    connect(targetsView_, &QTableView::doubleClicked, this, [this] { editCurrentTarget(); });
    connect(deleteTarget_, &QPushButton::clicked, this, &ProvisionsPanel::deleteCurrentTarget);
    connect(testTarget_, &QPushButton::clicked, this, &ProvisionsPanel::testCurrentTarget);
    for (auto* v : {jobsView_, recordingsView_, targetsView_})
        connect(v->selectionModel(), &QItemSelectionModel::currentChanged, this,
                &ProvisionsPanel::updateActions);
    connect(group_, &QComboBox::currentTextChanged, this, [this] {
        applyMedia();
        backend_.refreshMedia();
    });
    connect(&backend_, &ClusterBackend::mediaChanged, this, &ProvisionsPanel::applyMedia);
    connect(&runner_, &CommandRunner::failed, this,
            [this](const QString& what, const QString&, const QString& message) {
                if (isVisible())
                    message_->showError(QStringLiteral("%1: %2").arg(what, message));
            });
    // Fetched in the background while shown; a hidden page costs nothing.
    poll_->setInterval(1000);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (isVisible())
            backend_.refreshMedia();
    });
    poll_->start();
    refreshOnSnapshots(backend_);
    refresh();
    applyMedia();
}

void ProvisionsPanel::setMediaRefreshMs(int ms) {
    poll_->setInterval(ms);
}

void ProvisionsPanel::showEvent(QShowEvent* event) {
    Panel::showEvent(event);
    backend_.refreshMedia();
}

void ProvisionsPanel::refresh() {
    const auto snap = backend_.snapshot();
    QStringList names;
    for (const auto& [name, g] : snap->groups)
        names << qs(name);
    QStringList shown;
    for (int i = 0; i < group_->count(); ++i)
        shown << group_->itemText(i);
    if (names == shown)
        return updateActions();
    const QString current = group_->currentText();
    {
        const QSignalBlocker block(group_);
        group_->clear();
        group_->addItems(names);
        if (names.contains(current))
            group_->setCurrentText(current);
    }
    if (group_->currentText() != current) {
        applyMedia();
        backend_.refreshMedia();
    }
    updateActions();
}

QString ProvisionsPanel::nodeGroup() const {
    return group_->currentText();
}

void ProvisionsPanel::setNodeGroup(const QString& name) {
    refresh();
    group_->setCurrentText(name);
}

void ProvisionsPanel::applyMedia() {
    const auto media = backend_.media();
    const std::string group = nodeGroup().toStdString();
    jobs_->setMedia(*media, group);
    recordings_->setMedia(*media, group);
    targets_->setMedia(*media);
    mediaStatus_->setText(media->error);
    mediaStatus_->setToolTip(media->error);
    updateActions();
}

QString ProvisionsPanel::targetTestResult() const {
    return testResult_->text();
}

QString ProvisionsPanel::currentProvision() const {
    const int row = currentSourceRow(jobsView_, jobsProxy_);
    return row < 0 ? QString() : qs(jobs_->rowAt(row).provisionGuid);
}

QString ProvisionsPanel::currentTarget() const {
    const int row = currentSourceRow(targetsView_, targetsProxy_);
    return row < 0 ? QString() : qs(targets_->rowAt(row).name);
}

qint64 ProvisionsPanel::currentRecording() const {
    const int row = currentSourceRow(recordingsView_, recordingsProxy_);
    return row < 0 ? 0 : recordings_->rowAt(row).id;
}

void ProvisionsPanel::updateActions() {
    deleteProvision_->setEnabled(!currentProvision().isEmpty());
    const bool recording = currentRecording() > 0;
    copyUrl_->setEnabled(recording);
    deleteRecording_->setEnabled(recording);
    const bool target = !currentTarget().isEmpty();
    editTarget_->setEnabled(target);
    deleteTarget_->setEnabled(target);
    testTarget_->setEnabled(target);
}

void ProvisionsPanel::runMedia(const QString& what,
                               std::function<void(std::function<void(Result<void>)>)> start,
                               std::function<void()> onSuccess) {
    runner_.run(
        what, nodeGroup(),
        [start = std::move(start)](ClusterBackend::CommandCallback done) {
            start(std::move(done));
        },
        std::move(onSuccess));
}

RestreamerDialog* ProvisionsPanel::newRestreamer() {
    const QString group = nodeGroup();
    // The dialog sends through the runner (busy indicator, event log) and learns the outcome
    // itself, so that it stays open on a refusal.
    auto submit = [this, group](nlohmann::json doc, ClusterBackend::CommandCallback done) {
        const QString guid = doc.is_array() && !doc.empty()
                                 ? qs(doc[0].value("provisionGuid", std::string()))
                                 : QString();
        runMedia(
            tr("Create restreamer %1").arg(guid),
            [this, group, doc = std::move(doc), done](ClusterBackend::CommandCallback finished) {
                backend_.createProvisions(group.toStdString(), doc,
                                          [done, finished](Result<void> r) {
                                              done(r);
                                              finished(std::move(r));
                                          });
            },
            [this, guid] { message_->showInfo(tr("Provision %1 created").arg(guid)); });
    };
    auto* dialog = new RestreamerDialog(backend_.mediaPolicy(), submit, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New restreamer in %1").arg(group));
    dialog->open();
    return dialog;
}

SocialDestinationDialog* ProvisionsPanel::newSocialDestination() {
    const QString group = nodeGroup();
    auto submit = [this, group](nlohmann::json doc, ClusterBackend::CommandCallback done) {
        const QString guid = doc.is_array() && !doc.empty()
                                 ? qs(doc[0].value("provisionGuid", std::string()))
                                 : QString();
        runMedia(
            tr("Create social destination %1").arg(guid),
            [this, group, doc = std::move(doc), done](ClusterBackend::CommandCallback finished) {
                backend_.createProvisions(group.toStdString(), doc,
                                          [done, finished](Result<void> r) {
                                              done(r);
                                              finished(std::move(r));
                                          });
            },
            [this, guid] { message_->showInfo(tr("Provision %1 created").arg(guid)); });
    };
    auto* dialog = new SocialDestinationDialog(backend_.mediaPolicy(), submit, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New social destination in %1").arg(group));
    dialog->open();
    return dialog;
}

StorageTargetDialog* ProvisionsPanel::newStorageTarget() {
    auto submit = [this](nlohmann::json doc, ClusterBackend::CommandCallback done) {
        const QString name = qs(doc.value("name", std::string()));
        runMedia(
            tr("Save storage target %1").arg(name),
            [this, doc = std::move(doc), done](ClusterBackend::CommandCallback finished) {
                backend_.putStorageTarget(doc, [done, finished](Result<void> r) {
                    done(r);
                    finished(std::move(r));
                });
            },
            [this, name] { message_->showInfo(tr("Storage target %1 saved").arg(name)); });
    };
    // Tests are not commands (nothing changes): straight to the backend.
    auto test = [this](nlohmann::json doc, ClusterBackend::CommandCallback done) {
        backend_.testStorageTarget(std::move(doc), std::move(done));
    };
    auto* dialog = new StorageTargetDialog(submit, test, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

StorageTargetDialog* ProvisionsPanel::editCurrentTarget() {
    const int row = currentSourceRow(targetsView_, targetsProxy_);
    if (row < 0)
        return nullptr;
    const auto doc = targets_->rowAt(row).doc;
    auto submit = [this](nlohmann::json next, ClusterBackend::CommandCallback done) {
        const QString name = qs(next.value("name", std::string()));
        runMedia(
            tr("Save storage target %1").arg(name),
            [this, next = std::move(next), done](ClusterBackend::CommandCallback finished) {
                backend_.putStorageTarget(next, [done, finished](Result<void> r) {
                    done(r);
                    finished(std::move(r));
                });
            },
            [this, name] { message_->showInfo(tr("Storage target %1 saved").arg(name)); });
    };
    auto test = [this](nlohmann::json next, ClusterBackend::CommandCallback done) {
        backend_.testStorageTarget(std::move(next), std::move(done));
    };
    auto* dialog = new StorageTargetDialog(submit, test, doc, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void ProvisionsPanel::deleteCurrentProvision() {
    const QString guid = currentProvision();
    const QString group = nodeGroup();
    if (guid.isEmpty())
        return;
    QStringList what;
    for (int i = 0; i < jobs_->rowCount(); ++i) {
        const auto& r = jobs_->rowAt(i);
        if (qs(r.provisionGuid) == guid && !r.kind.empty())
            what << QStringLiteral("%1 %2 (%3)").arg(qs(r.kind), qs(r.type), qs(r.streamGuid));
    }
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Delete provision"),
                                tr("Delete provision “%1” of %2?").arg(guid, group),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmDeleteProvision"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(what.isEmpty()
                                ? tr("It runs no media job. Recordings already made are kept.")
                                : tr("This stops %1. Recordings already made are kept.")
                                      .arg(what.join(QStringLiteral(", "))));
    auto* destroy = box->addButton(tr("Delete %1").arg(guid), QMessageBox::DestructiveRole);
    destroy->setObjectName(QStringLiteral("confirmDeleteButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, destroy, guid, group](QAbstractButton* b) {
                if (b != destroy)
                    return;
                runMedia(
                    tr("Delete provision %1").arg(guid),
                    [this, guid, group](ClusterBackend::CommandCallback done) {
                        backend_.deleteProvision(group.toStdString(), guid.toStdString(),
                                                 std::move(done));
                    },
                    [this, guid] { message_->showInfo(tr("Provision %1 deleted").arg(guid)); });
            });
    box->open();
}

void ProvisionsPanel::deleteCurrentTarget() {
    const QString name = currentTarget();
    if (name.isEmpty())
        return;
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Delete storage target"),
                        tr("Delete storage target “%1”?").arg(name), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmDeleteTarget"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Objects already stored there are not deleted. Provisions that "
                               "record to it will fail to upload until it exists again."));
    auto* destroy = box->addButton(tr("Delete %1").arg(name), QMessageBox::DestructiveRole);
    destroy->setObjectName(QStringLiteral("confirmDeleteButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, destroy, name](QAbstractButton* b) {
        if (b != destroy)
            return;
        runMedia(
            tr("Delete storage target %1").arg(name),
            [this, name](ClusterBackend::CommandCallback done) {
                backend_.deleteStorageTarget(name.toStdString(), std::move(done));
            },
            [this, name] { message_->showInfo(tr("Storage target %1 deleted").arg(name)); });
    });
    box->open();
}

void ProvisionsPanel::testCurrentTarget() {
    const int row = currentSourceRow(targetsView_, targetsProxy_);
    if (row < 0)
        return;
    const auto& target = targets_->rowAt(row);
    const QString name = qs(target.name);
    testTarget_->setEnabled(false);
    testResult_->setStyleSheet(QString());
    testResult_->setText(tr("Testing %1…").arg(name));
    QPointer<ProvisionsPanel> self(this);
    // The masked document: the media layer uses the stored secrets for masked ones.
    backend_.testStorageTarget(target.doc, [self, name](Result<void> r) {
        if (!self)
            return;
        self->updateActions();
        self->testResult_->setStyleSheet(r ? QStringLiteral("color: #22a05a; font-weight: 600;")
                                           : QStringLiteral("color: #d93636;"));
        self->testResult_->setText(r ? tr("%1: OK").arg(name) : qs(r.error().message));
    });
}

void ProvisionsPanel::copyPlaybackUrl() {
    const qint64 id = currentRecording();
    if (id <= 0)
        return;
    QPointer<ProvisionsPanel> self(this);
    backend_.recordingPlaybackUrl(nodeGroup().toStdString(), id, [self](Result<QString> url) {
        if (!self)
            return;
        if (!url) {
            self->message_->showError(tr("Playback URL: %1").arg(qs(url.error().message)));
            return;
        }
        QApplication::clipboard()->setText(*url);
        self->message_->showInfo(tr("Copied %1").arg(*url));
    });
}

void ProvisionsPanel::deleteCurrentRecording() {
    const qint64 id = currentRecording();
    const QString group = nodeGroup();
    if (id <= 0)
        return;
    const int row = currentSourceRow(recordingsView_, recordingsProxy_);
    const QString stream = qs(recordings_->rowAt(row).streamGuid);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Delete recording"),
                                tr("Delete recording %1 of %2?").arg(id).arg(stream),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmDeleteRecording"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Its stored object and its local file are deleted. It cannot be "
                               "undone."));
    auto* destroy = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    destroy->setObjectName(QStringLiteral("confirmDeleteButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, destroy, id, group](QAbstractButton* b) {
        if (b != destroy)
            return;
        runMedia(
            tr("Delete recording %1").arg(id),
            [this, id, group](ClusterBackend::CommandCallback done) {
                backend_.deleteRecording(group.toStdString(), id, std::move(done));
            },
            [this, id] { message_->showInfo(tr("Recording %1 deleted").arg(id)); });
    });
    box->open();
}

} // namespace sy::ui
