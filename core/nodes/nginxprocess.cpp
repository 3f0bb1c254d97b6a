#include "core/nodes/nginxprocess.h"

#include "core/nodes/processsampler.h"
#include "core/util/strings.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace sy::nodes {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int pidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

int msLeft(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

std::string withTrailingSlash(const std::filesystem::path& dir) {
    auto s = dir.string();
    if (!s.ends_with('/'))
        s += '/';
    return s;
}

ExitStatus fromWaitStatus(int status) {
    ExitStatus s;
    s.known = true;
    s.signaled = WIFSIGNALED(status);
    s.code = s.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
    return s;
}

// posix_spawn with a clean signal state and nothing inherited beyond fds 0-2: a core socket that
// leaked into nginx would keep the core's port bound after the core died.
struct SpawnSetup {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    SpawnSetup(bool newSession) {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
        sigset_t none;
        sigemptyset(&none);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2,
                        SIGALRM, SIGWINCH})
            sigaddset(&defaults, sig);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &defaults);
        short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        if (newSession)
            flags |= POSIX_SPAWN_SETSID;
        posix_spawnattr_setflags(&attr, flags);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    void closeTheRest() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    }
    Result<pid_t> run(const std::vector<std::string>& args) {
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        pid_t pid = 0;
        const int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
        if (rc != 0)
            return fail("spawn_failed",
                        "cannot run " + sy::quoted(args[0]) + ": " + std::strerror(rc));
        return pid;
    }
};

// Reads a pipe until EOF, `limit` bytes or the deadline.
std::string drainPipe(int fd, Clock::time_point deadline, std::size_t limit, bool& timedOut) {
    std::string out;
    timedOut = false;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, msLeft(deadline));
        if (n == 0) {
            timedOut = true;
            return out;
        }
        if (n < 0 && errno == EINTR)
            continue;
        char buf[4096];
        const auto got = n < 0 ? -1 : ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return out;
        if (out.size() < limit)
            out.append(buf, static_cast<std::size_t>(got));
    }
}

} // namespace

std::string NginxProcess::commandLine(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto s = text.str();
    for (auto& c : s)
        c = c == '\0' ? ' ' : c;
    return s;
}

std::string ExitStatus::describe() const {
    if (!known)
        return "exited (status unknown: not our child)";
    if (signaled) {
        const char* name = ::sigabbrev_np(code);
        return "killed by signal " + std::to_string(code) +
               (name ? std::string(" (SIG") + name + ")" : "");
    }
    return "exited with code " + std::to_string(code);
}

Result<void> NginxProcess::testConfig(const NginxInstallation& nginx,
                                      const std::filesystem::path& prefix,
                                      std::string_view confFile, milliseconds timeout) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return fail("spawn_failed", std::string("pipe: ") + std::strerror(errno));
    SpawnSetup setup(false);
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&setup.actions, pipefd[1], 2);
    setup.closeTheRest();
    auto pid = setup.run({nginx.binary.string(), "-t", "-q", "-p", withTrailingSlash(prefix), "-c",
                          "conf/" + std::string(confFile), "-e", "logs/error.log"});
    ::close(pipefd[1]);
    if (!pid) {
        ::close(pipefd[0]);
        return sy::unexpected(pid.error());
    }
    bool timedOut = false;
    const auto output = drainPipe(pipefd[0], Clock::now() + timeout, 64 * 1024, timedOut);
    ::close(pipefd[0]);
    if (timedOut)
        ::kill(*pid, SIGKILL);
    int status = 0;
    while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut)
        return fail("config_test_failed",
                    "nginx -t did not finish in " + std::to_string(timeout.count()) + " ms");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {};
    return fail("config_test_failed",
                "nginx -t refused " +
                    sy::quoted((prefix / "conf" / std::string(confFile)).string()) + ": " +
                    std::string(sy::trim(output)));
}

Result<std::unique_ptr<NginxProcess>> NginxProcess::spawn(const NginxInstallation& nginx,
                                                          const std::filesystem::path& prefix) {
    const auto log = (prefix / "logs" / "stderr.log").string();
    SpawnSetup setup(true);
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&setup.actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&setup.actions, 1, 2);
    setup.closeTheRest();
    auto pid = setup.run({nginx.binary.string(), "-p", withTrailingSlash(prefix), "-c",
                          "conf/nginx.conf", "-e", "logs/error.log"});
    if (!pid)
        return sy::unexpected(pid.error());
    // Our child cannot be reaped by anyone else, so the pid is still ours to open.
    return std::unique_ptr<NginxProcess>(new NginxProcess(*pid, pidfdOpen(*pid), true));
}

