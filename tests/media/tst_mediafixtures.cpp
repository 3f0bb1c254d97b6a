// Proves the media fixtures (tests/support/mediasources.h) with real ffprobe/ffmpeg: what the
// restreamer and social-pusher tests build on must itself be known to work.
// Ports: 23000-23099 of this suite's range 23000-23499.

#include "tests/support/ffmpegprocess.h"
#include "tests/support/mediasources.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace mediatest;

namespace {
// The tail of a fixture's log, for failure messages.
QString fileText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log)");
    return QString::fromUtf8(f.readAll().right(2000));
}
} // namespace

class TestMediaFixtures : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void rtspSourceIsReadable();
    void rtspSourceWithCredentials();
    void rtspSourcePortInUseFails();
    void srtCallerReachesLateListener();
    void srtCallerWithPassphraseAndStreamId();
    void platformAcceptsPublishAndRestarts();
    void probeReportsUnreachable();

private:
    QTemporaryDir tmp_;
    QString clip_;
};

void TestMediaFixtures::initTestCase() {
    QVERIFY(tmp_.isValid());
    // A pre-encoded clip published with -c copy: live encoding costs too much CPU here.
    clip_ = tmp_.filePath(QStringLiteral("clip.mp4"));
    QVERIFY(nodestest::FfmpegProcess::encodeClip(clip_));
}

void TestMediaFixtures::rtspSourceIsReadable() {
    RtspSource source(23001);
    QVERIFY2(source.start(), qPrintable(source.error()));
    QCOMPARE(source.url(), QStringLiteral("rtsp://127.0.0.1:23001/cam"));

    const auto info = probe(source.url(), 15000);
    QVERIFY2(info.ok, qPrintable(info.error));
    QCOMPARE(info.codec, QStringLiteral("h264"));
    QCOMPARE(info.width, 640);
    QCOMPARE(info.height, 360);

    // Live at 25 fps: a viewer keeps receiving frames.
    QString error;
    QVERIFY2(receivesFrames(source.url(), 50, 20000, &error), qPrintable(error));

    source.stop();
    QVERIFY(!source.isRunning());
    QVERIFY(!tcpPortOpen(23001));
}

void TestMediaFixtures::rtspSourceWithCredentials() {
    RtspOptions options;
    options.path = QStringLiteral("/secure");
    options.user = QStringLiteral("operator");
    options.password = QStringLiteral("s3cret!");
    options.audio = true;
    RtspSource source(23002, options);
    QVERIFY2(source.start(), qPrintable(source.error()));
    QCOMPARE(source.url(), QStringLiteral("rtsp://127.0.0.1:23002/secure"));
    QCOMPARE(source.authorizedUrl(),
             QStringLiteral("rtsp://operator:s3cret!@127.0.0.1:23002/secure"));

    const auto good = probe(source.authorizedUrl(), 15000);
    QVERIFY2(good.ok, qPrintable(good.error));
    QCOMPARE(good.codec, QStringLiteral("h264"));

    const auto wrong =
        probe(source.urlWithCredentials(QStringLiteral("operator"), QStringLiteral("nope")), 15000);
    QVERIFY(!wrong.ok);
    QVERIFY2(wrong.error.contains(QLatin1String("401")), qPrintable(wrong.error));

    const auto none = probe(source.url(), 15000);
    QVERIFY(!none.ok);
    QVERIFY2(none.error.contains(QLatin1String("401")), qPrintable(none.error));
}

void TestMediaFixtures::rtspSourcePortInUseFails() {
    RtspSource first(23003);
    QVERIFY2(first.start(), qPrintable(first.error()));
    RtspSource second(23003);
    QVERIFY(!second.start(10000));
    QVERIFY2(second.error().contains(QLatin1String("cannot listen")), qPrintable(second.error()));
    QVERIFY(first.isRunning());
}

void TestMediaFixtures::srtCallerReachesLateListener() {
    // The caller starts before anybody listens: it must keep calling.
    SrtCallerSource source(23010);
    QVERIFY2(source.start(), qPrintable(source.error()));
    QCOMPARE(source.targetUrl(), QStringLiteral("srt://127.0.0.1:23010?mode=caller"));
    QCOMPARE(source.connectCount(), 0);

    const QString listener = QStringLiteral("srt://127.0.0.1:23010?mode=listener");
    QString error;
    QVERIFY2(receivesFrames(listener, 25, 30000, &error), qPrintable(error));
    QVERIFY(source.connectCount() >= 1);
    QVERIFY(source.isRunning());

    // The listener went away (receivesFrames killed it); a new one gets the caller back.
    QVERIFY2(receivesFrames(listener, 25, 30000, &error), qPrintable(error));
    QVERIFY2(source.waitConnected(5000, 2), qPrintable(QString::number(source.connectCount())));
    QVERIFY(source.disconnectCount() >= 1);

    source.stop();
    QVERIFY(!source.isRunning());
}

