#include "tests/support/mediasources.h"

#include "tests/support/rawhttp.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SWITCHYARD_RTSP_SOURCE_SCRIPT
#error "SWITCHYARD_RTSP_SOURCE_SCRIPT must name tests/support/rtsp-source.py"
#endif

namespace mediatest {

namespace {

// The system python: the one on PATH may be a build without python3-gi.
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kRtmpModule = QStringLiteral("/usr/lib/nginx/modules/ngx_rtmp_module.so");

sockaddr_in loopback(quint16 port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

// SIGKILL and reap; a child that ignores nothing cannot outlive this.
void killAndReap(std::unique_ptr<QProcess>& proc) {
    if (!proc)
        return;
    if (proc->state() != QProcess::NotRunning) {
        proc->kill();
        proc->waitForFinished(5000);
    }
    proc.reset();
}

QString tail(const QByteArray& text, int chars = 2000) {
    return QString::fromLocal8Bit(text.right(chars)).trimmed();
}

QString fileTail(const QString& path, int chars = 2000) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    if (f.size() > chars)
        f.seek(f.size() - chars);
    return tail(f.readAll(), chars);
}

QString describeExit(QProcess& proc, const QString& name, const QString& logPath) {
    return name % QStringLiteral(" exited (code ") % QString::number(proc.exitCode()) %
           QStringLiteral("): ") % fileTail(logPath);
}

bool isNetworkScheme(const QString& scheme, std::initializer_list<const char*> schemes) {
    for (const char* s : schemes)
        if (scheme == QLatin1String(s))
            return true;
    return false;
}

} // namespace

std::map<int, std::string> commandLines() {
    std::map<int, std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = e.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
            continue;
        std::ifstream in(e.path() / "cmdline", std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(text.begin(), text.end(), '\0', ' ');
        if (!text.empty())
            out[std::stoi(name)] = text;
    }
    return out;
}

bool tcpPortOpen(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    auto addr = loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

quint16 freeUdpPort() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    auto addr = loopback(0);
    quint16 port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// ---------------------------------------------------------------------------------------------
// RtspSource

RtspSource::RtspSource(quint16 port, const QString& path)
    : RtspSource(port, RtspOptions{path, {}, {}, false}) {}

RtspSource::RtspSource(quint16 port, RtspOptions options)
    : port_(port)
    , options_(std::move(options)) {
    if (!options_.path.startsWith(QLatin1Char('/')))
        options_.path.prepend(QLatin1Char('/'));
}

RtspSource::~RtspSource() {
    stop();
}

bool RtspSource::start(int timeoutMs) {
    stop();
    error_.clear();
    QDeadlineTimer deadline(timeoutMs);
    QStringList args{QStringLiteral(SWITCHYARD_RTSP_SOURCE_SCRIPT), QStringLiteral("--port"),
                     QString::number(port_), QStringLiteral("--path"), options_.path};
    if (!options_.user.isEmpty())
        args << QStringLiteral("--user") << options_.user << QStringLiteral("--password")
             << options_.password;
    if (options_.audio)
        args << QStringLiteral("--audio");
    proc_ = std::make_unique<QProcess>();
    proc_->setStandardErrorFile(logPath());
    proc_->start(kPython, args);
    if (!proc_->waitForStarted(5000)) {
        error_ =
            QStringLiteral("cannot run ") % kPython % QStringLiteral(": ") % proc_->errorString();
        return false;
    }
    // The script prints READY once the server is attached; a port in use makes it exit 1.
    QByteArray out;
    while (!out.contains("READY")) {
        if (proc_->state() == QProcess::NotRunning) {
            error_ = describeExit(*proc_, QStringLiteral("rtsp-source.py"), logPath());
            return false;
        }
        if (deadline.hasExpired()) {
            error_ = QStringLiteral("rtsp-source.py printed no READY line in time: ") %
                     fileTail(logPath());
            return false;
        }
        proc_->waitForReadyRead(100);
        out += proc_->readAllStandardOutput();
    }
    while (!tcpPortOpen(port_)) {
        if (deadline.hasExpired() || proc_->state() == QProcess::NotRunning) {
            error_ = QStringLiteral("RTSP port ") % QString::number(port_) %
                     QStringLiteral(" does not accept connections");
            return false;
        }
        proc_->waitForFinished(50); // doubles as the poll interval
    }
    // The first client makes GStreamer build and preroll the pipeline: ready once ffprobe reads
    // the stream. Retried because an early DESCRIBE can race the server's start.
    ProbeResult last;
    while (!deadline.hasExpired()) {
        last = probe(authorizedUrl(),
                     static_cast<int>(std::max<qint64>(1000, deadline.remainingTime())));
        if (last.ok && last.codec == QLatin1String("h264") && last.width == 640 &&
            last.height == 360)
            return true;
        if (proc_->state() == QProcess::NotRunning)
            break;
        proc_->waitForFinished(100);
    }
    error_ = QStringLiteral("ffprobe cannot read ") % url() % QStringLiteral(": ") % last.error %
             QStringLiteral(" (got ") % last.codec % QStringLiteral(" ") %
             QString::number(last.width) % QStringLiteral("x") % QString::number(last.height) %
             QStringLiteral(") server stderr: ") % fileTail(logPath());
    return false;
}

void RtspSource::stop() {
    killAndReap(proc_);
}

QString RtspSource::logPath() const {
    return logDir_.filePath(QStringLiteral("rtsp-source.log"));
}

bool RtspSource::isRunning() const {
    return proc_ && proc_->state() != QProcess::NotRunning;
}

QString RtspSource::url() const {
    return QStringLiteral("rtsp://127.0.0.1:") % QString::number(port_) % options_.path;
}

QString RtspSource::urlWithCredentials(const QString& user, const QString& password) const {
    QUrl u(url());
    u.setUserName(user);
    u.setPassword(password);
    return u.toString(QUrl::FullyEncoded);
}

QString RtspSource::authorizedUrl() const {
    return options_.user.isEmpty() ? url() : urlWithCredentials(options_.user, options_.password);
}

// ---------------------------------------------------------------------------------------------
// SrtCallerSource

SrtCallerSource::SrtCallerSource(quint16 targetPort, SrtCallerOptions options)
    : targetPort_(targetPort)
    , options_(std::move(options)) {}

SrtCallerSource::~SrtCallerSource() {
    stop();
}

QString SrtCallerSource::targetUrl() const {
    // srt-live-transmit's URI parser takes query values verbatim (split on '&' and the first
    // '='; no percent-decoding), so streamid and passphrase go in raw; start() refuses '&'.
    QString u = QStringLiteral("srt://127.0.0.1:") % QString::number(targetPort_) %
                QStringLiteral("?mode=caller");
    if (!options_.streamId.isEmpty())
        u += QStringLiteral("&streamid=") % options_.streamId;
    if (!options_.passphrase.isEmpty())
        u += QStringLiteral("&passphrase=") % options_.passphrase;
    if (options_.latencyMs >= 0)
        u += QStringLiteral("&latency=") % QString::number(options_.latencyMs);
    return u;
}

void SrtCallerSource::readTransmitLog() {
    if (!transmit_)
        return;
    // srt-live-transmit writes its status lines to stderr, which goes to the log file.
    QFile log(transmitLogPath());
    if (!log.open(QIODevice::ReadOnly) || !log.seek(logOffset_))
        return;
    const auto chunk = log.readAll();
    logOffset_ += chunk.size();
    partial_ += chunk;
    const auto lastNewline = partial_.lastIndexOf('\n');
    if (lastNewline < 0)
        return;
    const auto complete = partial_.left(lastNewline);
    partial_.remove(0, lastNewline + 1);
    for (const auto& line : complete.split('\n')) {
        if (line.contains("SRT target connected"))
            ++connects_;
        else if (line.contains("SRT target disconnected"))
            ++disconnects_;
    }
}

bool SrtCallerSource::start(int timeoutMs) {
    stop();
    error_.clear();
    connects_ = disconnects_ = 0;
    logOffset_ = 0;
    partial_.clear();
    QDeadlineTimer deadline(timeoutMs);
    if (options_.streamId.contains(QLatin1Char('&')) ||
        options_.passphrase.contains(QLatin1Char('&'))) {
        error_ = QStringLiteral("srt-live-transmit URIs cannot carry '&' in streamid/passphrase");
        return false;
    }
    const quint16 udpPort = freeUdpPort();
    if (udpPort == 0) {
        error_ = QStringLiteral("no free UDP port for the ffmpeg -> srt-live-transmit hop");
        return false;
    }
    const QString udpIn = QStringLiteral("udp://127.0.0.1:") % QString::number(udpPort);

    transmit_ = std::make_unique<QProcess>();
    transmit_->setStandardOutputFile(QProcess::nullDevice());
    transmit_->setStandardErrorFile(transmitLogPath()); // truncates the last run's log
    // -a:yes: keep calling while the listener is down and call again after it goes away.
    transmit_->start(QStringLiteral("srt-live-transmit"),
                     {QStringLiteral("-a:yes"), QStringLiteral("-ll:warn"), udpIn, targetUrl()});
    if (!transmit_->waitForStarted(5000)) {
        error_ = QStringLiteral("cannot run srt-live-transmit: ") % transmit_->errorString();
        return false;
    }
    // "Media path: ..." comes once the UDP input is open, before the SRT connect attempts.
    while (!fileTail(transmitLogPath()).contains(QLatin1String("Media path"))) {
        if (transmit_->state() == QProcess::NotRunning) {
            error_ =
                describeExit(*transmit_, QStringLiteral("srt-live-transmit"), transmitLogPath());
            return false;
        }
        if (deadline.hasExpired()) {
            error_ = QStringLiteral("srt-live-transmit did not open its input in time: ") %
                     fileTail(transmitLogPath());
            return false;
        }
        transmit_->waitForFinished(50); // doubles as the poll interval
    }

    QStringList args{QStringLiteral("-hide_banner"),
                     QStringLiteral("-nostdin"),
                     QStringLiteral("-loglevel"),
                     QStringLiteral("error"),
                     QStringLiteral("-re"),
                     QStringLiteral("-f"),
                     QStringLiteral("lavfi"),
                     QStringLiteral("-i"),
                     QStringLiteral("testsrc=size=640x360:rate=25")};
    if (options_.audio)
        args << QStringLiteral("-re") << QStringLiteral("-f") << QStringLiteral("lavfi")
             << QStringLiteral("-i") << QStringLiteral("sine=frequency=440:sample_rate=48000");
    args << QStringLiteral("-c:v") << QStringLiteral("libx264") << QStringLiteral("-preset")
         << QStringLiteral("ultrafast") << QStringLiteral("-tune") << QStringLiteral("zerolatency")
         << QStringLiteral("-g") << QStringLiteral("25") << QStringLiteral("-pix_fmt")
         << QStringLiteral("yuv420p");
    if (options_.audio)
        args << QStringLiteral("-c:a") << QStringLiteral("aac") << QStringLiteral("-b:a")
             << QStringLiteral("64k");
    args << QStringLiteral("-f") << QStringLiteral("mpegts")
         << (udpIn % QStringLiteral("?pkt_size=1316"));
    encoder_ = std::make_unique<QProcess>();
    encoder_->setStandardOutputFile(QProcess::nullDevice());
    encoder_->setStandardErrorFile(encoderLogPath());
    encoder_->start(QStringLiteral("ffmpeg"), args);
    if (!encoder_->waitForStarted(5000)) {
        error_ = QStringLiteral("cannot run ffmpeg: ") % encoder_->errorString();
        return false;
    }
    return true;
}

void SrtCallerSource::stop() {
    killAndReap(encoder_);
    killAndReap(transmit_);
}

QString SrtCallerSource::transmitLogPath() const {
    return logDir_.filePath(QStringLiteral("srt-live-transmit.log"));
}

QString SrtCallerSource::encoderLogPath() const {
    return logDir_.filePath(QStringLiteral("ffmpeg.log"));
}

bool SrtCallerSource::isRunning() const {
    return transmit_ && transmit_->state() != QProcess::NotRunning && encoder_ &&
           encoder_->state() != QProcess::NotRunning;
}

int SrtCallerSource::connectCount() {
    readTransmitLog();
    return connects_;
}

int SrtCallerSource::disconnectCount() {
    readTransmitLog();
    return disconnects_;
}

bool SrtCallerSource::waitConnected(int timeoutMs, int times) {
    QDeadlineTimer deadline(timeoutMs);
    while (connectCount() < times) {
        if (deadline.hasExpired() || !transmit_ || transmit_->state() == QProcess::NotRunning)
            return false;
        transmit_->waitForFinished(100); // doubles as the poll interval
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// RtmpPlatform

RtmpPlatform::RtmpPlatform(quint16 rtmpPort, quint16 httpPort, QString dir)
    : rtmpPort_(rtmpPort)
    , httpPort_(httpPort)
    , dir_(std::move(dir)) {}

RtmpPlatform::~RtmpPlatform() {
    stop();
}

bool RtmpPlatform::writeConfig() {
    const QDir root(dir_);
    for (const char* sub : {"conf", "logs", "temp"})
        if (!root.mkpath(QString::fromLatin1(sub))) {
            error_ = QStringLiteral("cannot create ") % root.filePath(QString::fromLatin1(sub));
            return false;
        }
    // Every path is relative to the prefix (nginx -p dir): Debian's nginx has compiled-in paths
    // under /var that a test must neither need nor touch.
    const QString conf = QStringLiteral("# Test social platform (tests/support/mediasources.cpp).\n"
                                        "load_module ") %
                         kRtmpModule %
                         QStringLiteral(";\n"
                                        "daemon off;\n"
                                        "master_process on;\n"
                                        "worker_processes 1;\n"
                                        "pid logs/nginx.pid;\n"
                                        "error_log logs/error.log notice;\n"
                                        "events { worker_connections 256; }\n"
                                        "rtmp {\n"
                                        "    server {\n"
                                        "        listen 127.0.0.1:") %
                         QString::number(rtmpPort_) %
                         QStringLiteral(";\n"
                                        "        chunk_size 4096;\n"
                                        "        application live2 {\n"
                                        "            live on;\n"
                                        "            record off;\n"
                                        "            drop_idle_publisher 10s;\n"
                                        "        }\n"
                                        "    }\n"
                                        "}\n"
                                        "http {\n"
                                        "    access_log off;\n"
                                        "    client_body_temp_path temp/client_body;\n"
                                        "    proxy_temp_path temp/proxy;\n"
                                        "    fastcgi_temp_path temp/fastcgi;\n"
                                        "    uwsgi_temp_path temp/uwsgi;\n"
                                        "    scgi_temp_path temp/scgi;\n"
                                        "    server {\n"
                                        "        listen 127.0.0.1:") %
                         QString::number(httpPort_) %
                         QStringLiteral(";\n"
                                        "        location /stat { rtmp_stat all; }\n"
                                        "        location / { return 404; }\n"
                                        "    }\n"
                                        "}\n");
    QFile f(root.filePath(QStringLiteral("conf/nginx.conf")));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(conf.toUtf8()) < 0) {
        error_ =
            QStringLiteral("cannot write ") % f.fileName() % QStringLiteral(": ") % f.errorString();
        return false;
    }
    return true;
}

bool RtmpPlatform::start(int timeoutMs) {
    stop();
    error_.clear();
    QDeadlineTimer deadline(timeoutMs);
    if (!QFile::exists(kRtmpModule)) {
        error_ = kRtmpModule % QStringLiteral(" is missing (libnginx-mod-rtmp)");
        return false;
    }
    if (!writeConfig())
        return false;
    proc_ = std::make_unique<QProcess>();
    proc_->setProcessChannelMode(QProcess::MergedChannels);
    proc_->setStandardOutputFile(QDir(dir_).filePath(QStringLiteral("logs/nginx.out")),
                                 QIODevice::Append);
    // -e: the error log before the config is read (else /var/log/nginx/error.log).
    proc_->start(QStringLiteral("nginx"),
                 {QStringLiteral("-p"), QDir(dir_).absolutePath() + QLatin1Char('/'),
                  QStringLiteral("-e"), QStringLiteral("logs/error.log"), QStringLiteral("-c"),
                  QStringLiteral("conf/nginx.conf")});
    if (!proc_->waitForStarted(5000)) {
        error_ = QStringLiteral("cannot run nginx: ") % proc_->errorString();
        return false;
    }
    while (!(tcpPortOpen(rtmpPort_) && sy::test::httpGet(httpPort_, "/stat").status == 200)) {
        if (proc_->state() == QProcess::NotRunning) {
            error_ = QStringLiteral("nginx exited (code ") % QString::number(proc_->exitCode()) %
                     QStringLiteral("): ") %
                     fileTail(QDir(dir_).filePath(QStringLiteral("logs/nginx.out"))) %
                     QStringLiteral(" log: ") % errorLog().right(2000);
            return false;
        }
        if (deadline.hasExpired()) {
            error_ = QStringLiteral("nginx did not listen on ") % QString::number(rtmpPort_) %
                     QStringLiteral("/") % QString::number(httpPort_) %
                     QStringLiteral(" in time; log: ") % errorLog().right(2000);
            return false;
        }
        proc_->waitForFinished(50); // doubles as the poll interval
    }
    return true;
}

void RtmpPlatform::stop() {
    if (!proc_)
        return;
    if (proc_->state() != QProcess::NotRunning) {
        // A SIGKILLed master would orphan its worker, which keeps the ports: ask the master for a
        // fast shutdown (it kills and reaps the worker), and kill everything only as a fallback.
        proc_->terminate();
        if (!proc_->waitForFinished(5000)) {
            const auto master = proc_->processId();
            QDir proc(QStringLiteral("/proc"));
            for (const auto& entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                bool numeric = false;
                const auto pid = entry.toLongLong(&numeric);
                if (!numeric)
                    continue;
                QFile stat(proc.filePath(entry) + QStringLiteral("/stat"));
                if (!stat.open(QIODevice::ReadOnly))
                    continue;
                // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
                const auto text = stat.readAll();
                const auto fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
                if (fields.size() > 1 && fields[1].toLongLong() == master)
                    ::kill(static_cast<pid_t>(pid), SIGKILL);
            }
            proc_->kill();
            proc_->waitForFinished(5000);
        }
    }
    proc_.reset();
}

bool RtmpPlatform::restart(int timeoutMs) {
    stop();
    return start(timeoutMs);
}

bool RtmpPlatform::isRunning() const {
    return proc_ && proc_->state() != QProcess::NotRunning;
}

QString RtmpPlatform::url(const QString& streamKey) const {
    return QStringLiteral("rtmp://127.0.0.1:") % QString::number(rtmpPort_) %
           QStringLiteral("/live2/") % streamKey;
}

QByteArray RtmpPlatform::statXml() const {
    if (!isRunning())
        return {};
    const auto response = sy::test::httpGet(httpPort_, "/stat");
    if (response.status != 200)
        return {};
    return QByteArray::fromStdString(response.body);
}

bool RtmpPlatform::isPublishing(const QString& streamKey) const {
    // /stat: <application><name>live2</name><live><stream><name>KEY</name>...<publishing/>...
    // </stream>...; a stream element without <publishing/> has only players.
    const auto xml = statXml();
    const auto app = xml.indexOf("<name>live2</name>");
    if (app < 0)
        return false;
    const QByteArray name = "<name>" + streamKey.toUtf8() + "</name>";
    for (auto pos = xml.indexOf("<stream>", app); pos >= 0;
         pos = xml.indexOf("<stream>", pos + 1)) {
        const auto end = xml.indexOf("</stream>", pos);
        if (end < 0)
            return false;
        // The stream's own <name> comes first; its clients have none.
        const auto stream = xml.mid(pos, end - pos);
        const auto nameAt = stream.indexOf("<name>");
        if (nameAt >= 0 && stream.mid(nameAt).startsWith(name) && stream.contains("<publishing/>"))
            return true;
    }
    return false;
}

bool RtmpPlatform::waitPublishing(const QString& streamKey, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!isPublishing(streamKey)) {
        if (deadline.hasExpired() || !isRunning())
            return false;
        proc_->waitForFinished(100); // doubles as the poll interval
    }
    return true;
}

QString RtmpPlatform::errorLog() const {
    QFile f(QDir(dir_).filePath(QStringLiteral("logs/error.log")));
    return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll()) : QString();
}

// ---------------------------------------------------------------------------------------------
// ffprobe / ffmpeg

QStringList inputOptions(const QString& url, int timeoutMs) {
    const auto scheme = QUrl(url).scheme().toLower();
    const QString micros = QString::number(static_cast<qint64>(std::max(timeoutMs, 1)) * 1000);
    if (scheme == QLatin1String("rtsp"))
        // -timeout: the RTSP demuxer's socket I/O timeout (ffmpeg >= 5; was -stimeout).
        return {QStringLiteral("-rtsp_transport"), QStringLiteral("tcp"),
                QStringLiteral("-timeout"), micros};
    // srt is left out on purpose: a listener URL must wait for its caller as long as the test
    // wants, and the process deadline bounds it anyway.
    if (isNetworkScheme(scheme, {"rtmp", "rtmps", "http", "https", "tcp"}))
        return {QStringLiteral("-rw_timeout"), micros};
    return {};
}

ProbeResult probe(const QString& url, int timeoutMs) {
    ProbeResult result;
    QProcess p;
    QStringList args{QStringLiteral("-v"), QStringLiteral("error")};
    args << inputOptions(url, timeoutMs);
    args << QStringLiteral("-select_streams") << QStringLiteral("v:0")
         << QStringLiteral("-show_entries")
         << QStringLiteral("stream=width,height,codec_name:format=duration")
         << QStringLiteral("-of") << QStringLiteral("json") << url;
    p.start(QStringLiteral("ffprobe"), args);
    if (!p.waitForStarted(5000)) {
        result.error = QStringLiteral("cannot run ffprobe: ") % p.errorString();
        return result;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        result.error = QStringLiteral("ffprobe timed out after ") % QString::number(timeoutMs) %
                       QStringLiteral(" ms: ") % tail(p.readAllStandardError());
        return result;
    }
    const auto err = tail(p.readAllStandardError());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        result.error = err.isEmpty() ? QStringLiteral("ffprobe failed (code ") %
                                           QString::number(p.exitCode()) % QStringLiteral(")")
                                     : err;
        return result;
    }
    QJsonParseError parseError{};
    const auto doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.error = QStringLiteral("ffprobe printed no JSON: ") % parseError.errorString();
        return result;
    }
    const auto streams = doc.object().value(QStringLiteral("streams")).toArray();
    if (streams.isEmpty()) {
        result.error = QStringLiteral("no video stream; ") % err;
        return result;
    }
    const auto video = streams.first().toObject();
    result.width = video.value(QStringLiteral("width")).toInt();
    result.height = video.value(QStringLiteral("height")).toInt();
    result.codec = video.value(QStringLiteral("codec_name")).toString();
    // A live input has no duration ("N/A" or absent); ffprobe prints it as a string.
    result.durationS = doc.object()
                           .value(QStringLiteral("format"))
                           .toObject()
                           .value(QStringLiteral("duration"))
                           .toString()
                           .toDouble();
    result.ok = true;
    return result;
}

