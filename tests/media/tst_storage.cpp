// Storage targets end to end: a folder on disk, and S3 through rclone against a real
// S3-compatible server (s3rver) on loopback. Plus the pure parts: config codec and validation,
// verified-upload comparison and retention.
#include "core/media/storagetarget.h"
#include "tests/support/s3server.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

using namespace sy::media;

namespace {

constexpr const char* kSecret = "TopSecretValue-9f8e7d";
constexpr std::int64_t kDay = 86400000;

std::string str(const QString& s) {
    return s.toStdString();
}

// A real 2-second H.264 MP4 (what recordings are).
bool makeMp4(const QString& file, QString* error) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("ffmpeg"),
            QStringList{QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"),
                        QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"),
                        QStringLiteral("testsrc=size=320x240:rate=25"), QStringLiteral("-t"),
                        QStringLiteral("2"), QStringLiteral("-c:v"), QStringLiteral("libx264"),
                        QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"), file});
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000) || p.exitCode() != 0) {
        *error = QStringLiteral("ffmpeg failed: ") + QString::fromLocal8Bit(p.readAll());
        p.kill();
        p.waitForFinished(5000);
        return false;
    }
    return true;
}

// ffprobe's idea of the duration of what a URL serves; -1 when it cannot read it.
double probeDuration(const QString& url, QString* output) {
    QProcess p;
    p.start(QStringLiteral("ffprobe"),
            QStringList{QStringLiteral("-v"), QStringLiteral("error"),
                        QStringLiteral("-show_entries"), QStringLiteral("format=duration"),
                        QStringLiteral("-of"), QStringLiteral("default=noprint_wrappers=1:nokey=1"),
                        url});
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        *output = QStringLiteral("ffprobe did not finish");
        return -1;
    }
    const QString out = QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    *output = out + QLatin1Char('\n') + QString::fromLocal8Bit(p.readAllStandardError());
    bool ok = false;
    const double parsed = out.toDouble(&ok);
    return p.exitCode() == 0 && ok ? parsed : -1;
}

StorageTargetConfig folderConfig(const QString& path) {
    StorageTargetConfig c;
    c.name = "local";
    c.kind = "folder";
    c.settings["path"] = str(path);
    return c;
}

StorageTargetConfig s3Config(const QString& endpoint, const std::string& bucket = "media",
                             const std::string& accessKeyId = sy::test::S3Server::accessKeyId) {
    StorageTargetConfig c;
    c.name = "archive";
    c.kind = "s3";
    c.settings = {{"bucket", bucket},
                  {"endpoint", str(endpoint)},
                  {"accessKeyId", accessKeyId},
                  // s3rver does not check the secret, so any value works; this one must never
                  // appear in a message.
                  {"secretAccessKey", kSecret},
                  {"prefix", "switchyard"}};
    return c;
}

StoredObject object(std::string key, std::int64_t modifiedMs) {
    return StoredObject{std::move(key), 100, modifiedMs, {}};
}

const char* msg(const sy::Error& e) {
    static thread_local std::string s;
    s = e.code + ": " + e.message;
    return s.c_str();
}

} // namespace