Result<std::unique_ptr<NginxProcess>> NginxProcess::adopt(const std::filesystem::path& prefix) {
    const auto pidFile = prefix / "logs" / "nginx.pid";
    std::ifstream in(pidFile);
    std::string text;
    std::getline(in, text);
    const auto pid = sy::parseInt(text);
    if (!pid || *pid <= 1)
        return fail("node_not_running", "no valid pid in " + sy::quoted(pidFile.string()));
    const auto p = static_cast<pid_t>(*pid);
    const int pidfd = pidfdOpen(p); // first, so that the checks below are about this process
    const auto stat = ProcessSampler::readProcStat(p);
    const auto cmdline = commandLine(p);
    const bool ours = cmdline.starts_with("nginx: master process") &&
                      cmdline.find(" -p " + withTrailingSlash(prefix) + " ") != std::string::npos;
    if (!stat || stat->state == 'Z' || !ours) {
        if (pidfd >= 0)
            ::close(pidfd);
        return fail("node_not_running", "pid " + std::to_string(p) + " from " +
                                            sy::quoted(pidFile.string()) +
                                            " is not this node's running nginx master");
    }
    siginfo_t info{};
    const bool child =
        ::waitid(P_PID, static_cast<id_t>(p), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
    return std::unique_ptr<NginxProcess>(new NginxProcess(p, pidfd, child));
}

NginxProcess::NginxProcess(pid_t pid, int pidfd, bool child)
    : pid_(pid)
    , pidfd_(pidfd)
    , child_(child) {}

NginxProcess::~NginxProcess() {
    if (pidfd_ >= 0)
        ::close(pidfd_);
}

Result<void> NginxProcess::signal(int sig) {
    std::lock_guard lock(mutex_);
    if (pollLocked())
        return fail("node_not_running", "nginx " + std::to_string(pid_) + " has exited");
#ifdef SYS_pidfd_send_signal
    // A pidfd names this very process, never a later one that reused the pid.
    if (pidfd_ >= 0 && ::syscall(SYS_pidfd_send_signal, pidfd_, sig, nullptr, 0) == 0)
        return {};
#endif
    if (::kill(pid_, sig) != 0)
        return fail("signal_failed",
                    "cannot signal nginx " + std::to_string(pid_) + ": " + std::strerror(errno));
    return {};
}

std::optional<ExitStatus> NginxProcess::poll() {
    std::lock_guard lock(mutex_);
    return pollLocked();
}

std::optional<ExitStatus> NginxProcess::pollLocked() {
    if (exit_)
        return exit_;
    if (child_) {
        siginfo_t info{};
        const int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
        if (rc == 0 && info.si_pid != pid_)
            return std::nullopt;
        if (rc != 0) { // ECHILD: reaped elsewhere (SIGCHLD ignored); the status is lost
            exit_ = ExitStatus{};
            return exit_;
        }
        ::kill(-pid_, SIGKILL); // orphaned workers; the zombie master pins the group id
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_ = fromWaitStatus(status);
        return exit_;
    }
    bool exited = false;
    if (pidfd_ >= 0) {
        pollfd p{pidfd_, POLLIN, 0};
        exited = ::poll(&p, 1, 0) > 0;
    } else {
        const auto stat = ProcessSampler::readProcStat(pid_);
        exited = !stat || stat->state == 'Z' || stat->state == 'X';
    }
    if (!exited)
        return std::nullopt;
    ::kill(-pid_, SIGKILL);
    exit_ = ExitStatus{};
    return exit_;
}

std::optional<ExitStatus> NginxProcess::waitForExit(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto s = poll())
            return s;
        const int left = msLeft(deadline);
        if (left <= 0)
            return std::nullopt;
        if (pidfd_ >= 0) {
            pollfd p{pidfd_, POLLIN, 0};
            ::poll(&p, 1, std::min(left, 200));
        } else {
            std::this_thread::sleep_for(milliseconds(std::min(left, 20)));
        }
    }
}

Result<ExitStatus> NginxProcess::terminate(milliseconds grace) {
    if (auto s = poll())
        return *s;
    (void)signal(SIGTERM); // it may exit between poll() and here; the waits below still apply
    if (auto s = waitForExit(grace))
        return *s;
    {
        std::lock_guard lock(mutex_);
        if (!pollLocked())
            ::kill(-pid_, SIGKILL);
    }
    if (auto s = waitForExit(milliseconds(3000)))
        return *s;
    return fail("stop_failed", "nginx " + std::to_string(pid_) + " survived SIGKILL");
}

} // namespace sy::nodes