void TestMediaFixtures::srtCallerWithPassphraseAndStreamId() {
    SrtCallerOptions options;
    options.streamId = QStringLiteral("#!::r=live/cam1,m=publish");
    options.passphrase = QStringLiteral("0123456789abcdef");
    options.latencyMs = 200;
    options.audio = true;
    SrtCallerSource source(23011, options);
    QVERIFY2(source.start(), qPrintable(source.error()));
    QCOMPARE(source.targetUrl(), QStringLiteral("srt://127.0.0.1:23011?mode=caller&streamid=#!::"
                                                "r=live/cam1,m=publish&passphrase=0123456789abcdef"
                                                "&latency=200"));

    // A listener without the passphrase gets nothing: the caller is rejected.
    QString error;
    QVERIFY(
        !receivesFrames(QStringLiteral("srt://127.0.0.1:23011?mode=listener"), 1, 4000, &error));
    // With it, frames (and the encrypted handshake) go through. A fresh caller: how soon one that
    // was just rejected calls again is srt-live-transmit's business, and on a loaded machine it
    // once did not within 60 s.
    source.stop();
    QVERIFY2(source.start(), qPrintable(source.error()));
    QVERIFY2(receivesFrames(QStringLiteral("srt://127.0.0.1:23011?mode=listener&passphrase="
                                           "0123456789abcdef"),
                            25, 60000, &error),
             qPrintable(error + QStringLiteral("\nsrt-live-transmit said:\n") +
                        fileText(source.transmitLogPath()) +
                        QStringLiteral("\nthe encoder said:\n") +
                        fileText(source.encoderLogPath())));
    QVERIFY(source.connectCount() >= 1);
}

void TestMediaFixtures::platformAcceptsPublishAndRestarts() {
    RtmpPlatform platform(23020, 23021, tmp_.filePath(QStringLiteral("platform")));
    QVERIFY2(platform.start(), qPrintable(platform.error()));
    const QString key = QStringLiteral("abcd-1234-efgh");
    QCOMPARE(platform.url(key), QStringLiteral("rtmp://127.0.0.1:23020/live2/abcd-1234-efgh"));
    QVERIFY(!platform.isPublishing(key));

    nodestest::FfmpegProcess publisher;
    publisher.startPublisher(clip_, platform.url(key));
    QVERIFY2(platform.waitPublishing(key, 20000),
             qPrintable(publisher.errorOutput() + platform.errorLog()));
    QVERIFY(!platform.isPublishing(QStringLiteral("other-key")));
    // What was published can be played back from the platform.
    QString error;
    QVERIFY2(receivesFrames(platform.url(key), 30, 20000, &error), qPrintable(error));

    // The destination restarts on the same ports: the publisher loses its connection.
    QVERIFY2(platform.restart(), qPrintable(platform.error()));
    QVERIFY(!platform.isPublishing(key));
    QTRY_VERIFY_WITH_TIMEOUT(!publisher.isRunning(), 20000);

    publisher.startPublisher(clip_, platform.url(key));
    QVERIFY2(platform.waitPublishing(key, 20000),
             qPrintable(publisher.errorOutput() + platform.errorLog()));
    publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!platform.isPublishing(key), 20000);

    platform.stop();
    QVERIFY(!platform.isRunning());
    QVERIFY(!tcpPortOpen(23020));
    QVERIFY(!tcpPortOpen(23021));
}

void TestMediaFixtures::probeReportsUnreachable() {
    QDeadlineTimer deadline(20000);
    const auto rtsp = probe(QStringLiteral("rtsp://127.0.0.1:23030/cam"), 10000);
    QVERIFY(!rtsp.ok);
    QVERIFY(!rtsp.error.isEmpty());
    const auto rtmp = probe(QStringLiteral("rtmp://127.0.0.1:23031/live2/x"), 10000);
    QVERIFY(!rtmp.ok);
    QVERIFY(!rtmp.error.isEmpty());
    QVERIFY(!deadline.hasExpired()); // refused connections fail fast, not by timeout
}

QTEST_GUILESS_MAIN(TestMediaFixtures)
#include "tst_mediafixtures.moc"
