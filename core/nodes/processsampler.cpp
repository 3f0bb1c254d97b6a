#include "core/nodes/processsampler.h"

#include "core/util/strings.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace sy::nodes {

namespace {

double ticksPerSecond() {
    static const double hz = [] {
        const long v = ::sysconf(_SC_CLK_TCK);
        return v > 0 ? static_cast<double>(v) : 100.0;
    }();
    return hz;
}

std::optional<double> uptimeSeconds() {
    std::ifstream in("/proc/uptime");
    double up = 0;
    if (!(in >> up))
        return std::nullopt;
    return up;
}

} // namespace

std::optional<ProcStat> ProcessSampler::readProcStat(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line))
        return std::nullopt;
    // comm may hold spaces and parentheses: the fields start after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(line.substr(close + 1));
    std::vector<std::string> f;
    for (std::string tok; fields >> tok && f.size() < 22;)
        f.push_back(tok);
    if (f.size() < 22)
        return std::nullopt;
    auto num = [&](std::size_t i) {
        return static_cast<std::uint64_t>(sy::parseInt(f[i]).value_or(0));
    };
    ProcStat s;
    s.pid = pid;
    s.state = f[0].empty() ? '?' : f[0][0];
    s.ppid = static_cast<pid_t>(num(1));
    s.cpuTicks = num(11) + num(12);
    s.startTicks = num(19);
    s.rssPages = num(21);
    return s;
}

std::vector<ProcStat> ProcessSampler::childrenOf(pid_t parent) {
    std::vector<ProcStat> out;
    DIR* dir = ::opendir("/proc");
    if (!dir)
        return out;
    while (const dirent* e = ::readdir(dir)) {
        const auto pid = sy::parseInt(e->d_name);
        if (!pid || *pid <= 0)
            continue;
        auto s = readProcStat(static_cast<pid_t>(*pid));
        if (s && s->ppid == parent && s->state != 'Z')
            out.push_back(*s);
    }
    ::closedir(dir);
    return out;
}

Result<ProcessUsage> ProcessSampler::sample() {
    std::lock_guard lock(mutex_);
    const auto master = readProcStat(master_);
    if (!master || master->state == 'Z' || master->state == 'X')
        return fail("node_not_running", "process " + std::to_string(master_) + " is not running");
    auto procs = childrenOf(master_);
    procs.push_back(*master);
    const auto now = std::chrono::steady_clock::now();
    const long page = ::sysconf(_SC_PAGESIZE);
    ProcessUsage usage;
    std::uint64_t ticks = 0;
    std::map<pid_t, std::uint64_t> current;
    for (const auto& p : procs) {
        usage.rssBytes += p.rssPages * static_cast<std::uint64_t>(page > 0 ? page : 4096);
        const auto prev = lastTicks_.find(p.pid);
        const auto base = prev == lastTicks_.end() ? 0 : prev->second;
        ticks += p.cpuTicks >= base ? p.cpuTicks - base : 0;
        current[p.pid] = p.cpuTicks;
    }
    usage.processes = static_cast<int>(procs.size());
    double seconds = 0;
    if (lastAt_) {
        seconds = std::chrono::duration<double>(now - *lastAt_).count();
    } else if (const auto up = uptimeSeconds()) {
        seconds = *up - static_cast<double>(master->startTicks) / ticksPerSecond();
    }
    usage.interval = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    usage.cpuLoad = seconds > 0 ? static_cast<double>(ticks) / ticksPerSecond() / seconds : 0;
    lastTicks_ = std::move(current);
    lastAt_ = now;
    return usage;
}

model::FlatMetrics ProcessSampler::toFlatMetrics(const ProcessUsage& usage) {
    const unsigned cores = std::thread::hardware_concurrency();
    return {
        {"cpu.process.load", usage.cpuLoad},
        // kB, as the metric catalog documents it.
        {"memory.process.rss", static_cast<double>(usage.rssBytes) / 1024.0},
        {"cpu.processors", cores > 0 ? cores : 1},
    };
}

} // namespace sy::nodes