class TestStorage : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString mp4_;
    std::unique_ptr<sy::test::S3Server> s3_;
    QString s3Error_;

    // The S3 server, started on first use (the first start of a build installs s3rver).
    sy::test::S3Server* s3() {
        if (!s3_) {
            s3_ = std::make_unique<sy::test::S3Server>(
                QStringLiteral(SWITCHYARD_S3RVER_SCRIPT),
                QStringLiteral(SWITCHYARD_S3RVER_INSTALL_DIR),
                tmp_.filePath(QStringLiteral("s3data")), QStringList{QStringLiteral("media")});
            if (!s3_->start(&s3Error_)) {
                s3_.reset();
                // A failure, never a skip: CI installs node and npm.
                s3Error_ = QStringLiteral("s3rver did not start: ") + s3Error_;
                return nullptr;
            }
        }
        return s3_.get();
    }

    std::unique_ptr<StorageTarget> make(const StorageTargetConfig& c) {
        auto t = makeStorageTarget(c, str(tmp_.filePath(QStringLiteral("work"))));
        if (!t) {
            qWarning("makeStorageTarget: %s", msg(t.error()));
            return nullptr;
        }
        return std::move(*t);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        mp4_ = tmp_.filePath(QStringLiteral("clip.mp4"));
        QString error;
        QVERIFY2(makeMp4(mp4_, &error), qPrintable(error));
    }

    void cleanupTestCase() { s3_.reset(); }

    // ---- pure ----

    void fileMd5MatchesKnownValue() {
        const auto file = tmp_.filePath(QStringLiteral("abc.txt"));
        {
            std::ofstream f(str(file));
            f << "abc";
        }
        QCOMPARE(fileMd5(str(file)), std::string("900150983cd24fb0d6963f7d28e17f72"));
        QCOMPARE(fileMd5(str(tmp_.filePath(QStringLiteral("missing")))), std::string());
    }

    void sameContentRows() {
        const std::string md5 = "900150983cd24fb0d6963f7d28e17f72";
        QVERIFY(sameContent({"k", 3, 0, md5}, 3, md5));
        QVERIFY(sameContent({"k", 3, 0, "900150983CD24FB0D6963F7D28E17F72"}, 3, md5));
        QVERIFY(sameContent({"k", 3, 0, ""}, 3, md5)); // backend without MD5: size decides
        QVERIFY(!sameContent({"k", 4, 0, md5}, 3, md5));
        QVERIFY(!sameContent({"k", 3, 0, "00000000000000000000000000000000"}, 3, md5));
        QVERIFY(!sameContent({"k", 3, 0, md5}, 3, "")); // local file unreadable
    }

    void retention_data() {
        QTest::addColumn<std::optional<std::int64_t>>("maxAgeDays");
        QTest::addColumn<std::optional<std::int64_t>>("maxCount");
        QTest::addColumn<QStringList>("victims");
        using O = std::optional<std::int64_t>;
        QTest::newRow("none") << O() << O() << QStringList{};
        QTest::newRow("maxAge 5") << O(5) << O()
                                  << QStringList{QStringLiteral("a/1.mp4"),
                                                 QStringLiteral("b/1.mp4")};
        QTest::newRow("maxAge 100") << O(100) << O() << QStringList{};
        QTest::newRow("maxCount 2 per stream")
            << O() << O(2) << QStringList{QStringLiteral("a/1.mp4")};
        QTest::newRow("maxCount 1")
            << O() << O(1)
            << QStringList{QStringLiteral("a/1.mp4"), QStringLiteral("b/1.mp4"),
                           QStringLiteral("a/2.mp4")};
        QTest::newRow("both") << O(5) << O(2)
                              << QStringList{QStringLiteral("a/1.mp4"), QStringLiteral("b/1.mp4")};
        QTest::newRow("both, count wins")
            << O(30) << O(1)
            << QStringList{QStringLiteral("a/1.mp4"), QStringLiteral("b/1.mp4"),
                           QStringLiteral("a/2.mp4")};
        QTest::newRow("maxAge 1") << O(1) << O()
                                  << QStringList{
                                         QStringLiteral("a/1.mp4"), QStringLiteral("b/1.mp4"),
                                         QStringLiteral("a/2.mp4"), QStringLiteral("top.mp4")};
    }

    void retention() {
        QFETCH(std::optional<std::int64_t>, maxAgeDays);
        QFETCH(std::optional<std::int64_t>, maxCount);
        QFETCH(QStringList, victims);
        const std::int64_t now = 1000 * kDay;
        // Oldest first, as list() gives them: stream a has 3, stream b has 2.
        const std::vector<StoredObject> objects = {
            object("a/1.mp4", now - 10 * kDay),    object("b/1.mp4", now - 9 * kDay),
            object("a/2.mp4", now - 3 * kDay),     object("top.mp4", now - 2 * kDay),
            object("b/2.mp4", now - 12 * 3600000), object("a/3.mp4", now - 3600000)};
        const auto got = retentionVictims(RetentionPolicy{maxAgeDays, maxCount}, objects, now);
        QStringList gotList;
        for (const auto& k : got)
            gotList << QString::fromStdString(k);
        QCOMPARE(gotList, victims);
    }

    void decodeValidConfigs() {
        const nlohmann::json s3{{"name", "archive"},
                                {"kind", "s3"},
                                {"settings",
                                 {{"bucket", "media"},
                                  {"region", "eu-west-1"},
                                  {"endpoint", "https://s3.example.com"},
                                  {"accessKeyId", "AKIA123"},
                                  {"secretAccessKey", "shh"},
                                  {"prefix", "live/"}}},
                                {"retention", {{"maxAgeDays", 30}, {"maxCount", 10}}},
                                {"recordNodeGroups", {"eu", "us"}}};
        auto c = decodeStorageTarget(s3);
        QVERIFY2(c.ok(), c.ok() ? "" : msg(c.error()));
        QCOMPARE(c->settings.at("bucket"), std::string("media"));
        QCOMPARE(*c->retention.maxAgeDays, std::int64_t{30});
        QCOMPARE(c->recordNodeGroups.size(), std::size_t{2});
        // Round trip.
        auto again = decodeStorageTarget(encodeStorageTarget(*c, false));
        QVERIFY(again.ok());
        QVERIFY(*again == *c);
        // Masked: secrets hidden, everything else kept.
        const auto masked = encodeStorageTarget(*c, true);
        const auto text = masked.dump();
        QVERIFY(text.find("shh") == std::string::npos);
        QVERIFY(text.find("AKIA123") == std::string::npos);
        QCOMPARE(masked["settings"]["bucket"], nlohmann::json("media"));
        QVERIFY(!validateStorageTarget(*c).has_value());

        auto folder = decodeStorageTarget(
            {{"name", "local"}, {"kind", "folder"}, {"settings", {{"path", "/srv/rec"}}}});
        QVERIFY2(folder.ok(), folder.ok() ? "" : msg(folder.error()));
        QVERIFY(!folder->retention.maxCount.has_value());
    }

    void decodeGivesEveryProblem() {
        auto r = decodeStorageTarget({{"name", "bad name!"},
                                      {"kind", "s3"},
                                      {"settings", {{"endpoint", "ftp://x"}}},
                                      {"retention", {{"maxAgeDays", 0}}}});
        QVERIFY(!r.ok());
        const auto& m = r.error().message;
        for (const char* expected :
             {"name:", "settings.bucket: required for s3", "settings.accessKeyId: required",
              "settings.secretAccessKey: required",
              "settings.endpoint:", "retention.maxAgeDays: must be >= 1"})
            QVERIFY2(m.find(expected) != std::string::npos, m.c_str());

        auto folder = decodeStorageTarget(
            {{"name", "local"}, {"kind", "folder"}, {"settings", {{"path", "relative/dir"}}}});
        QVERIFY(!folder.ok());
        QVERIFY(folder.error().message.find("absolute") != std::string::npos);
        auto kind = decodeStorageTarget({{"name", "x"}, {"kind", "ftp"}});
        QVERIFY(!kind.ok());
        QVERIFY(kind.error().message.find("kind") != std::string::npos);
        auto types =
            decodeStorageTarget({{"name", 5}, {"kind", "s3"}, {"settings", 3}, {"extra", true}});
        QVERIFY(!types.ok());
        QVERIFY(types.error().message.find("extra: unknown field") != std::string::npos);
        QVERIFY(!decodeStorageTarget(nlohmann::json::array()).ok());
        auto prefix = decodeStorageTarget({{"name", "x"},
                                           {"kind", "s3"},
                                           {"settings",
                                            {{"bucket", "b"},
                                             {"accessKeyId", "a"},
                                             {"secretAccessKey", "s"},
                                             {"prefix", "../escape"}}}});
        QVERIFY(!prefix.ok());
        QVERIFY(prefix.error().message.find("settings.prefix") != std::string::npos);
    }

    void secretSettings() {
        QVERIFY(isSecretSetting("s3", "secretAccessKey"));
        QVERIFY(isSecretSetting("s3", "accessKeyId"));
        QVERIFY(!isSecretSetting("s3", "bucket"));
        QVERIFY(!isSecretSetting("s3", "endpoint"));
        QVERIFY(isSecretSetting("azureblob", "key"));
        QVERIFY(isSecretSetting("sftp", "pass"));
        QVERIFY(isSecretSetting("gcs", "service_account_credentials"));
        QVERIFY(!isSecretSetting("sftp", "host"));
        QVERIFY(!isSecretSetting("folder", "path"));
    }

    // ---- folder ----

    void folderEndToEnd() {
        const auto root = tmp_.filePath(QStringLiteral("folder"));
        QVERIFY(QDir().mkpath(root));
        auto t = make(folderConfig(root));
        QVERIFY(t);
        QVERIFY2(t->test().ok(), msg(t->test().error()));
        const std::string key = "live/cam1/2026-11-24T04-05-00Z.mp4";
        const auto localMd5 = fileMd5(str(mp4_));
        QVERIFY(!localMd5.empty());
        const auto localSize = static_cast<std::int64_t>(QFileInfo(mp4_).size());
        auto up = t->upload(str(mp4_), key);
        QVERIFY2(up.ok(), up.ok() ? "" : msg(up.error()));
        QCOMPARE(up->size, localSize);
        QVERIFY(sameContent(*up, localSize, localMd5));
        auto st = t->stat(key);
        QVERIFY(st.ok());
        QCOMPARE(st->md5, localMd5);
        QCOMPARE(st->size, localSize);
        // Uploading again replaces (a redone upload never duplicates) and leaves no temp file.
        QVERIFY(t->upload(str(mp4_), key).ok());
        QVERIFY(t->upload(str(mp4_), "live/cam2/b.mp4").ok());
        auto all = t->list("");
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{2});
        auto cam1 = t->list("live/cam1/");
        QVERIFY(cam1.ok());
        QCOMPARE(cam1->size(), std::size_t{1});
        QCOMPARE(cam1->front().key, key);
        QCOMPARE(cam1->front().size, localSize);
        auto partial = t->list("live/cam");
        QVERIFY(partial.ok());
        QCOMPARE(partial->size(), std::size_t{2});
        auto none = t->list("nothing/here/");
        QVERIFY(none.ok());
        QVERIFY(none->empty());
        int entries = 0;
        for ([[maybe_unused]] const auto& e :
             std::filesystem::directory_iterator(str(root + QStringLiteral("/live/cam1"))))
            ++entries;
        QCOMPARE(entries, 1);

        auto url = t->playbackUrl(key, std::chrono::seconds(3600));
        QVERIFY(url.ok());
        QVERIFY2(url->starts_with("file:///"), url->c_str());
        QString out;
        const double d = probeDuration(QString::fromStdString(*url), &out);
        QVERIFY2(d > 1.8 && d < 2.2, qPrintable(out));

        QVERIFY(t->remove(key).ok());
        QCOMPARE(t->stat(key).error().code, std::string("not_found"));
        QCOMPARE(t->remove(key).error().code, std::string("not_found"));
        QVERIFY(!QFileInfo::exists(root +
                                   QStringLiteral("/live/cam1"))); // empty stream directory dropped
        QVERIFY(t->remove("live/cam2/b.mp4").ok());
        auto empty = t->list("");
        QVERIFY(empty.ok());
        QVERIFY(empty->empty());
        QVERIFY(
            QDir(root).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
        // Keys cannot leave the root.
        QCOMPARE(t->upload(str(mp4_), "../escape.mp4").error().code,
                 std::string("invalid_argument"));
        QCOMPARE(t->stat("/etc/passwd").error().code, std::string("invalid_argument"));
    }

    void folderReadOnlyFailsAtWrite() {
        // "nobody" (below) must reach the directory (as group root too: fsgid stays 0), so
        // that the probe fails on the write, not on the way there.
        QCOMPARE(::chmod(str(tmp_.path()).c_str(), 0755), 0);
        const auto root = tmp_.filePath(QStringLiteral("readonly"));
        QVERIFY(QDir().mkpath(root));
        QCOMPARE(::chmod(str(root).c_str(), 0555), 0);
        auto t = make(folderConfig(root));
        QVERIFY(t);
        // Root ignores file modes; as root, check with the file system identity of "nobody"
        // for this thread only (setfsuid), which drops the override capabilities.
        const bool asRoot = ::geteuid() == 0;
        if (asRoot)
            ::setfsuid(65534);
        auto r = t->test();
        auto up = t->upload(str(mp4_), "live/x.mp4");
        if (asRoot) {
            ::setfsuid(0);
            QCOMPARE(::setfsuid(static_cast<uid_t>(-1)), 0); // really back
        }
        QCOMPARE(::chmod(str(root).c_str(), 0755), 0);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find("test failed at write") != std::string::npos,
                 msg(r.error()));
        QVERIFY2(r.error().message.find(str(root)) != std::string::npos, msg(r.error()));
        QVERIFY2(r.error().message.find("Permission denied") != std::string::npos, msg(r.error()));
        QVERIFY(!up.ok());
        QVERIFY(
            QDir(root).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    }

    void folderMissingPath() {
        const auto root = tmp_.filePath(QStringLiteral("does/not/exist"));
        auto t = make(folderConfig(root));
        QVERIFY(t);
        auto r = t->test();
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find(str(root)) != std::string::npos, msg(r.error()));
        QVERIFY2(r.error().message.find("No such file") != std::string::npos, msg(r.error()));
        QVERIFY(!t->upload(str(mp4_), "a.mp4").ok());
        QVERIFY(!t->list("").ok());
        QVERIFY(!QFileInfo::exists(root)); // a missing mount point is not created
    }

    // ---- s3 through rclone ----

    void s3EndToEnd() {
        auto* server = s3();
        QVERIFY2(server, qPrintable(s3Error_));
        auto t = make(s3Config(server->endpoint()));
        QVERIFY(t);
        auto tested = t->test();
        QVERIFY2(tested.ok(), tested.ok() ? "" : msg(tested.error()));

        const std::string key = "live/cam1/2026-11-24T04-05-00Z.mp4";
        const auto localMd5 = fileMd5(str(mp4_));
        const auto localSize = static_cast<std::int64_t>(QFileInfo(mp4_).size());
        auto up = t->upload(str(mp4_), key);
        QVERIFY2(up.ok(), up.ok() ? "" : msg(up.error()));
        QCOMPARE(up->key, key);
        QCOMPARE(up->size, localSize);
        QCOMPARE(up->md5, localMd5);
        QVERIFY(sameContent(*up, localSize, localMd5));
        // The object is where the prefix says, in s3rver's own storage.
        QVERIFY(QFileInfo::exists(tmp_.filePath(QStringLiteral(
            "s3data/media/switchyard/live/cam1/2026-11-24T04-05-00Z.mp4._S3rver_object"))));

        auto st = t->stat(key);
        QVERIFY2(st.ok(), st.ok() ? "" : msg(st.error()));
        QCOMPARE(st->size, localSize);
        QCOMPARE(st->md5, localMd5);
        QVERIFY(st->modifiedMs > 0);
        QCOMPARE(t->stat("live/cam1/missing.mp4").error().code, std::string("not_found"));

        QVERIFY(t->upload(str(mp4_), "live/cam2/b.mp4").ok());
        auto all = t->list("");
        QVERIFY2(all.ok(), all.ok() ? "" : msg(all.error()));
        QCOMPARE(all->size(), std::size_t{2});
        auto cam1 = t->list("live/cam1/");
        QVERIFY(cam1.ok());
        QCOMPARE(cam1->size(), std::size_t{1});
        QCOMPARE(cam1->front().key, key);
        QCOMPARE(cam1->front().size, localSize);
        QCOMPARE(cam1->front().md5, localMd5);
        auto none = t->list("nothing/");
        QVERIFY(none.ok());
        QVERIFY(none->empty());

        auto url = t->playbackUrl(key, std::chrono::seconds(600));
        QVERIFY2(url.ok(), url.ok() ? "" : msg(url.error()));
        QVERIFY2(url->starts_with(str(server->endpoint()) + "/media/switchyard/live/cam1/"),
                 url->c_str());
        QVERIFY2(url->find("X-Amz-Signature=") != std::string::npos, url->c_str());
        QVERIFY2(url->find("X-Amz-Expires=600") != std::string::npos, url->c_str());
        QString out;
        const double d = probeDuration(QString::fromStdString(*url), &out);
        QVERIFY2(d > 1.8 && d < 2.2, qPrintable(out));

        QVERIFY(t->remove(key).ok());
        QVERIFY(t->remove("live/cam2/b.mp4").ok());
        QCOMPARE(t->stat(key).error().code, std::string("not_found"));
        auto empty = t->list("");
        QVERIFY(empty.ok());
        QVERIFY(empty->empty());
        QVERIFY(t->test().ok()); // and the probe object is gone again
        auto after = t->list("");
        QVERIFY(after.ok());
        QVERIFY(after->empty());
    }

    void s3WrongAccessKey() {
        auto* server = s3();
        QVERIFY2(server, qPrintable(s3Error_));
        const std::string wrongKey = "WRONGKEYID12345";
        auto t = make(s3Config(server->endpoint(), "media", wrongKey));
        QVERIFY(t);
        auto r = t->test();
        QVERIFY(!r.ok());
        qInfo("%s", msg(r.error()));
        QCOMPARE(r.error().code, std::string("auth_failed"));
        const auto& m = r.error().message;
        QVERIFY2(m.find("InvalidAccessKeyId") != std::string::npos, m.c_str());
        QVERIFY2(m.find("archive") != std::string::npos, m.c_str());
        QVERIFY2(m.find("test failed at write") != std::string::npos, m.c_str());
        QVERIFY2(m.find(kSecret) == std::string::npos, m.c_str());
        QVERIFY2(m.find(wrongKey) == std::string::npos, m.c_str());
        QVERIFY2(m.find("2026/") == std::string::npos && m.find("request id") == std::string::npos,
                 m.c_str()); // no timestamps, no AWS noise
        auto up = t->upload(str(mp4_), "live/x.mp4");
        QVERIFY(!up.ok());
        QCOMPARE(up.error().code, std::string("auth_failed"));
        QVERIFY(up.error().message.find(kSecret) == std::string::npos);
        auto listed = t->list("");
        QVERIFY(!listed.ok());
        QVERIFY2(listed.error().message.find("InvalidAccessKeyId") != std::string::npos,
                 msg(listed.error()));
    }

    void s3MissingBucket() {
        auto* server = s3();
        QVERIFY2(server, qPrintable(s3Error_));
        auto t = make(s3Config(server->endpoint(), "nosuchbucket"));
        QVERIFY(t);
        auto r = t->test();
        QVERIFY(!r.ok());
        qInfo("%s", msg(r.error()));
        QCOMPARE(r.error().code, std::string("no_bucket"));
        QVERIFY2(r.error().message.find("NoSuchBucket") != std::string::npos, msg(r.error()));
        auto listed = t->list("");
        QVERIFY(!listed.ok());
        QCOMPARE(listed.error().code, std::string("no_bucket"));
        // The bucket was not created on the way.
        QVERIFY(!QFileInfo::exists(tmp_.filePath(QStringLiteral("s3data/nosuchbucket"))));
    }

    void s3NothingListening() {
        const auto port = sy::test::S3Server::freePort();
        QVERIFY(port != 0);
        auto t = make(s3Config(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        QVERIFY(t);
        QElapsedTimer timer;
        timer.start();
        auto r = t->test();
        QVERIFY(!r.ok());
        QVERIFY2(timer.elapsed() < 30000, qPrintable(QString::number(timer.elapsed())));
        qInfo("%s", msg(r.error()));
        QCOMPARE(r.error().code, std::string("unreachable"));
        QVERIFY2(r.error().message.find("connection refused") != std::string::npos, msg(r.error()));
        QVERIFY(r.error().message.find(kSecret) == std::string::npos);
    }

    void rcloneNotInstalled() {
        const QByteArray path = qgetenv("PATH");
        const auto empty = tmp_.filePath(QStringLiteral("emptybin"));
        QVERIFY(QDir().mkpath(empty));
        qputenv("PATH", empty.toLocal8Bit());
        auto t = makeStorageTarget(s3Config(QStringLiteral("http://127.0.0.1:1")),
                                   str(tmp_.filePath(QStringLiteral("work"))));
        sy::Result<void> r = t.ok() ? (*t)->test() : sy::Result<void>(sy::unexpected(t.error()));
        qputenv("PATH", path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, std::string("not_installed"));
        QVERIFY2(r.error().message.find("rclone") != std::string::npos, msg(r.error()));
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
