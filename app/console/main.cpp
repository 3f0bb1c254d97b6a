// switchyard: the operations console. Parses options, picks the connection, runs.

#include "app/console/console.h"
#include "app/console/consolelauncher.h"
#include "ui/profiles/credentialstore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>

namespace {

QString appDataDir(const QString& leaf) {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(leaf);
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Switchyard"));
    QApplication::setApplicationName(QStringLiteral("switchyard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Switchyard"));
    QApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("switchyard"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/switchyard.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Operations console for live-streaming clusters.\n\n"
                       "With no option it opens the last connection profile, or an embedded "
                       "cluster on this computer. The password for --attach comes from "
                       "SWITCHYARD_PASSWORD, the system keychain, or a prompt."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    QStringLiteral("Attach to a remote Stream Manager at URL."),
                                    QStringLiteral("URL"));
    const QCommandLineOption user(QStringLiteral("user"),
                                  QStringLiteral("User name for --attach (default: admin)."),
                                  QStringLiteral("NAME"), QStringLiteral("admin"));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     QStringLiteral("Open the saved connection profile NAME."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral("Start an embedded cluster with a simulated demo node group."));
    const QCommandLineOption wall(QStringLiteral("wall"),
                                  QStringLiteral("Open the full-screen monitoring wall."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("State directory of the embedded cluster."),
                                     QStringLiteral("DIR"));
    parser.addOptions({attach, user, profile, demo, wall, dataDir});
    parser.process(app);

    QSettings settings;
    sy::ui::ProfileStore profiles(settings);
    sy::ui::ConnectionProfile chosen;
    sy::ui::ConsoleLauncher::Options options;
    options.demo = parser.isSet(demo);
    options.wall = parser.isSet(wall);
    if (parser.isSet(attach)) {
        const QUrl url(parser.value(attach), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            qCritical("switchyard: --attach needs an http:// or https:// URL, got '%s'",
                      qPrintable(parser.value(attach)));
            return 2;
        }
        chosen.kind = sy::ui::ConnectionProfile::Kind::Remote;
        chosen.url = url;
        chosen.user = parser.value(user);
        chosen.name = QStringLiteral("%1@%2").arg(chosen.user, url.authority());
        options.password = qEnvironmentVariable("SWITCHYARD_PASSWORD");
    } else if (parser.isSet(profile)) {
        const auto found = profiles.find(parser.value(profile));
        if (!found) {
            qCritical("switchyard: no connection profile named '%s'",
                      qPrintable(parser.value(profile)));
            return 2;
        }
        chosen = *found;
    } else if (parser.isSet(demo) || parser.isSet(dataDir)) {
        chosen.kind = sy::ui::ConnectionProfile::Kind::Embedded;
        chosen.dataDir =
            parser.isSet(dataDir) ? parser.value(dataDir) : appDataDir(QStringLiteral("demo"));
        chosen.name = parser.isSet(demo) ? QStringLiteral("Demo")
                                         : QStringLiteral("Embedded: %1").arg(chosen.dataDir);
    } else {
        chosen =
            sy::ui::ConsoleLauncher::startProfile(profiles, appDataDir(QStringLiteral("cluster")));
    }

    sy::ui::KeychainCredentialStore keychain;
    sy::ui::ConsoleLauncher launcher(settings, keychain);
    // A profile that cannot open shows why and offers the connect dialog.
    launcher.connectTo(chosen, options);
    return app.exec();
}
