#include "core/nodes/nginxrtmpdriver.h"

#include "core/util/strings.h"

#include <csignal>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace sy::nodes {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The last `lines` non-empty lines of a file (nginx's own words on why it failed).
std::string tailOf(const std::filesystem::path& file, std::size_t lines) {
    std::ifstream in(file);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);)
        if (!sy::trim(line).empty())
            all.push_back(line);
    std::string out;
    for (auto i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += (out.empty() ? "" : " | ") + all[i];
    return out;
}

} // namespace

NginxRtmpDriver::NginxRtmpDriver(NginxInstallation nginx, NginxConfigTemplate config, NodeSpec spec,
                                 DriverTimeouts timeouts)
    : nginx_(std::move(nginx))
    , config_(std::move(config))
    , timeouts_(timeouts)
    , spec_(std::move(spec)) {}

NginxRtmpDriver::~NginxRtmpDriver() = default;

NodeSpec NginxRtmpDriver::spec() const {
    std::lock_guard lock(mutex_);
    return spec_;
}

pid_t NginxRtmpDriver::pid() const {
    auto p = process();
    return p ? p->pid() : 0;
}

std::shared_ptr<NginxProcess> NginxRtmpDriver::process() const {
    std::lock_guard lock(mutex_);
    return process_;
}

void NginxRtmpDriver::holdPorts(PortLease lease) {
    std::lock_guard lock(mutex_);
    ports_ = std::move(lease);
}

// The tail reaches error messages (events, API answers): nginx-rtmp logs a callback's URL, secret
// included, at level info, so the secret is masked should an operator raise the level.
std::string NginxRtmpDriver::logTail() const {
    const auto current = spec();
    const auto logs = current.prefixDir / "logs";
    auto tail = tailOf(logs / "stderr.log", 3);
    if (tail.empty())
        tail = tailOf(logs / "error.log", 3);
    if (!current.secret.empty())
        for (auto at = tail.find(current.secret); at != std::string::npos;
             at = tail.find(current.secret, at))
            tail.replace(at, current.secret.size(), "****");
    return tail;
}

Result<std::string> NginxRtmpDriver::writeConfig(const NodeSpec& spec, std::string_view fileName) {
    auto text = config_.render(spec, nginx_.rtmpModule);
    if (!text)
        return text;
    auto file = writeNodeConfig(spec, *text, fileName);
    if (!file)
        return sy::unexpected(std::move(file).error());
    if (auto ok = NginxProcess::testConfig(nginx_, spec.prefixDir, fileName, timeouts_.configTest);
        !ok) {
        std::error_code ec;
        std::filesystem::remove(*file, ec);
        return sy::unexpected(ok.error());
    }
    return text;
}

Result<void> NginxRtmpDriver::start() {
    std::lock_guard op(lifecycle_);
    if (auto p = process(); p && !p->poll())
        return fail("node_running", "node " + spec().nodeId + " is already running");
    const auto spec = this->spec();
    if (auto ok = writeConfig(spec, "nginx.conf"); !ok)
        return sy::unexpected(ok.error());
    auto spawned = NginxProcess::spawn(nginx_, spec.prefixDir);
    if (!spawned)
        return sy::unexpected(spawned.error());
    {
        std::lock_guard lock(mutex_);
        process_ = std::move(spawned).value();
        sampler_ = std::make_shared<ProcessSampler>(process_->pid());
    }
    auto stat = waitForStat(timeouts_.ready, 0);
    if (!stat) {
        (void)process()->terminate(timeouts_.stop);
        return sy::unexpected(std::move(stat).error());
    }
    return {};
}

Result<NginxStat> NginxRtmpDriver::waitForStat(milliseconds timeout, long long notWorker) {
    const auto deadline = Clock::now() + timeout;
    const auto p = process();
    std::string last = "no answer yet";
    for (auto pause = milliseconds(5);; pause = std::min(pause * 2, milliseconds(100))) {
        if (const auto exit = p->poll())
            return fail("node_exited", "nginx for node " + spec().nodeId + " " + exit->describe() +
                                           ": " + logTail());
        auto stat = fetchStat();
        if (stat && stat->workerPid != notWorker)
            return stat;
        if (!stat)
            last = stat.error().message;
        if (Clock::now() + pause >= deadline)
            return fail("node_not_ready", "node " + spec().nodeId + ": /stat not ready in " +
                                              std::to_string(timeout.count()) + " ms (" + last +
                                              ")");
        std::this_thread::sleep_for(pause);
    }
}

