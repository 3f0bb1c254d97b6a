#include "tests/support/s3server.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRandomGenerator>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sy::test {

namespace {

constexpr quint16 kFirstPort = 23500;
constexpr quint16 kPortCount = 100;

// Whether a TCP bind to 127.0.0.1:port succeeds now (SO_REUSEADDR, as servers bind).
bool canBind(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

} // namespace

S3Server::S3Server(QString script, QString installDir, QString dataDir, QStringList buckets)
    : script_(std::move(script))
    , installDir_(std::move(installDir))
    , dataDir_(std::move(dataDir))
    , buckets_(std::move(buckets)) {}

S3Server::~S3Server() {
    stop();
}

quint16 S3Server::freePort() {
    const auto offset = static_cast<quint16>(QRandomGenerator::global()->bounded(kPortCount));
    for (quint16 i = 0; i < kPortCount; ++i) {
        const auto port = static_cast<quint16>(kFirstPort + (offset + i) % kPortCount);
        if (canBind(port) && !portAnswers(port))
            return port;
    }
    return 0;
}

bool S3Server::portAnswers(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

QString S3Server::endpoint() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(port_);
}

QString S3Server::log() {
    std::lock_guard lock(*logMutex_);
    return *log_;
}

bool S3Server::start(QString* error, int timeoutMs) {
    QDir().mkpath(dataDir_);
    QDir().mkpath(installDir_);
    const QDeadlineTimer deadline(timeoutMs);
    // A port taken between the check and s3rver's bind makes s3rver exit: try another one.
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = freePort();
        if (port_ == 0) {
            *error = QStringLiteral("no free port in 23500-23599");
            return false;
        }
        {
            std::lock_guard lock(*logMutex_);
            log_->clear(); // this attempt's output only
        }
        sy::media::ProcessOptions o;
        o.argv = {script_.toStdString(),
                  installDir_.toStdString(),
                  "-d",
                  dataDir_.toStdString(),
                  "-a",
                  "127.0.0.1",
                  "-p",
                  std::to_string(port_),
                  "--silent"};
        for (const auto& b : buckets_) {
            o.argv.push_back("--configure-bucket");
            o.argv.push_back(b.toStdString());
        }
        // npm needs our environment (its config, proxies, CI settings); AWS_* is irrelevant.
        for (const auto& entry : QProcessEnvironment::systemEnvironment().toStringList()) {
            const auto eq = entry.indexOf(QLatin1Char('='));
            if (eq > 0 && !entry.startsWith(QStringLiteral("AWS_")))
                o.env[entry.left(eq).toStdString()] = entry.mid(eq + 1).toStdString();
        }
        auto child = sy::media::ChildProcess::spawn(
            o, [mutex = logMutex_, log = log_](sy::media::OutputStream, const std::string& line) {
                std::lock_guard lock(*mutex);
                if (log->size() < 1024 * 1024)
                    *log += QString::fromStdString(line) + QLatin1Char('\n');
            });
        if (!child) {
            *error = QStringLiteral("cannot start %1: %2")
                         .arg(script_, QString::fromStdString(child.error().message));
            return false;
        }
        proc_ = std::move(*child);
        std::optional<sy::media::ProcessExit> exit;
        while (!deadline.hasExpired()) {
            // Ours, not another suite's server that took the port meanwhile: alive, and its
            // buckets are in our data directory.
            bool ready = portAnswers(port_) && !proc_->exitStatus();
            for (const auto& b : buckets_)
                ready = ready && QFileInfo(QDir(dataDir_).filePath(b)).isDir();
            if (ready)
                return true;
            // Doubles as the poll interval: returns at once when the script exits.
            exit = proc_->waitForExit(std::chrono::milliseconds(100));
            if (exit)
                break;
        }
        if (!exit) {
            stop();
            *error = QStringLiteral("s3rver did not answer on port %1 in %2 ms; output:\n%3")
                         .arg(port_)
                         .arg(timeoutMs)
                         .arg(log());
            return false;
        }
        proc_.reset();
        const QString out = log();
        if (!out.contains(QStringLiteral("EADDRINUSE"))) {
            *error = QStringLiteral("s3rver (%1) %2 before answering; output:\n%3")
                         .arg(script_, QString::fromStdString(exit->describe()), out);
            return false;
        }
    }
    *error = QStringLiteral("s3rver found no free port after 5 attempts");
    return false;
}

void S3Server::stop() {
    if (!proc_)
        return;
    // SIGTERM then SIGKILL to the whole group (the script, npm during an install, s3rver), and
    // reaped before this returns.
    proc_->terminate(std::chrono::milliseconds(3000));
    proc_.reset();
}

} // namespace sy::test
