#pragma once
// Real media sources and destinations for tests of restreamers and social pushers (issue 6):
// a live RTSP camera (GstRtspServer), a live MPEG-TS source that calls an SRT listener
// (ffmpeg + srt-live-transmit), and a stand-alone nginx-rtmp server playing a social platform.
// Each class owns its child processes: start() launches them and waits, with a deadline, until
// they are usable; stop() and the destructor kill and reap them, so no test leaves a process.
// Long-running children write their diagnostics to log files, never to a pipe: without an event
// loop nobody drains a pipe, and a child that fills one blocks (srt-live-transmit logs a warning
// per rejected handshake, every ~10 ms).
// Plus ffprobe/ffmpeg helpers that check what a URL really carries.
//
// Qt Core only (QProcess), usable from QTEST_GUILESS_MAIN tests without an event loop.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <map>
#include <memory>
#include <string>

namespace mediatest {

// Every process's command line as every local user reads it (/proc/PID/cmdline), NULs as
// spaces, by pid: what must never show a secret.
std::map<int, std::string> commandLines();

// True when a TCP connect to 127.0.0.1:port succeeds right now.
bool tcpPortOpen(quint16 port);
// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released).
quint16 freeUdpPort();

// ---------------------------------------------------------------------------------------------
// A live RTSP camera: tests/support/rtsp-source.py (GstRtspServer) under /usr/bin/python3, which
// serves a 640x360 25 fps H.264 test pattern (key frame every second; AAC tone with audio) as a
// shared media on 127.0.0.1:port/path.
struct RtspOptions {
    QString path = QStringLiteral("/cam");
    QString user; // non-empty: the mount requires basic authentication with user/password
    QString password;
    bool audio = false; // add an AAC stream (voaacenc)
};

class RtspSource {
public:
    explicit RtspSource(quint16 port, const QString& path = QStringLiteral("/cam"));
    RtspSource(quint16 port, RtspOptions options);
    ~RtspSource();
    RtspSource(const RtspSource&) = delete;
    RtspSource& operator=(const RtspSource&) = delete;

    // Ready means the server answers AND ffprobe (RTSP over TCP, with the credentials) reads
    // 640x360 H.264 from it: a port that accepts is not enough, the first client builds the
    // GStreamer pipeline. Takes about 1-3 s. False with error() set on failure or timeout.
    bool start(int timeoutMs = 30000);
    void stop(); // SIGKILL and reap
    bool isRunning() const;

    QString url() const; // rtsp://127.0.0.1:P/cam, without credentials
    // rtsp://user:password@127.0.0.1:P/cam (the given ones, e.g. wrong ones; percent-encoded)
    QString urlWithCredentials(const QString& user, const QString& password) const;
    // url() with the configured credentials when the source has any
    QString authorizedUrl() const;
    quint16 port() const { return port_; }
    QString error() const { return error_; }
    QString logPath() const; // the script's stderr (GStreamer warnings)

private:
    quint16 port_;
    RtspOptions options_;
    std::unique_ptr<QProcess> proc_;
    QTemporaryDir logDir_;
    QString error_;
};

// ---------------------------------------------------------------------------------------------
// A live MPEG-TS source that calls an SRT listener at 127.0.0.1:targetPort, as a contributor
// calls a Stream Manager `srt` listener restreamer:
//   ffmpeg -re -f lavfi testsrc ... -c:v libx264 ... -f mpegts udp://127.0.0.1:U?pkt_size=1316
//   srt-live-transmit -a:yes udp://127.0.0.1:U srt://127.0.0.1:targetPort?mode=caller[&...]
// srt-live-transmit keeps retrying while nobody listens and reconnects when the listener restarts.
struct SrtCallerOptions {
    // Passed verbatim in srt-live-transmit's URI, which does not percent-decode: no '&'.
    QString streamId;   // SRT streamid, empty: none (e.g. "#!::r=live/cam1,m=publish")
    QString passphrase; // SRT encryption passphrase (10-79 chars), empty: none
    int latencyMs = -1; // -1: SRT default (120 ms)
    bool audio = false; // add an AAC tone
};

class SrtCallerSource {
public:
    explicit SrtCallerSource(quint16 targetPort, SrtCallerOptions options = {});
    ~SrtCallerSource();
    SrtCallerSource(const SrtCallerSource&) = delete;
    SrtCallerSource& operator=(const SrtCallerSource&) = delete;