bool NginxRtmpDriver::installedConfigMatches(const NodeSpec& spec) const {
    const auto text = config_.render(spec, nginx_.rtmpModule);
    if (!text)
        return false;
    std::ifstream in(spec.prefixDir / "conf" / "nginx.conf", std::ios::binary);
    if (!in)
        return false;
    const std::string installed((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
    return installed == *text;
}

Result<void> NginxRtmpDriver::reload(const NodeSpec& next) {
    std::lock_guard op(lifecycle_);
    const auto current = spec();
    if (next.nodeId != current.nodeId || next.prefixDir != current.prefixDir)
        return fail("invalid_node_spec", "reload cannot change nodeId or prefixDir");
    const auto p = process();
    if (!p || p->poll())
        return fail("node_not_running", "node " + current.nodeId + " is not running");
    // Tested under another name first, so a bad config never replaces the running one.
    if (auto ok = writeConfig(next, "nginx.conf.next"); !ok)
        return sy::unexpected(ok.error());
    std::error_code ec;
    std::filesystem::rename(next.prefixDir / "conf" / "nginx.conf.next",
                            next.prefixDir / "conf" / "nginx.conf", ec);
    if (ec)
        return fail("io_error", "cannot install the new config: " + ec.message());
    const auto before = fetchStat();
    if (auto ok = p->signal(SIGHUP); !ok)
        return ok;
    {
        std::lock_guard lock(mutex_);
        spec_ = next;
    }
    const auto deadline = Clock::now() + timeouts_.reload;
    auto stat = waitForStat(timeouts_.reload, before ? before->workerPid : 0);
    if (!stat)
        return sy::unexpected(std::move(stat).error());
    if (before)
        return waitForRetirement(static_cast<pid_t>(before->workerPid), deadline);
    return {};
}

Result<void> NginxRtmpDriver::waitForRetirement(pid_t worker, Clock::time_point deadline) {
    // The master starts the new worker before it tells the old one to quit; until then both
    // accept, and /stat may still come from the old worker. The old one retitles itself just
    // before it closes its listening sockets.
    for (auto pause = milliseconds(2);; pause = std::min(pause * 2, milliseconds(50))) {
        const auto cmdline = NginxProcess::commandLine(worker);
        const auto stat = ProcessSampler::readProcStat(worker);
        if (cmdline.find("shutting down") != std::string::npos || !stat || stat->state == 'Z' ||
            cmdline.find("worker process") == std::string::npos)
            return {};
        if (Clock::now() + pause >= deadline)
            return fail("node_not_ready", "node " + spec().nodeId + ": the old worker " +
                                              std::to_string(worker) +
                                              " did not retire after the reload");
        std::this_thread::sleep_for(pause);
    }
}

Result<void> NginxRtmpDriver::drain() {
    const auto p = process();
    if (!p)
        return fail("node_not_running", "node " + spec().nodeId + " was never started");
    return p->signal(SIGQUIT);
}

Result<ExitStatus> NginxRtmpDriver::stop() {
    std::lock_guard op(lifecycle_);
    const auto p = process();
    if (!p)
        return fail("node_not_running", "node " + spec().nodeId + " was never started");
    auto exit = p->terminate(timeouts_.stop);
    if (exit) {
        std::lock_guard lock(mutex_);
        ports_.release();
    }
    return exit;
}

std::optional<ExitStatus> NginxRtmpDriver::pollExit() {
    const auto p = process();
    if (!p)
        return std::nullopt;
    auto exit = p->poll();
    if (exit) {
        std::lock_guard lock(mutex_);
        ports_.release();
    }
    return exit;
}

std::optional<ExitStatus> NginxRtmpDriver::waitForExit(milliseconds timeout) {
    const auto p = process();
    if (!p)
        return std::nullopt;
    if (!p->waitForExit(timeout))
        return std::nullopt;
    return pollExit();
}

Result<NginxStat> NginxRtmpDriver::fetchStat() {
    const auto current = spec();
    const int port = current.httpPort;
    auto response = LoopbackHttpClient::get(
        port, "/stat", timeouts_.http, LoopbackHttpClient::kDefaultMaxResponse, current.secret);
    if (!response)
        return sy::unexpected(std::move(response).error());
    if (response->status != 200)
        return fail("bad_stat", "/stat on port " + std::to_string(port) + " answered " +
                                    std::to_string(response->status));
    return NginxStatParser::parse(response->body);
}

Result<NodeSample> NginxRtmpDriver::sample() {
    auto stat = fetchStat();
    if (!stat)
        return sy::unexpected(std::move(stat).error());
    std::shared_ptr<ProcessSampler> sampler;
    {
        std::lock_guard lock(mutex_);
        sampler = sampler_;
    }
    if (!sampler)
        return fail("node_not_running", "node " + spec().nodeId + " was never started");
    auto usage = sampler->sample();
    if (!usage)
        return sy::unexpected(std::move(usage).error());
    auto metrics = NginxStatParser::toFlatMetrics(*stat);
    metrics.merge(ProcessSampler::toFlatMetrics(*usage));
    NodeSample s{std::move(stat).value(), *usage, std::move(metrics)};
    return s;
}

Result<int> NginxRtmpDriver::drop(std::string_view what, std::string_view app,
                                  std::string_view name) {
    if (!sy::isSafeName(app) || !sy::isSafeName(name))
        return fail("invalid_name", "cannot drop clients of " + sy::quoted(app) + "/" +
                                        sy::quoted(name) + ": not a safe name");
    const auto target = "/control/drop/" + std::string(what) + "?app=" + std::string(app) +
                        "&name=" + std::string(name);
    const auto current = spec();
    auto response =
        LoopbackHttpClient::get(current.httpPort, target, timeouts_.http,
                                LoopbackHttpClient::kDefaultMaxResponse, current.secret);
    if (!response)
        return sy::unexpected(std::move(response).error());
    const auto count = sy::parseInt(response->body);
    if (response->status != 200 || !count)
        return fail("control_failed", target + " answered " + std::to_string(response->status));
    return static_cast<int>(*count);
}

Result<int> NginxRtmpDriver::dropSubscribers(std::string_view app, std::string_view name) {
    return drop("subscriber", app, name);
}

Result<int> NginxRtmpDriver::dropPublisher(std::string_view app, std::string_view name) {
    return drop("publisher", app, name);
}

Result<std::unique_ptr<NginxRtmpDriver>> NginxRtmpDriver::adopt(NginxInstallation nginx,
                                                                NginxConfigTemplate config,
                                                                NodeSpec spec,
                                                                DriverTimeouts timeouts) {
    if (auto ok = validate(spec); !ok)
        return sy::unexpected(ok.error());
    auto found = NginxProcess::adopt(spec.prefixDir);
    if (!found)
        return sy::unexpected(std::move(found).error());
    auto driver = std::make_unique<NginxRtmpDriver>(std::move(nginx), std::move(config),
                                                    std::move(spec), timeouts);
    driver->process_ = std::move(found).value();
    driver->sampler_ = std::make_shared<ProcessSampler>(driver->process_->pid());
    auto stat = driver->fetchStat();
    if (!stat)
        return fail("node_not_ready", "node " + driver->spec_.nodeId +
                                          " runs but /stat fails: " + stat.error().message);
    // Make sure the port is answered by this master's worker, not by some other nginx.
    const auto worker = ProcessSampler::readProcStat(static_cast<pid_t>(stat->workerPid));
    if (!worker || worker->ppid != driver->process_->pid())
        return fail("node_mismatch", "/stat on port " + std::to_string(driver->spec_.httpPort) +
                                         " is answered by pid " + std::to_string(stat->workerPid) +
                                         ", not a worker of nginx " +
                                         std::to_string(driver->process_->pid()));
    return driver;
}

} // namespace sy::nodes
