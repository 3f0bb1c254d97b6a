#include "core/util/dirlock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace sy {

namespace {

std::string readHolder(int fd) {
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    for (char c : text)
        if (c < '0' || c > '9')
            return {};
    return text;
}

} // namespace

Result<DirectoryLock> DirectoryLock::acquire(const std::string& dir) {
    const std::string path = dir + "/" + kFileName;
    // O_CLOEXEC: nodes (nginx) and ffmpeg outlive the server on purpose; they must not inherit
    // the lock, or a restart after a crash would find it still held.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail("storage", "cannot open the lock file " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string holder = readHolder(fd);
        ::close(fd);
        if (err != EWOULDBLOCK)
            return fail("storage", "cannot lock " + path + ": " + std::strerror(err));
        return fail("locked",
                    "the data directory " + dir + " is in use by " +
                        (holder.empty() ? std::string("another process") : "process " + holder) +
                        " (lock " + path + "); stop it first or use another directory");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the pid; a refused second process just cannot name us.
    }
    return DirectoryLock(fd);
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept
    : fd_(other.fd_) {
    other.fd_ = -1;
}

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0)
        ::close(fd_); // closing the last descriptor of the open file releases the flock
}

} // namespace sy
