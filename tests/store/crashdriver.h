#pragma once
// Drives store_crash_writer for the store test: start it, read its acknowledgements, kill it.

#include "crashmodel.h"

#include <QString>

#include <string>
#include <vector>

namespace crash {

struct KillPoint {
    int afterAcks = 0; // acknowledgements to read first
    // Then keep reading for this long before the kill. Without it the kill would always land at
    // the very start of the next write (the test reacts faster than an fsync), never inside a
    // multi-commit stretch such as a batch that had wrongly been split into several commits.
    int jitterMs = 0;
};

// Starts the writer on dbPath with the given key prefix, feeds its output into run until the kill
// point, then SIGKILLs it mid-stream and feeds in whatever complete lines it printed before dying.
// Waits on output with deadlines, never a fixed sleep. Returns problems (writer failed, timed
// out, bad output); empty on success.
std::vector<std::string> runAndKill(const QString& writerPath, const std::string& dbPath,
                                    const std::string& prefix, RunModel& run, KillPoint kill,
                                    int timeoutMs);

} // namespace crash