    // Ready means srt-live-transmit has opened its UDP input (its "Media path" line) and the
    // encoder is running; it does NOT wait for the listener (see waitConnected()).
    bool start(int timeoutMs = 15000);
    void stop();
    bool isRunning() const; // both processes alive
    // Waits until srt-live-transmit reports "SRT target connected" (at least `times` times since
    // start, counting reconnects).
    bool waitConnected(int timeoutMs, int times = 1);
    int connectCount();        // "SRT target connected" lines seen so far
    int disconnectCount();     // "SRT target disconnected" lines seen so far
    QString targetUrl() const; // the srt:// URL the caller dials
    QString error() const { return error_; }
    QString transmitLogPath() const; // srt-live-transmit's stderr: status lines and SRT warnings
    QString encoderLogPath() const;  // ffmpeg's stderr

private:
    void readTransmitLog();
    quint16 targetPort_;
    SrtCallerOptions options_;
    std::unique_ptr<QProcess> transmit_;
    std::unique_ptr<QProcess> encoder_;
    QTemporaryDir logDir_;
    qint64 logOffset_ = 0; // how far readTransmitLog() has read the log
    QByteArray partial_;   // an incomplete last line
    int connects_ = 0;
    int disconnects_ = 0;
    QString error_;
};

// ---------------------------------------------------------------------------------------------
// A stand-alone nginx-rtmp server standing in for a social platform (YouTube-like): application
// `live2` accepts publishes with any key on 127.0.0.1:rtmpPort; /stat on 127.0.0.1:httpPort.
// Its prefix is `dir` (conf/, logs/, temp/ created there); runs in the foreground as our child.
class RtmpPlatform {
public:
    RtmpPlatform(quint16 rtmpPort, quint16 httpPort, QString dir);
    ~RtmpPlatform();
    RtmpPlatform(const RtmpPlatform&) = delete;
    RtmpPlatform& operator=(const RtmpPlatform&) = delete;

    // Writes the config, runs nginx and waits until both ports accept and /stat answers 200.
    bool start(int timeoutMs = 15000);
    // SIGTERM (nginx fast shutdown: connections dropped at once, workers reaped by the master),
    // SIGKILL of the master and its workers if that takes longer than 5 s.
    void stop();
    // stop(), then start() on the same ports (a destination that restarts).
    bool restart(int timeoutMs = 15000);
    bool isRunning() const;

    QString url(const QString& streamKey) const; // rtmp://127.0.0.1:P/live2/KEY
    QString app() const { return QStringLiteral("live2"); }
    QByteArray statXml() const; // GET /stat, empty when unreachable
    bool isPublishing(const QString& streamKey) const;
    bool waitPublishing(const QString& streamKey, int timeoutMs);
    quint16 rtmpPort() const { return rtmpPort_; }
    quint16 httpPort() const { return httpPort_; }
    QString dir() const { return dir_; }
    QString errorLog() const; // logs/error.log (nginx's own stdout/stderr: logs/nginx.out)
    QString error() const { return error_; }

private:
    bool writeConfig();
    quint16 rtmpPort_;
    quint16 httpPort_;
    QString dir_;
    std::unique_ptr<QProcess> proc_;
    QString error_;
};

// ---------------------------------------------------------------------------------------------
// ffprobe/ffmpeg checks. RTSP URLs are read over TCP (-rtsp_transport tcp).
struct ProbeResult {
    bool ok = false;
    int width = 0;
    int height = 0;
    double durationS = 0; // 0: unknown (live streams)
    QString codec;        // codec_name of the first video stream, e.g. "h264"
    QString error;        // ffprobe's stderr or the reason it was not run
};

// ffprobe -v error -select_streams v:0 -show_entries stream=width,height,codec_name:format=duration
// -of json URL (with network timeouts), killed after timeoutMs.
ProbeResult probe(const QString& url, int timeoutMs = 15000);

// ffmpeg -i URL -map 0:v -c copy -f null - -progress pipe:1 for `seconds`; the last frame= count
// (-1 when ffmpeg could not be started).
int countFrames(const QString& url, int seconds);
// The same, stopping as soon as frame= reaches minFrames; false if the deadline comes first.
// Works on listener URLs too (srt://...?mode=listener waits for the caller).
bool receivesFrames(const QString& url, int minFrames, int timeoutMs, QString* error = nullptr);

// The ffmpeg input options for a URL: -rtsp_transport tcp for rtsp://, a read timeout for
// network protocols. Exposed so tests can build their own ffmpeg command lines.
QStringList inputOptions(const QString& url, int timeoutMs);

} // namespace mediatest
