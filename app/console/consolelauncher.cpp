#include "app/console/consolelauncher.h"

#include "app/console/console.h"
#include "core/api/clusterhost.h"
#include "ui/backend/commandrunner.h"
#include "ui/backend/embeddedbackend.h"
#include "ui/backend/remotebackend.h"
#include "ui/profiles/connectdialog.h"
#include "ui/profiles/credentialstore.h"
#include "ui/shell/mainwindow.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

namespace sy::ui {

ConsoleLauncher::ConsoleLauncher(QSettings& settings, CredentialStore& credentials, QObject* parent)
    : QObject(parent)
    , settings_(settings)
    , profiles_(settings)
    , credentials_(credentials) {}

ConsoleLauncher::~ConsoleLauncher() = default;

ConnectionProfile ConsoleLauncher::startProfile(ProfileStore& profiles, const QString& defaultDir) {
    if (auto last = profiles.find(profiles.lastUsed()))
        return *last;
    ConnectionProfile p;
    p.name = QObject::tr("This computer");
    p.kind = ConnectionProfile::Kind::Embedded;
    p.dataDir = defaultDir;
    return p;
}

bool ConsoleLauncher::connectTo(const ConnectionProfile& profile, const Options& options) {
    if (const QString problem = profile.problem(); !problem.isEmpty()) {
        showError(tr("Cannot connect with profile “%1”: %2").arg(profile.name, problem));
        return false;
    }
    if (profile.kind == ConnectionProfile::Kind::Embedded)
        return connectEmbedded(profile, options);
    if (!options.password.isEmpty()) {
        connectRemote(profile, options, options.password);
        return true;
    }
    // The keychain answers asynchronously; without an entry (or a keychain) the operator is asked.
    QPointer<ConsoleLauncher> self(this);
    credentials_.read(profile.credentialKey(),
                      [self, profile, options](std::optional<QString> password, QString error) {
                          if (!self)
                              return;
                          if (password)
                              return self->connectRemote(profile, options, *password);
                          self->askPassword(profile, options, error);
                      });
    return true;
}

bool ConsoleLauncher::connectEmbedded(const ConnectionProfile& profile, const Options& options) {
    api::ClusterHostOptions hostOptions;
    hostOptions.dataDir = profile.dataDir.toStdString();
    auto host = api::ClusterHost::open(std::move(hostOptions));
    if (!host) {
        showError(tr("Cannot open the embedded cluster in %1: %2")
                      .arg(profile.dataDir, QString::fromStdString(host.error().message)));
        return false;
    }
    auto* hostPtr = host->get();
    if (options.demo)
        hostPtr->startDemoTraffic();
    auto backend = std::make_unique<EmbeddedBackend>(std::move(host).value());
    auto* backendPtr = backend.get();
    auto console = std::make_unique<Console>(std::move(backend), hostPtr, settings_);
    if (options.demo && !backendPtr->snapshot()->group("demo")) {
        Console* c = console.get();
        c->runner().run(tr("Create the demo node group"), QStringLiteral("demo"),
                        [backendPtr](ClusterBackend::CommandCallback done) {
                            backendPtr->createNodeGroup(api::ClusterHost::demoNodeGroup(),
                                                        std::move(done));
                        });
    }
    if (!hostPtr->localUnavailable().empty())
        console->window().statusBar()->showMessage(
            tr("LOCAL node groups unavailable: %1")
                .arg(QString::fromStdString(hostPtr->localUnavailable())),
            15000);
    install(std::move(console), profile, options);
    return true;
}

void ConsoleLauncher::connectRemote(const ConnectionProfile& profile, const Options& options,
                                    const QString& password) {
    auto backend = std::make_unique<RemoteBackend>(profile.url, profile.user, password);
    if (options.rememberPassword) {
        // Stored once the server has accepted it, so a typo never lands in the keychain.
        auto* b = backend.get();
        auto stored = std::make_shared<bool>(false);
        connect(b, &ClusterBackend::connectionChanged, this,
                [this, profile, password, stored](bool connected, const QString&) {
                    if (!connected || *stored)
                        return;
                    *stored = true;
                    credentials_.write(profile.credentialKey(), password,
                                       [this](bool ok, const QString& error) {
                                           if (!ok && console_)
                                               console_->window().statusBar()->showMessage(
                                                   tr("The password was not saved in the "
                                                      "keychain: %1")
                                                       .arg(error),
                                                   15000);
                                       });
                });
    }
    install(std::make_unique<Console>(std::move(backend), nullptr, settings_), profile, options);
}

void ConsoleLauncher::askPassword(const ConnectionProfile& profile, const Options& options,
                                  const QString& why) {
    auto* dialog = new QInputDialog(console_ ? &console_->window() : nullptr);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("passwordDialog"));
    dialog->setWindowTitle(tr("Password for %1").arg(profile.url.toString()));
    dialog->setLabelText(tr("Password of %1 on %2:").arg(profile.user, profile.url.host()));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setToolTip(why);
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, profile, options](const QString& password) {
                auto remember = options;
                remember.rememberPassword = true;
                connectRemote(profile, remember, password);
            });
    dialog->open();
}

void ConsoleLauncher::install(std::unique_ptr<Console> console, const ConnectionProfile& profile,
                              const Options& options) {
    if (!profile.name.isEmpty()) {
        profiles_.save(profile);
        profiles_.setLastUsed(profile.name);
    }
    console_ = std::move(console);
    connect(console_.get(), &Console::connectRequested, this, &ConsoleLauncher::showConnectDialog);
    auto& window = console_->window();
    window.restoreLayout();
    window.show();
    if (options.wall)
        console_->openWall();
}

void ConsoleLauncher::showConnectDialog() {
    auto* dialog = new ConnectDialog(profiles_, console_ ? &console_->window() : nullptr);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->selectProfile(profiles_.lastUsed());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        Options options;
        options.password = dialog->password();
        options.rememberPassword = dialog->rememberPassword();
        const auto profile = dialog->profile();
        // The dialog belongs to the window about to be replaced: switch after this event.
        QTimer::singleShot(0, this, [this, profile, options] {
            if (console_)
                console_->window().saveLayout();
            // Not close(): closing the last window would quit the application.
            console_.reset();
            connectTo(profile, options);
        });
    });
    dialog->open();
}

void ConsoleLauncher::showError(const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Switchyard"), text, QMessageBox::Ok,
                                console_ ? &console_->window() : nullptr);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("connectionError"));
    if (!console_)
        connect(box, &QMessageBox::finished, this, &ConsoleLauncher::showConnectDialog);
    box->open();
}

} // namespace sy::ui
