#pragma once
// A supervised child process for media jobs and tools (ffmpeg, ffprobe, rclone): spawned with an
// environment of our choosing (never the core's own: secrets and stray variables such as
// AWS_CA_BUNDLE stay out), in a process group of its own so that a stop reaches its helpers,
// with stdout and stderr read line by line on a reader thread of its own. The reader reaps the
// child, so no zombie outlives the object; the destructor stops a child that still runs.
//
// Output lines are delivered to the callback on the reader thread; "\r" ends a line too (ffmpeg's
// status line). Lines longer than 64 KiB are cut.

#include "core/util/result.h"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sy::media {

struct ProcessExit {
    bool signaled = false; // killed by `code`, else exited with `code`
    int code = 0;
    bool success() const { return !signaled && code == 0; }
    std::string describe() const;
};

struct ProcessOptions {
    std::vector<std::string> argv; // argv[0]: an absolute path, or a name found in PATH
    // The child's whole environment. PATH, HOME and LANG are taken from ours when not given.
    std::map<std::string, std::string> env;
    std::filesystem::path workDir; // empty: ours
    std::string stdinFile = "/dev/null";
    // Small documents (up to 60 KiB each) the child reads on descriptors 3, 4, … from pipes:
    // how secrets reach a child without its command line, which every local user can read.
    std::vector<std::string> documents;
};

enum class OutputStream { Out, Err };

class ChildProcess {
public:
    using LineHandler = std::function<void(OutputStream, const std::string& line)>;

    // Fails when the program cannot be started (not installed, not executable), naming it.
    static Result<std::unique_ptr<ChildProcess>> spawn(const ProcessOptions& options,
                                                       LineHandler onLine);
    ~ChildProcess(); // terminate(2 s) if still running, then joins the reader
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    // Non-blocking: set once the child has exited and was reaped (after its output was read).
    std::optional<ProcessExit> exitStatus() const;
    std::optional<ProcessExit> waitForExit(std::chrono::milliseconds timeout) const;
    // SIGTERM to the group, SIGKILL to the group after `grace`; returns the exit status.
    ProcessExit terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
    void signalGroup(int sig);

    // Runs to completion: stdout and stderr (each capped at `maxOutput` bytes). Killed after
    // `timeout`, which is then an error ("timed_out") naming the program.
    struct Output {
        ProcessExit exit;
        std::string out;
        std::string err;
    };
    static Result<Output> run(const ProcessOptions& options, std::chrono::milliseconds timeout,
                              std::size_t maxOutput = 4 * 1024 * 1024);

private:
    ChildProcess(pid_t pid, int outFd, int errFd, LineHandler onLine);
    void readLoop(int outFd, int errFd);

    const pid_t pid_;
    LineHandler onLine_;
    mutable std::mutex mutex_;
    mutable std::condition_variable exited_;
    std::optional<ProcessExit> exit_;
    std::thread reader_;
};

// Where a program is in PATH (or the path itself when it contains '/'); empty when not found.
std::filesystem::path findProgram(const std::string& name);

} // namespace sy::media
