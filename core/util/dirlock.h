#pragma once
// An exclusive lock on a data directory, so that two processes (two servers, or a server and an
// embedded console) never run the same desired state and reconcile the same nodes. flock(2) on a
// file in the directory: the kernel drops it when the holder dies, even by SIGKILL, so a crash
// never blocks the restart. The file holds the holder's pid, for the refusal's message.

#include "core/util/result.h"

#include <string>

namespace sy {

class DirectoryLock {
public:
    static constexpr const char* kFileName = "switchyard.lock";

    // Fails with "locked" naming the holder's pid when another open file holds the lock (also
    // in this process), or "storage" when the file cannot be opened.
    static Result<DirectoryLock> acquire(const std::string& dir);

    DirectoryLock() = default;
    DirectoryLock(DirectoryLock&& other) noexcept;
    DirectoryLock& operator=(DirectoryLock&& other) noexcept;
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;
    ~DirectoryLock(); // releases

    bool held() const { return fd_ >= 0; }

private:
    explicit DirectoryLock(int fd)
        : fd_(fd) {}
    int fd_ = -1;
};

} // namespace sy
