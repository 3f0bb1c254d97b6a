#include "core/api/clusterhost.h"

#include "core/model/nodegroupcodec.h"
#include "core/providers/localprovider.h"

#include <cassert>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace sy::api {

namespace {

// The node-callback port of the last run: running nodes' configs carry its URL, and keeping it
// spares them a reload when a restarted host re-adopts them.
constexpr const char* kCallbackPortFile = "node-callback-port";

std::uint16_t previousCallbackPort(const std::string& dataDir) {
    std::ifstream in(std::filesystem::path(dataDir) / kCallbackPortFile);
    int port = 0;
    if (in >> port && port > 1024 && port < 65536)
        return static_cast<std::uint16_t>(port);
    return 0;
}

void rememberCallbackPort(const std::string& dataDir, std::uint16_t port) {
    std::ofstream(std::filesystem::path(dataDir) / kCallbackPortFile) << port << "\n";
}

constexpr std::string_view kDemoGroup = R"json({
  "name": "demo", "description": "Simulated demo cluster",
  "cloudPlatform": "SIMULATED", "shuffleSizeExpression": "1",
  "roles": {
    "origin": {"name": "origin", "capabilities": ["PUBLISH"]},
    "edge": {"name": "edge", "capabilities": ["SUBSCRIBE"], "parentRoleName": "origin",
             "parentCardinality": "GLOBAL"}},
  "groups": {"local": {"subGroupName": "local", "rulesByRole": {
    "origin": {"min": 1, "max": 3, "increment": 1,
               "outExpression": "avg(connections.publisher) > 12",
               "inExpression": "avg(connections.publisher) < 2",
               "capacityRankingExpression": "connections.publisher",
               "capacityLimitExpression": "20"},
    "edge": {"min": 2, "max": 8, "increment": 1,
             "outExpression": "avg(connections.subscriber) > 120",
             "inExpression": "avg(connections.subscriber) < 20",
             "capacityRankingExpression": "connections.subscriber",
             "capacityLimitExpression": "200"}}}}})json";

} // namespace

Result<std::unique_ptr<ClusterHost>> ClusterHost::open(ClusterHostOptions options) {
    std::error_code ec;
    std::filesystem::create_directories(options.dataDir, ec);
    if (ec)
        return fail("storage",
                    "cannot create data directory " + options.dataDir + ": " + ec.message());
    std::filesystem::permissions(options.dataDir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);

    // Before anything writes to the directory: a second host must change nothing in it.
    auto lock = DirectoryLock::acquire(options.dataDir);
    if (!lock)
        return unexpected(std::move(lock).error());

    std::unique_ptr<ClusterHost> host(new ClusterHost());
    host->lock_ = std::move(lock).value();
    host->dataDir_ = options.dataDir;
    host->simulated_ = std::make_shared<providers::SimulatedProvider>();
    host->providers_["SIMULATED"] = host->simulated_;
    // Node secrets: the LOCAL provider writes them into its nodes' configs, the callback endpoint
    // checks them. The master key stays in the data directory, so re-adopted nodes keep theirs.
    auto secrets = auth::NodeSecrets::open(std::filesystem::path(options.dataDir) / "node-secrets");
    if (!secrets)
        return unexpected(secrets.error());
    host->callbacks_.useSecrets(*secrets);
    if (auto started = host->callbacks_.start(previousCallbackPort(options.dataDir)); !started)
        return fail(started.error().code, "node callbacks: " + started.error().message);
    rememberCallbackPort(options.dataDir, host->callbacks_.port());

    // LOCAL needs nginx with the RTMP module; without it SIMULATED groups still run.
    providers::LocalProviderOptions local;
    local.nodesDir = std::filesystem::path(options.dataDir) / "nodes";
    local.callbackBaseUrl = host->callbacks_.baseUrl();
    local.ports = options.localPorts;
    local.secrets = *secrets;
    if (auto provider = providers::LocalProvider::create(local))
        host->providers_["LOCAL"] = *provider;
    else
        host->localUnavailable_ = provider.error().message;

    const auto clock = options.core.clock;
    auto coreOptions = std::move(options.core);
    coreOptions.dataDir = options.dataDir;
    coreOptions.providers = host->providers_;
    auto core = engine::ControlCore::open(std::move(coreOptions));
    if (!core)
        return unexpected(std::move(core).error());
    host->core_ = std::move(core).value();

    media::MediaOptions mediaOptions = std::move(options.media);
    mediaOptions.dataDir = std::filesystem::path(options.dataDir) / "media";
    if (mediaOptions.policy.fileRoots.empty())
        mediaOptions.policy.fileRoots = {std::filesystem::path(options.dataDir) / "media-files"};
    if (!mediaOptions.clock)
        mediaOptions.clock = clock;
    std::filesystem::create_directories(mediaOptions.policy.fileRoots.front(), ec);
    auto mediaManager = media::MediaManager::open(*host->core_, std::move(mediaOptions));
    if (!mediaManager)
        return fail(mediaManager.error().code, "media layer: " + mediaManager.error().message);
    host->media_ = std::move(mediaManager).value();

    host->callbacks_.attach(host->core_.get());
    return host;
}

void ClusterHost::start() {
    core_->start();
    media_->start();
}

ClusterHost::~ClusterHost() {
    callbacks_.attach(nullptr);
    if (media_)
        media_->stop();
    if (core_)
        core_->stop();
    callbacks_.stop();
}

model::NodeGroupConfig ClusterHost::demoNodeGroup() {
    auto config = model::parseNodeGroup(kDemoGroup);
    assert(config.ok()); // a constant, covered by the server's demo tests
    return std::move(config).value();
}

void ClusterHost::startDemoTraffic() {
    providers::SimulatedTraffic traffic;
    traffic.baseline = {6, 420};
    traffic.swingAmplitude = 0.75;
    traffic.swingPeriodMs = 10 * 60'000;
    traffic.noise = 0.05;
    simulated_->setTraffic("demo", traffic);
}

Result<void> ClusterHost::startDemo() {
    startDemoTraffic();
    if (core_->snapshot()->group("demo"))
        return {};
    return core_->createNodeGroup(demoNodeGroup()).get();
}

} // namespace sy::api
