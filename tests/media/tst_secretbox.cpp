// SecretBox (AES-256-GCM sealing of secrets at rest, key file handling) and maskUrl.
#include "core/media/secretbox.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

using sy::media::maskUrl;
using sy::media::SecretBox;

namespace {

const std::string kDots = "\u2022\u2022\u2022\u2022";

std::filesystem::path keyPath(const QTemporaryDir& dir, const char* name = "secret.key") {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

sy::Result<std::string> unseal(const SecretBox& box, const std::string& sealed) {
    // Both spellings: unseal(), and open() with a string_view (open(std::string) is ambiguous
    // with the static open(keyFile)).
    auto a = box.unseal(sealed);
    auto b = box.open(std::string_view(sealed));
    if (a.ok() != b.ok() || (a.ok() && *a != *b))
        qFatal("unseal() and open() disagree");
    return a;
}

} // namespace

class TestSecretBox : public QObject {
    Q_OBJECT

private slots:
    void roundTrip() {
        QTemporaryDir dir;
        auto box = SecretBox::open(keyPath(dir));
        QVERIFY2(box.ok(), box.ok() ? "" : box.error().message.c_str());
        for (const std::string& plain :
             {std::string(), std::string("a"), std::string("live_1234567890abcdef"),
              std::string("ünïcödé ✓ and \0 nul", 22), std::string(10000, 'x')}) {
            const auto sealed = box->seal(plain);
            QVERIFY(SecretBox::isSealed(sealed));
            QVERIFY(sealed.starts_with("sy1:"));
            QVERIFY(plain.size() < 8 || sealed.find(plain) == std::string::npos);
            auto back = unseal(*box, sealed);
            QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
            QCOMPARE(*back, plain);
        }
        // A value that is not sealed passes through (documents from before sealing).
        auto plainText = unseal(*box, "not-sealed-key");
        QVERIFY(plainText.ok());
        QCOMPARE(*plainText, std::string("not-sealed-key"));
        QVERIFY(!SecretBox::isSealed("not-sealed-key"));
    }

    void distinctNonces() {
        QTemporaryDir dir;
        auto box = SecretBox::open(keyPath(dir));
        QVERIFY(box.ok());
        std::set<std::string> seen;
        for (int i = 0; i < 200; ++i)
            seen.insert(box->seal("same value"));
        QCOMPARE(seen.size(), std::size_t{200});
    }

    void tamperIsCorrupt() {
        QTemporaryDir dir;
        auto box = SecretBox::open(keyPath(dir));
        QVERIFY(box.ok());
        const auto sealed = box->seal("stream-key-123");
        // Flip one character in every position of the payload: each must fail to authenticate.
        for (std::size_t i = 4; i < sealed.size(); ++i) {
            std::string bad = sealed;
            bad[i] = bad[i] == 'A' ? 'B' : 'A';
            auto r = unseal(*box, bad);
            if (r.ok()) // base64 tail bits can decode to the same bytes; the value must match
                QCOMPARE(*r, std::string("stream-key-123"));
            else
                QCOMPARE(r.error().code, std::string("corrupt"));
        }
        auto truncated = unseal(*box, sealed.substr(0, 20));
        QVERIFY(!truncated.ok());
        QCOMPARE(truncated.error().code, std::string("corrupt"));
        auto garbage = unseal(*box, "sy1:!!!not base64!!!");
        QVERIFY(!garbage.ok());
        QCOMPARE(garbage.error().code, std::string("corrupt"));
        auto empty = unseal(*box, "sy1:");
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, std::string("corrupt"));
    }

    void wrongKey() {
        QTemporaryDir dir;
        auto a = SecretBox::open(keyPath(dir, "a.key"));
        auto b = SecretBox::open(keyPath(dir, "b.key"));
        QVERIFY(a.ok() && b.ok());
        auto r = unseal(*b, a->seal("hunter2"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, std::string("corrupt"));
        QVERIFY(r.error().message.find("hunter2") == std::string::npos);
    }

    void keyFilePersistsWithMode0600() {
        QTemporaryDir dir;
        const auto path = keyPath(dir);
        std::string sealed;
        {
            auto box = SecretBox::open(path);
            QVERIFY(box.ok());
            sealed = box->seal("persisted");
        }
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t{0600});
        // No temporary file is left beside the key.
        int files = 0;
        for ([[maybe_unused]] const auto& e :
             std::filesystem::directory_iterator(path.parent_path()))
            ++files;
        QCOMPARE(files, 1);
        auto again = SecretBox::open(path);
        QVERIFY(again.ok());
        auto r = unseal(*again, sealed);
        QVERIFY(r.ok());
        QCOMPARE(*r, std::string("persisted"));
    }