namespace {

// Runs the frame-counting ffmpeg until minFrames (<= 0: never) or the deadline; the last count.
int runFrameCounter(const QString& url, int minFrames, int timeoutMs, QString* error) {
    QProcess p;
    QStringList args{QStringLiteral("-hide_banner"), QStringLiteral("-nostdin"),
                     QStringLiteral("-loglevel"), QStringLiteral("error")};
    args << inputOptions(url, timeoutMs);
    args << QStringLiteral("-i") << url << QStringLiteral("-map") << QStringLiteral("0:v")
         << QStringLiteral("-c") << QStringLiteral("copy") << QStringLiteral("-f")
         << QStringLiteral("null") << QStringLiteral("-") << QStringLiteral("-progress")
         << QStringLiteral("pipe:1");
    p.start(QStringLiteral("ffmpeg"), args);
    if (!p.waitForStarted(5000)) {
        if (error)
            *error = QStringLiteral("cannot run ffmpeg: ") % p.errorString();
        return -1;
    }
    QDeadlineTimer deadline(timeoutMs);
    QByteArray pending;
    QByteArray errors;
    int frames = 0;
    while (!deadline.hasExpired() && p.state() != QProcess::NotRunning &&
           (minFrames <= 0 || frames < minFrames)) {
        p.waitForReadyRead(100);
        pending += p.readAllStandardOutput();
        errors += p.readAllStandardError();
        errors = errors.right(4000);
        const auto lastNewline = pending.lastIndexOf('\n');
        if (lastNewline < 0)
            continue;
        for (const auto& line : pending.left(lastNewline).split('\n'))
            if (line.startsWith("frame="))
                frames = line.mid(6).trimmed().toInt();
        pending.remove(0, lastNewline + 1);
    }
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
    }
    errors += p.readAllStandardError();
    if (error)
        *error = QStringLiteral("ffmpeg got ") % QString::number(frames) %
                 QStringLiteral(" frames from ") % url % QStringLiteral(": ") % tail(errors);
    return frames;
}

} // namespace

int countFrames(const QString& url, int seconds) {
    return runFrameCounter(url, 0, seconds * 1000, nullptr);
}

bool receivesFrames(const QString& url, int minFrames, int timeoutMs, QString* error) {
    return runFrameCounter(url, minFrames, timeoutMs, error) >= minFrames;
}

} // namespace mediatest
