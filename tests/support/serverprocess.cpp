#include "tests/support/serverprocess.h"

#include <QDeadlineTimer>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include <csignal>

namespace sy::test {

QString serverPath() {
    return QStringLiteral(SWITCHYARD_BIN_DIR "/switchyard-server");
}

ServerProcess::ServerProcess(const ServerLaunch& launch) {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const auto& name : launch.unsetEnv)
        env.remove(name);
    for (const auto& [name, value] : launch.env)
        env.insert(name, value);
    proc_.setProcessEnvironment(env);
    proc_.setProgram(serverPath());
    proc_.setArguments(QStringList{QStringLiteral("--listen"),
                                   QStringLiteral("127.0.0.1:%1").arg(launch.port),
                                   QStringLiteral("--data-dir"), launch.dataDir} +
                       launch.extraArgs);
    proc_.setProcessChannelMode(launch.mergeChannels ? QProcess::MergedChannels
                                                     : QProcess::SeparateChannels);
    proc_.start();
}

ServerProcess::~ServerProcess() {
    if (isRunning()) {
        proc_.kill();
        proc_.waitForFinished(5000);
    }
}

quint16 ServerProcess::waitForPort(int timeoutMs) {
    static const QRegularExpression re(QStringLiteral("listening on https?://[^:]+:(\\d+)/"));
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (auto m = re.match(output()); m.hasMatch())
            return static_cast<quint16>(m.captured(1).toUShort());
        if (!proc_.waitForReadyRead(static_cast<int>(deadline.remainingTime())) && !isRunning())
            break;
    }
    return 0;
}

void ServerProcess::crash() {
    proc_.kill();
    proc_.waitForFinished(10000);
}

bool ServerProcess::stop(int timeoutMs) {
    if (!isRunning())
        return false;
    ::kill(static_cast<pid_t>(proc_.processId()), SIGTERM);
    return proc_.waitForFinished(timeoutMs) && proc_.exitStatus() == QProcess::NormalExit &&
           proc_.exitCode() == 0;
}

QString ServerProcess::output() {
    out_ += QString::fromUtf8(proc_.readAllStandardOutput());
    return out_;
}

QString ServerProcess::errors() {
    return QString::fromUtf8(proc_.readAllStandardError());
}

} // namespace sy::test
