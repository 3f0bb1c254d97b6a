#include "core/media/childprocess.h"

#include "core/util/strings.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sy::media {

namespace {

constexpr std::size_t maxLine = 64 * 1024;

ProcessExit fromWaitStatus(int status) {
    ProcessExit e;
    e.signaled = WIFSIGNALED(status);
    e.code = e.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
    return e;
}

std::vector<std::string> environmentFor(const ProcessOptions& options) {
    auto env = options.env;
    for (const char* name : {"PATH", "HOME", "LANG"})
        if (!env.count(name))
            if (const char* v = std::getenv(name))
                env[name] = v;
    if (!env.count("PATH"))
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
    std::vector<std::string> out;
    for (const auto& [k, v] : env)
        out.push_back(k + "=" + v);
    return out;
}

// Splits a stream into lines ("\n" or "\r"), keeping the unfinished tail.
struct LineSplitter {
    std::string pending;
    template <class Emit>
    void feed(const char* data, std::size_t n, Emit&& emit) {
        for (std::size_t i = 0; i < n; ++i) {
            const char c = data[i];
            if (c == '\n' || c == '\r') {
                if (!pending.empty())
                    emit(pending);
                pending.clear();
            } else if (pending.size() < maxLine) {
                pending.push_back(c);
            }
        }
    }
    template <class Emit>
    void finish(Emit&& emit) {
        if (!pending.empty())
            emit(pending);
        pending.clear();
    }
};

} // namespace

std::string ProcessExit::describe() const {
    if (signaled) {
        const char* name = ::sigabbrev_np(code);
        return "killed by signal " + std::to_string(code) +
               (name ? std::string(" (SIG") + name + ")" : "");
    }
    return "exited with code " + std::to_string(code);
}

std::filesystem::path findProgram(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name)
                                                 : std::filesystem::path();
    const char* path = std::getenv("PATH");
    const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const ProcessOptions& options,
                                                          LineHandler onLine) {
    if (options.argv.empty())
        return fail("spawn_failed", "no program to run");
    const auto program = findProgram(options.argv[0]);
    if (program.empty())
        return fail("not_installed",
                    sy::quoted(options.argv[0]) + " is not installed (not in PATH)");
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        return fail("spawn_failed", std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        return fail("spawn_failed", std::string("pipe: ") + std::strerror(errno));
    }
    // Each document is written whole into its pipe before the child starts (it fits in the pipe
    // buffer, so this never blocks, and no SIGPIPE: the read end is ours until then). The read
    // ends are moved above every target descriptor first, so placing one never closes another.
    const int firstFree = 3 + static_cast<int>(options.documents.size());
    std::vector<int> docFds;
    const auto refuseDocument = [&] {
        for (int fd : docFds)
            ::close(fd);
        for (int fd : {out[0], out[1], err[0], err[1]})
            ::close(fd);
        return fail("spawn_failed", "cannot hand a document to the child");
    };
    for (const auto& doc : options.documents) {
        int p[2];
        if (doc.size() > 60 * 1024 || ::pipe2(p, O_CLOEXEC) != 0)
            return refuseDocument();
        std::size_t done = 0;
        while (done < doc.size()) {
            const auto n = ::write(p[1], doc.data() + done, doc.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        ::close(p[1]);
        const int high = ::fcntl(p[0], F_DUPFD_CLOEXEC, firstFree);
        ::close(p[0]);
        if (done < doc.size() || high < 0) {
            if (high >= 0)
                ::close(high);
            return refuseDocument();
        }
        docFds.push_back(high);
    }
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_addopen(&actions, 0, options.stdinFile.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    for (std::size_t i = 0; i < docFds.size(); ++i) // dup2 clears close-on-exec on the copy
        posix_spawn_file_actions_adddup2(&actions, docFds[i], 3 + static_cast<int>(i));
    if (!options.workDir.empty())
        posix_spawn_file_actions_addchdir_np(&actions, options.workDir.c_str());
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&actions, firstFree);
#endif
    std::vector<char*> argv;
    const std::string programPath = program.string();
    argv.push_back(const_cast<char*>(programPath.c_str()));
    for (std::size_t i = 1; i < options.argv.size(); ++i)
        argv.push_back(const_cast<char*>(options.argv[i].c_str()));
    argv.push_back(nullptr);
    const auto envStrings = environmentFor(options);
    std::vector<char*> envp;
    for (const auto& e : envStrings)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc =
        ::posix_spawn(&pid, programPath.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : docFds) // the child has its copies
        ::close(fd);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return fail("spawn_failed",
                    "cannot run " + sy::quoted(programPath) + ": " + std::strerror(rc));
    }
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], err[0], std::move(onLine)));
}

