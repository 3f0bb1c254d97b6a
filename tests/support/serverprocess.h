#pragma once
// switchyard-server as a child process for tests: started on loopback (port 0 by default, the
// bound port read from its "listening on" line), killed at the end of the test.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <map>
#include <utility>

namespace sy::test {

QString serverPath(); // the switchyard-server built next to the tests

struct ServerLaunch {
    ServerLaunch(QString dir, quint16 listenPort = 0, QStringList extra = {},
                 std::map<QString, QString> addEnv = {}, QStringList removeEnv = {},
                 bool merge = false)
        : dataDir(std::move(dir))
        , port(listenPort)
        , extraArgs(std::move(extra))
        , env(std::move(addEnv))
        , unsetEnv(std::move(removeEnv))
        , mergeChannels(merge) {}

    QString dataDir;
    quint16 port = 0;
    QStringList extraArgs;
    std::map<QString, QString> env; // added to the test's environment
    QStringList unsetEnv;           // removed from it
    bool mergeChannels = false;     // stderr into output()
};

class ServerProcess {
public:
    explicit ServerProcess(const ServerLaunch& launch);
    ~ServerProcess(); // SIGKILL if still running
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Waits (with a deadline) for the "listening on" line; the port, or 0.
    quint16 waitForPort(int timeoutMs = 20000);
    // SIGKILL: no shutdown code runs, as after a crash.
    void crash();
    // SIGTERM and wait; true when it stopped cleanly with exit code 0.
    bool stop(int timeoutMs = 20000);
    bool isRunning() const { return proc_.state() != QProcess::NotRunning; }
    QProcess::ExitStatus exitStatus() const { return proc_.exitStatus(); }
    QProcess& process() { return proc_; }
    QString output(); // everything printed on stdout so far (and stderr when merged)
    QString errors();

private:
    QProcess proc_;
    QString out_;
};

} // namespace sy::test
