#pragma once
// One nginx master process: spawned in its own session so that it outlives a crash of the core,
// or re-found from its pid file after a restart. Signals, exit detection and reaping live here.
// Thread-safe; no call blocks longer than the timeout it is given.
//
// When a master dies abruptly (kill -9) its worker lives on and keeps the node's ports, so on
// exit the whole process group is killed before the master is reaped (a zombie master keeps the
// group id from being reused).

#include "core/nodes/nginxinstallation.h"
#include "core/util/result.h"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sy::nodes {

struct ExitStatus {
    bool known = false;    // false for an adopted master: only its parent learns the status
    bool signaled = false; // killed by `code`, else exited with `code`
    int code = 0;
    std::string describe() const;
};

class NginxProcess {
public:
    // `nginx -t` on PREFIX/conf/CONF_FILE; on failure the error carries nginx's own message.
    static Result<void> testConfig(const NginxInstallation& nginx,
                                   const std::filesystem::path& prefix, std::string_view confFile,
                                   std::chrono::milliseconds timeout);
    // Runs `nginx -p PREFIX/ -c conf/nginx.conf -e logs/error.log` in a new session, with
    // stdout/stderr appended to PREFIX/logs/stderr.log and no inherited descriptors.
    static Result<std::unique_ptr<NginxProcess>> spawn(const NginxInstallation& nginx,
                                                       const std::filesystem::path& prefix);
    // The master named by PREFIX/logs/nginx.pid, if it is alive and its command line names this
    // prefix (so a reused pid is never mistaken for the node).
    static Result<std::unique_ptr<NginxProcess>> adopt(const std::filesystem::path& prefix);

    // /proc/PID/cmdline with NULs as spaces; nginx keeps its state there ("nginx: worker process
    // is shutting down"). Empty when the process is gone.
    static std::string commandLine(pid_t pid);

    NginxProcess(const NginxProcess&) = delete;
    NginxProcess& operator=(const NginxProcess&) = delete;
    // Leaves the process running: nodes outlive their driver. See terminate().
    ~NginxProcess();

    pid_t pid() const { return pid_; }
    // True when this process is our child (spawned, or adopted by the same process that spawned
    // it), so its exit status is known and it is reaped here.
    bool isChild() const { return child_; }

    // Fails once the process is known to have exited.
    Result<void> signal(int sig);
    // Non-blocking: the exit status once the master has exited (and was reaped if a child).
    std::optional<ExitStatus> poll();
    // Blocks up to `timeout`; nullopt if still running.
    std::optional<ExitStatus> waitForExit(std::chrono::milliseconds timeout);
    // SIGTERM (nginx's fast stop), then SIGKILL of the whole group after `grace`.
    Result<ExitStatus> terminate(std::chrono::milliseconds grace);

private:
    NginxProcess(pid_t pid, int pidfd, bool child);
    std::optional<ExitStatus> pollLocked();

    const pid_t pid_;
    const int pidfd_; // -1 when pidfd_open is unavailable: then exits are found by polling
    const bool child_;
    std::mutex mutex_;
    std::optional<ExitStatus> exit_;
};

} // namespace sy::nodes
