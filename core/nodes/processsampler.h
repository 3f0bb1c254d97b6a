#pragma once
// CPU and memory of one node: its nginx master plus the master's children (the worker, and after
// a reload the old worker that is still draining), read from /proc.

#include "core/model/metrictree.h"
#include "core/util/result.h"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sy::nodes {

// The fields of /proc/PID/stat that the sampler needs.
struct ProcStat {
    pid_t pid = 0;
    char state = '?';
    pid_t ppid = 0;
    std::uint64_t cpuTicks = 0;   // utime + stime
    std::uint64_t startTicks = 0; // since boot
    std::uint64_t rssPages = 0;
};

struct ProcessUsage {
    double cpuLoad = 0;         // share of one core, 0..N; over the interval since the last sample
    std::uint64_t rssBytes = 0; // master + children
    int processes = 0;          // master + children still running
    std::chrono::milliseconds interval{0};
};

class ProcessSampler {
public:
    explicit ProcessSampler(pid_t master)
        : master_(master) {}

    // The first sample reports the load averaged over the node's lifetime; later ones over the
    // time since the previous sample. Fails when the master is gone (or a zombie).
    Result<ProcessUsage> sample();

    // cpu.process.load (0..1 of one core), memory.process.rss (bytes), cpu.processors.
    static model::FlatMetrics toFlatMetrics(const ProcessUsage& usage);

    static std::optional<ProcStat> readProcStat(pid_t pid);
    // Live (non-zombie) children of `parent`, found by scanning /proc.
    static std::vector<ProcStat> childrenOf(pid_t parent);

private:
    pid_t master_;
    std::mutex mutex_;
    std::map<pid_t, std::uint64_t> lastTicks_; // per pid, so exited children never go negative
    std::optional<std::chrono::steady_clock::time_point> lastAt_;
};

} // namespace sy::nodes
