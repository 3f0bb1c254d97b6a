// switchyard: the operations console. Parses options, wires the shell and its pages, runs.

#include "ui/shell/consolepages.h"
#include "ui/shell/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QUrl>

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
        QStringLiteral("Operations console for live-streaming clusters."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    QStringLiteral("Attach to a remote Stream Manager at URL."),
                                    QStringLiteral("URL"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Start an embedded demo node group."));
    const QCommandLineOption wall(QStringLiteral("wall"),
                                  QStringLiteral("Open the full-screen monitoring wall."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("State directory of the embedded cluster."),
                                     QStringLiteral("DIR"));
    parser.addOptions({attach, demo, wall, dataDir});
    parser.process(app);

    if (parser.isSet(attach)) {
        const QUrl url(parser.value(attach), QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            qCritical("switchyard: --attach needs an http:// or https:// URL, got '%s'",
                      qPrintable(parser.value(attach)));
            return 2;
        }
    }

    QSettings settings;
    sy::ui::MainWindow window(settings);
    sy::ui::addStandardPages(window);
    window.setConnectionText(parser.isSet(attach)
                                 ? QObject::tr("Attaching to %1").arg(parser.value(attach))
                                 : QObject::tr("Embedded — no node group yet"));
    window.restoreLayout();
    if (parser.isSet(wall))
        window.showFullScreen();
    else
        window.show();
    return app.exec();
}
