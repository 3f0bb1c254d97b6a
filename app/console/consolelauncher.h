#pragma once
// ConsoleLauncher: turns a connection profile into a running Console. Embedded profiles open a
// ClusterHost in their data directory; remote ones take the password from the command line's
// environment, the keychain, or the operator (asked without a nested event loop), and store it
// in the keychain once a login succeeded when asked to. Connecting elsewhere replaces the
// console after the current event has finished.

#include "ui/profiles/connectionprofile.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QSettings;

namespace sy::ui {

class Console;
class CredentialStore;

class ConsoleLauncher final : public QObject {
    Q_OBJECT
public:
    struct Options {
        bool demo = false; // create the demo node group in an embedded cluster
        bool wall = false; // open the monitoring wall once connected
        QString password;  // remote: use this, do not look in the keychain
        bool rememberPassword = false;
    };

    ConsoleLauncher(QSettings& settings, CredentialStore& credentials, QObject* parent = nullptr);
    ~ConsoleLauncher() override;

    // Replaces the current console by one connected through `profile`. Errors are shown to the
    // operator; returns false when the profile cannot even be tried.
    bool connectTo(const ConnectionProfile& profile, const Options& options);
    Console* console() const { return console_.get(); }

    // The profile when none is named: the last used, else an embedded cluster in `defaultDir`.
    static ConnectionProfile startProfile(ProfileStore& profiles, const QString& defaultDir);

private:
    bool connectEmbedded(const ConnectionProfile& profile, const Options& options);
    void connectRemote(const ConnectionProfile& profile, const Options& options,
                       const QString& password);
    void askPassword(const ConnectionProfile& profile, const Options& options, const QString& why);
    void install(std::unique_ptr<Console> console, const ConnectionProfile& profile,
                 const Options& options);
    void showConnectDialog();
    void showError(const QString& text);

    QSettings& settings_;
    ProfileStore profiles_;
    CredentialStore& credentials_;
    std::unique_ptr<Console> console_;
};

} // namespace sy::ui
