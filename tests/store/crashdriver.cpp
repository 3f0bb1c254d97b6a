#include "crashdriver.h"

#include <QDeadlineTimer>
#include <QProcess>

namespace crash {
namespace {

// Feeds complete lines to the model; a partial last line stays in the buffer.
void drainLines(QProcess& process, RunModel& run, std::vector<std::string>& problems) {
    while (process.canReadLine()) {
        const std::string line = process.readLine().trimmed().toStdString();
        if (auto problem = run.accept(line); !problem.empty()) {
            problems.push_back(problem);
        }
    }
}

} // namespace

std::vector<std::string> runAndKill(const QString& writerPath, const std::string& dbPath,
                                    const std::string& prefix, RunModel& run, KillPoint kill,
                                    int timeoutMs) {
    std::vector<std::string> problems;
    QProcess process;
    process.start(writerPath, {QString::fromStdString(dbPath), QString::fromStdString(prefix)});
    if (!process.waitForStarted(timeoutMs)) {
        return {"cannot start " + writerPath.toStdString() + ": " +
                process.errorString().toStdString()};
    }
    QDeadlineTimer deadline(timeoutMs);
    while (run.acks() < kill.afterAcks && problems.empty()) {
        if (!process.canReadLine() &&
            !process.waitForReadyRead(static_cast<int>(deadline.remainingTime()))) {
            problems.push_back("writer stopped or timed out after " + std::to_string(run.acks()) +
                               " acks: " + process.readAllStandardError().toStdString());
            break;
        }
        drainLines(process, run, problems);
    }
    QDeadlineTimer jitter(kill.jitterMs);
    while (problems.empty() && process.state() == QProcess::Running && !jitter.hasExpired()) {
        process.waitForReadyRead(static_cast<int>(jitter.remainingTime()));
        drainLines(process, run, problems);
    }
    process.kill(); // SIGKILL: no destructors, no atexit, no SQLite cleanup
    if (!process.waitForFinished(timeoutMs)) {
        problems.push_back("writer did not die");
    }
    // Lines printed between our decision and the kill were acknowledged too: check them as well.
    drainLines(process, run, problems);
    return problems;
}

} // namespace crash
