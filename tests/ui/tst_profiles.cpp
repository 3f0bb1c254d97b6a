// Connection profiles in QSettings and their passwords in a real keychain (gnome-keyring's
// Secret Service in a private D-Bus session, see with-keyring.sh): profiles round-trip, bad
// profiles say what is wrong, and a password is readable from the keychain but appears nowhere
// in the settings file.

#include "ui/profiles/connectionprofile.h"
#include "ui/profiles/credentialstore.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using sy::ui::ConnectionProfile;
using sy::ui::KeychainCredentialStore;
using sy::ui::ProfileStore;

class TestProfiles : public QObject {
    Q_OBJECT
private slots:
    void profilesRoundTrip();
    void problemsNameTheCause_data();
    void problemsNameTheCause();
    void passwordsLiveInTheKeychainOnly();
};

namespace {

ConnectionProfile remote(const QString& name, const QString& url, const QString& user) {
    ConnectionProfile p;
    p.name = name;
    p.kind = ConnectionProfile::Kind::Remote;
    p.url = QUrl(url);
    p.user = user;
    return p;
}

} // namespace

void TestProfiles::profilesRoundTrip() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("s.ini"));
    ConnectionProfile lab;
    lab.name = QStringLiteral("Lab / bench 2"); // a slash must not nest settings groups
    lab.dataDir = QStringLiteral("/srv/lab");
    const auto prod = remote(QStringLiteral("Production"), QStringLiteral("https://sm.example.com"),
                             QStringLiteral("ops"));
    {
        QSettings settings(file, QSettings::IniFormat);
        ProfileStore store(settings);
        store.save(prod);
        store.save(lab);
        store.setLastUsed(prod.name);
        auto changed = prod;
        changed.user = QStringLiteral("admin");
        store.save(changed); // same name: replaces
    }
    QSettings settings(file, QSettings::IniFormat);
    ProfileStore store(settings);
    const auto all = store.profiles();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0], lab);
    QCOMPARE(all[1].user, QStringLiteral("admin"));
    QCOMPARE(all[1].url, prod.url);
    QCOMPARE(store.lastUsed(), prod.name);
    QVERIFY(store.find(lab.name).has_value());
    store.remove(lab.name);
    QCOMPARE(store.profiles().size(), 1);
    QVERIFY(!store.find(lab.name).has_value());
}

void TestProfiles::problemsNameTheCause_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("problem"); // a piece of it; empty: fine
    QTest::addRow("fine") << QStringLiteral("http://127.0.0.1:5080") << QStringLiteral("a")
                          << QString();
    QTest::addRow("ftp") << QStringLiteral("ftp://host") << QStringLiteral("a")
                         << QStringLiteral("http");
    QTest::addRow("no host") << QStringLiteral("http://") << QStringLiteral("a")
                             << QStringLiteral("host");
    QTest::addRow("no user") << QStringLiteral("https://sm") << QString() << QStringLiteral("user");
}

void TestProfiles::problemsNameTheCause() {
    QFETCH(QString, url);
    QFETCH(QString, user);
    QFETCH(QString, problem);
    const auto p = remote(QStringLiteral("x"), url, user);
    if (problem.isEmpty())
        QVERIFY2(p.problem().isEmpty(), qPrintable(p.problem()));
    else
        QVERIFY2(p.problem().contains(problem), qPrintable(p.problem()));
}

void TestProfiles::passwordsLiveInTheKeychainOnly() {
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("needs a D-Bus session with a Secret Service: run through with-keyring.sh");
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("s.ini"));
    const QString secret = QStringLiteral("s3cret-%1").arg(QDateTime::currentMSecsSinceEpoch());
    const auto prod = remote(QStringLiteral("Production"), QStringLiteral("https://sm.example.com"),
                             QStringLiteral("ops"));
    KeychainCredentialStore keychain(QStringLiteral("switchyard-test"));
    {
        QSettings settings(file, QSettings::IniFormat);
        ProfileStore(settings).save(prod);
    }
    std::optional<bool> written;
    QString error;
    keychain.write(prod.credentialKey(), secret, [&](bool ok, const QString& e) {
        written = ok;
        error = e;
    });
    QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 20000);
    QVERIFY2(*written, qPrintable(error));

    std::optional<std::optional<QString>> read;
    keychain.read(prod.credentialKey(),
                  [&](std::optional<QString> pw, const QString&) { read = std::move(pw); });
    QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 20000);
    QCOMPARE(read->value_or(QString()), secret);

    QFile ini(file);
    QVERIFY(ini.open(QIODevice::ReadOnly));
    const QByteArray text = ini.readAll();
    QVERIFY(text.contains("sm.example.com"));
    QVERIFY(!text.contains(secret.toUtf8()));

    std::optional<bool> removed;
    keychain.remove(prod.credentialKey(), [&](bool ok, const QString&) { removed = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 20000);
    QVERIFY(*removed);
    read.reset();
    keychain.read(prod.credentialKey(),
                  [&](std::optional<QString> pw, const QString&) { read = std::move(pw); });
    QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 20000);
    QVERIFY(!read->has_value());
}

QTEST_GUILESS_MAIN(TestProfiles)
#include "tst_profiles.moc"