    void refusesWorldReadableKeyFile() {
        QTemporaryDir dir;
        const auto path = keyPath(dir);
        QVERIFY(SecretBox::open(path).ok());
        QCOMPARE(::chmod(path.c_str(), 0644), 0);
        auto r = SecretBox::open(path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find(path.string()) != std::string::npos,
                 r.error().message.c_str());
        QVERIFY2(r.error().message.find("0644") != std::string::npos, r.error().message.c_str());
        QCOMPARE(::chmod(path.c_str(), 0640), 0);
        QVERIFY(!SecretBox::open(path).ok());
        QCOMPARE(::chmod(path.c_str(), 0600), 0);
        QVERIFY(SecretBox::open(path).ok());
    }

    void refusesAFileThatIsNotAKey() {
        QTemporaryDir dir;
        const auto path = keyPath(dir);
        {
            std::ofstream f(path);
            f << "hello\n";
        }
        QCOMPARE(::chmod(path.c_str(), 0600), 0);
        auto r = SecretBox::open(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, std::string("corrupt"));
        QVERIFY2(r.error().message.find(path.string()) != std::string::npos,
                 r.error().message.c_str());
    }

    void createsMissingDirectory() {
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "sub" / "dir" / "k";
        QVERIFY(SecretBox::open(path).ok());
        QVERIFY(std::filesystem::exists(path));
    }

    void maskUrl_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("lastSegmentIsKey");
        QTest::addColumn<QString>("expected");
        const std::string d = kDots;
        auto row = [](const char* name, const std::string& url, bool key,
                      const std::string& expected) {
            QTest::newRow(name) << QString::fromStdString(url) << key
                                << QString::fromStdString(expected);
        };
        row("rtmp key", "rtmp://live.example.com/app/abcd-1234", true,
            "rtmp://live.example.com/app/" + d);
        row("rtmps key", "rtmps://live-api-s.facebook.com:443/rtmp/FB-123-0-Ab", true,
            "rtmps://live-api-s.facebook.com:443/rtmp/" + d);
        row("rtmp app only", "rtmp://a.rtmp.youtube.com/live2", true,
            "rtmp://a.rtmp.youtube.com/live2");
        row("rtmp trailing slash", "rtmp://a.rtmp.youtube.com/live2/", true,
            "rtmp://a.rtmp.youtube.com/live2/");
        row("rtsp user:pw", "rtsp://user:pw@cam/x", false, "rtsp://user:" + d + "@cam/x");
        row("rtsp user only", "rtsp://user@cam:554/x", false, "rtsp://user@cam:554/x");
        row("srt passphrase", "srt://1.2.3.4:9000?mode=caller&passphrase=verysecret123&latency=200",
            false, "srt://1.2.3.4:9000?mode=caller&passphrase=" + d + "&latency=200");
        row("srt streamid", "srt://host:9000?streamid=r=live/cam,m=publish", false,
            "srt://host:9000?streamid=" + d);
        row("query key token", "https://h/p?Token=abc&x=1&KEY=zz", false,
            "https://h/p?Token=" + d + "&x=1&KEY=" + d);
        row("key and query", "rtmp://h/app/streamkey?pwd=p1", true,
            "rtmp://h/app/" + d + "?pwd=" + d);
        row("nothing to mask", "http://example.com/path/file.mp4", false,
            "http://example.com/path/file.mp4");
        row("empty query value", "srt://h:1?passphrase=&mode=listener", false,
            "srt://h:1?passphrase=&mode=listener");
        row("empty", "", true, "");
    }

    void maskUrl() {
        QFETCH(QString, url);
        QFETCH(bool, lastSegmentIsKey);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(::maskUrl(url.toStdString(), lastSegmentIsKey)), expected);
    }

    void maskUrlGarbageDoesNotCrash() {
        const char* garbage[] = {"://",
                                 "rtmp://",
                                 "@@@:::///???&&&===",
                                 "rtmp://@/",
                                 "?",
                                 "#",
                                 "rtmp://:@",
                                 "a:b@c",
                                 "////",
                                 "rtsp://user:pw@",
                                 "srt://h?&=&passphrase"};
        for (const char* g : garbage) {
            for (bool key : {false, true}) {
                const auto masked = ::maskUrl(g, key);
                QVERIFY(masked.size() < 200);
            }
        }
        // The password of a URL without a path is masked too.
        QVERIFY(::maskUrl("rtsp://user:pw@", false).find("pw") == std::string::npos);
        // Random bytes, including NULs and invalid UTF-8.
        std::string bytes;
        for (int i = 0; i < 4096; ++i) {
            bytes.push_back(static_cast<char>((i * 7919) & 0xFF));
            if (i % 97 == 0)
                (void)::maskUrl(bytes, i % 2 == 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestSecretBox)
#include "tst_secretbox.moc"