ChildProcess::ChildProcess(pid_t pid, int outFd, int errFd, LineHandler onLine)
    : pid_(pid)
    , onLine_(std::move(onLine)) {
    reader_ = std::thread([this, outFd, errFd] { readLoop(outFd, errFd); });
}

ChildProcess::~ChildProcess() {
    if (!exitStatus())
        terminate(std::chrono::milliseconds(2000));
    if (reader_.joinable())
        reader_.join();
}

void ChildProcess::readLoop(int outFd, int errFd) {
    LineSplitter splitters[2];
    pollfd fds[2] = {{outFd, POLLIN, 0}, {errFd, POLLIN, 0}};
    int open = 2;
    char buf[16384];
    while (open > 0) {
        const int n = ::poll(fds, 2, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const auto got = ::read(fds[i].fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            const auto which = i == 0 ? OutputStream::Out : OutputStream::Err;
            auto emit = [&](const std::string& line) {
                if (onLine_)
                    onLine_(which, line);
            };
            if (got <= 0) {
                splitters[i].finish(emit);
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
                continue;
            }
            splitters[i].feed(buf, static_cast<std::size_t>(got), emit);
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0)
            ::close(f.fd);
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 &&
           errno == EINTR) {
    }
    ::kill(-pid_, SIGKILL); // helpers left in the group; the unreaped child still pins its id
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard lock(mutex_);
    exit_ = fromWaitStatus(status);
    exited_.notify_all();
}

std::optional<ProcessExit> ChildProcess::exitStatus() const {
    std::lock_guard lock(mutex_);
    return exit_;
}

std::optional<ProcessExit> ChildProcess::waitForExit(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    exited_.wait_for(lock, timeout, [this] { return exit_.has_value(); });
    return exit_;
}

void ChildProcess::signalGroup(int sig) {
    std::lock_guard lock(mutex_);
    if (!exit_) // not reaped yet, so the group id is still this child's
        ::kill(-pid_, sig);
}

ProcessExit ChildProcess::terminate(std::chrono::milliseconds grace) {
    signalGroup(SIGTERM);
    if (auto e = waitForExit(grace))
        return *e;
    signalGroup(SIGKILL);
    if (auto e = waitForExit(std::chrono::milliseconds(10000)))
        return *e;
    return ProcessExit{true, SIGKILL}; // unreachable in practice: SIGKILL cannot be ignored
}

Result<ChildProcess::Output> ChildProcess::run(const ProcessOptions& options,
                                               std::chrono::milliseconds timeout,
                                               std::size_t maxOutput) {
    auto collected = std::make_shared<Output>();
    auto mutex = std::make_shared<std::mutex>();
    auto child =
        spawn(options, [collected, mutex, maxOutput](OutputStream s, const std::string& l) {
            std::lock_guard lock(*mutex);
            auto& target = s == OutputStream::Out ? collected->out : collected->err;
            if (target.size() < maxOutput)
                target += l + "\n";
        });
    if (!child)
        return unexpected(child.error());
    auto exit = (*child)->waitForExit(timeout);
    if (!exit) {
        (*child)->terminate(std::chrono::milliseconds(500));
        return fail("timed_out", sy::quoted(options.argv[0]) + " did not finish in " +
                                     std::to_string(timeout.count()) + " ms");
    }
    child->reset(); // joins the reader: all output is in
    std::lock_guard lock(*mutex);
    collected->exit = *exit;
    return *collected;
}

} // namespace sy::media
