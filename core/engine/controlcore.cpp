#include "core/engine/controlcore.h"

#include "core/auth/secret.h"
#include "core/engine/coreimpl.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/validation.h"
#include "core/store/sqlitestore.h"
#include "core/util/strings.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace sy::engine {

namespace {
constexpr std::size_t kEventRing = 4096;

std::int64_t systemMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<expr::ScaleExpression> scaleOrFail(const std::optional<std::string>& text) {
    auto e = expr::ScaleExpression::parse(*text);
    if (!e)
        return fail("invalid", e.error().message);
    return std::move(e).value();
}
} // namespace

// ---- construction and threads ----

Result<std::unique_ptr<ControlCore>> ControlCore::open(CoreOptions options) {
    if (!options.clock)
        options.clock = systemMillis;
    std::error_code ec;
    std::filesystem::create_directories(options.dataDir, ec);
    if (ec)
        return fail("storage",
                    "cannot create data directory " + options.dataDir + ": " + ec.message());
    auto store = store::SqliteStore::open(options.dataDir + "/switchyard.db");
    if (!store)
        return unexpected(store.error());
    if (options.streamSecret.empty()) {
        auto secret =
            auth::loadOrCreateSecret(std::filesystem::path(options.dataDir) / "stream-tokens", {});
        if (!secret)
            return fail(secret.error().code, "stream tokens: " + secret.error().message);
        options.streamSecret = std::move(secret).value();
    }
    const auto clock = options.clock;
    auto codec =
        auth::StreamTokenCodec::create(options.streamSecret, [clock] { return clock() / 1000; });
    if (!codec)
        return fail(codec.error().code, "stream tokens: " + codec.error().message);
    auto impl = std::make_unique<Impl>();
    impl->gate = std::make_unique<StreamGate>(
        std::move(codec).value(), [clock] { return clock() / 1000; }, options.roundTrip);
    impl->stateMachine = scaling::NodeStateMachine(options.timeouts);
    impl->autoscaler = scaling::Autoscaler(options.scaling);
    impl->random.seed(options.seed ? options.seed : static_cast<std::uint64_t>(options.clock()));
    impl->options = std::move(options);
    impl->store = std::move(store).value();

    auto records = impl->store->listNodeGroups();
    if (!records)
        return unexpected(records.error());
    for (const auto& rec : *records) {
        auto parsed = model::parseNodeGroup(rec.config);
        if (!parsed)
            return fail("invalid", "stored node group " + rec.name +
                                       " is invalid: " + model::describe(parsed.error()));
        auto group = impl->makeGroup(std::move(parsed).value());
        if (!group)
            return unexpected(group.error());
        impl->groups.emplace(rec.name, std::move(group).value());
    }
    if (auto adopted = impl->adoptFromJournal(); !adopted)
        return unexpected(adopted.error());
    impl->publish();
    return std::unique_ptr<ControlCore>(new ControlCore(std::move(impl)));
}

ControlCore::ControlCore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ControlCore::~ControlCore() {
    stop();
}

void ControlCore::start() {
    if (impl_->running)
        return;
    impl_->running = true;
    impl_->work.emplace(impl_->ioc.get_executor());
    asio::post(impl_->strand, [impl = impl_.get()] {
        impl->reconcile(); // starts adoption of journalled nodes
        impl->pollNodes();
        impl->scheduleTick();
        impl->schedulePoll();
    });
    impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

void ControlCore::stop() {
    if (!impl_->running)
        return;
    impl_->running = false;
    // Cancel the timers on the strand; provider jobs finish on the pool and their completions
    // find the loop stopped.
    asio::post(impl_->strand, [impl = impl_.get()] {
        impl->tickTimer.cancel();
        impl->pollTimer.cancel();
    });
    impl_->workers.join();
    impl_->work.reset();
    impl_->thread.join();
}

store::StateStore& ControlCore::store() {
    return *impl_->store;
}

void ControlCore::report(Event event) {
    impl_->emit(std::move(event));
}

void ControlCore::setExternalMetrics(const std::string& source,
                                     std::map<std::string, model::FlatMetrics> byNodeId) {
    std::lock_guard lock(impl_->externalMutex);
    if (byNodeId.empty())
        impl_->external.erase(source);
    else
        impl_->external[source] = std::move(byNodeId);
}

// ---- snapshots and events ----

SnapshotPtr ControlCore::snapshot() const {
    std::lock_guard lock(impl_->publishMutex);
    return impl_->current;
}

std::vector<Event> ControlCore::eventsSince(std::uint64_t after) const {
    std::lock_guard lock(impl_->publishMutex);
    std::vector<Event> out;
    for (const auto& e : impl_->ring)
        if (e.sequence > after)
            out.push_back(e);
    return out;
}

int ControlCore::subscribe(Listener listener) {
    std::lock_guard lock(impl_->publishMutex);
    const int id = impl_->nextListener++;
    impl_->listeners.emplace(id, std::move(listener));
    return id;
}

void ControlCore::unsubscribe(int id) {
    std::lock_guard lock(impl_->publishMutex);
    impl_->listeners.erase(id);
}

void ControlCore::Impl::emit(Event e) {
    std::vector<Listener> targets;
    {
        std::lock_guard lock(publishMutex);
        e.sequence = nextSequence++;
        if (e.timeMs == 0)
            e.timeMs = now();
        ring.push_back(e);
        if (ring.size() > kEventRing)
            ring.pop_front();
        for (const auto& [id, l] : listeners)
            targets.push_back(l);
    }
    for (const auto& l : targets)
        l(e);
}

// Many changes land in one batch (a poll round, a tick, a burst of provider completions):
// snapshots are built once per batch, after the strand has drained what is queued.
void ControlCore::Impl::requestPublish() {
    if (publishQueued)
        return;
    publishQueued = true;
    asio::post(strand, [this] {
        publishQueued = false;
        publish();
    });
}

void ControlCore::Impl::publish() {
    auto snap = std::make_shared<ClusterSnapshot>();
    snap->version = ++snapshotVersion;
    snap->timeMs = now();
    snap->observed = observed;
    snap->lastTickMicros = lastTickMicros;
    for (const auto& [name, g] : groups) {
        NodeGroupView view;
        view.config = g.config;
        view.paused = g.paused();
        view.simulated = g.provider && g.provider->platform() == "SIMULATED";
        view.lastDecisions = g.lastDecisions;
        view.routing = routing::RoutingTable::build(g.config, routableNodes(g), g.shuffle);
        for (const auto& [id, n] : g.nodes) {
            if (n.gone)
                continue;
            NodeView v = n.view;
            v.state = n.life.state;
            v.stateSinceMs = n.life.since;
            v.faultReason = n.life.faultReason;
            view.nodes.push_back(std::move(v));
        }
        snap->groups.emplace(name, std::move(view));
    }
    std::lock_guard lock(publishMutex);
    current = std::move(snap);
}

// ---- routing ----

namespace {

const NodeGroupView* resolveGroup(const ClusterSnapshot& snap, const std::string& name) {
    if (name == "default" && snap.groups.size() == 1)
        return &snap.groups.begin()->second;
    return snap.group(name);
}

// One generator per calling thread (API threads answer concurrently), seeded from the core's
// seed so that a seeded core routes reproducibly on one thread.
routing::RandomSource& threadRandom(std::uint64_t seed) {
    thread_local std::optional<routing::RandomSource> random;
    if (!random)
        random.emplace(seed ^ std::hash<std::thread::id>{}(std::this_thread::get_id()));
    return *random;
}

template <class Request, class Select>
ControlCore::Selection select(const ControlCore& core, std::uint64_t seed, const std::string& ng,
                              const Request& request, Select selectFn) {
    const auto snap = core.snapshot();
    const NodeGroupView* g = resolveGroup(*snap, ng);
    if (!g || !g->routing)
        return unexpected(routing::RoutingError{404, "no node group " + sy::quoted(ng)});
    return selectFn(*g->routing, request, threadRandom(seed));
}

} // namespace

// Stream tokens into a routing answer: urls.token, and appended to urls.rtmp of the first
// `count` locations (publish: where the client publishes; subscribe: every edge offered).
void grantTokens(const ControlCore& core, const StreamGate& gate, const std::string& ng,
                 ControlCore::Selection& selection, const std::string& guid,
                 auth::StreamAction action, const std::string& subject, std::size_t count) {
    if (!selection || selection->empty())
        return;
    const auto snap = core.snapshot();
    const NodeGroupView* g = resolveGroup(*snap, ng);
    if (!g)
        return;
    const auto token = gate.tokenFor(g->config, guid, action, subject);
    if (!token)
        return;
    for (std::size_t i = 0; i < selection->size() && i < count; ++i) {
        auto& l = (*selection)[i];
        l.urls["token"] = *token;
        if (auto it = l.urls.find("rtmp"); it != l.urls.end())
            it->second = withToken(it->second, *token);
    }
}

ControlCore::Selection ControlCore::selectPublish(const std::string& ng,
                                                  const routing::PublishRequest& request,
                                                  const std::string& subject) const {
    auto selection = select(
        *this, impl_->options.seed, ng, request,
        [](const auto& t, const auto& r, auto& rnd) { return routing::selectPublish(t, r, rnd); });
    // [transcoder, origin]: the client publishes to the transcoder only.
    grantTokens(*this, *impl_->gate, ng, selection, request.streamGuid, auth::StreamAction::Publish,
                subject, request.transcode ? 1 : static_cast<std::size_t>(-1));
    return selection;
}

ControlCore::Selection ControlCore::selectSubscribe(const std::string& ng,
                                                    const routing::SubscribeRequest& request,
                                                    const std::string& subject) const {
    auto selection = select(*this, impl_->options.seed, ng, request,
                            [](const auto& t, const auto& r, auto& rnd) {
                                return routing::selectSubscribe(t, r, rnd);
                            });
    grantTokens(*this, *impl_->gate, ng, selection, request.streamGuid, auth::StreamAction::Play,
                subject, static_cast<std::size_t>(-1));
    return selection;
}

std::string ControlCore::internalStreamToken(const std::string& nodeGroup,
                                             const std::string& streamGuid,
                                             auth::StreamAction action,
                                             const std::string& subject) const {
    const auto snap = snapshot();
    const NodeGroupView* g = snap->group(nodeGroup);
    if (!g)
        return {};
    const auto mode = action == auth::StreamAction::Publish ? model::publishAccess(g->config)
                                                            : model::playAccess(g->config);
    if (mode == model::AccessMode::Open)
        return {};
    // Media jobs restart with a fresh token; a minute covers the connection of a slow start.
    return impl_->gate->issue(nodeGroup, streamGuid, action, 60, subject);
}

std::vector<model::StreamLocation> ControlCore::listStreams(const std::string& ng,
                                                            bool aggregate) const {
    const auto snap = snapshot();
    const NodeGroupView* g = resolveGroup(*snap, ng);
    std::vector<model::StreamLocation> out;
    if (!g)
        return out;
    std::map<std::string, std::size_t> byGuid; // aggregated: guid → index in out
    std::map<std::string, std::int64_t> viewers;
    for (const auto& n : g->nodes) {
        if (!routing::carriesLiveStreams(n.state))
            continue;
        for (const auto& s : n.streams) {
            viewers[s.guid] += s.viewers;
            if (aggregate && !s.publishing)
                continue;
            model::StreamLocation l;
            l.streamGuid = s.guid;
            l.serverAddress = n.endpoint.address;
            l.nodeRole = n.role;
            l.subGroup = n.subGroup;
            l.nodeState = std::string(model::toString(n.state));
            l.subscribers = s.viewers;
            l.durationMs = s.uptimeMs;
            l.urls["rtmp"] = routing::rtmpUrl(n.endpoint.address, n.endpoint.rtmpPort, s.guid);
            if (aggregate)
                byGuid[s.guid] = out.size();
            out.push_back(std::move(l));
        }
    }
    for (const auto& [guid, index] : byGuid)
        out[index].subscribers = viewers[guid];
    return out;
}

ControlCore::NodeCallbackAnswer ControlCore::answerNodeCallback(const NodeCallback& request) const {
    if (request.call != "play" && request.call != "publish")
        return {200, {}, "noted"}; // done
    const auto snap = snapshot();
    for (const auto& [name, g] : snap->groups) {
        const auto self = std::find_if(g.nodes.begin(), g.nodes.end(),
                                       [&](const auto& n) { return n.nodeId == request.nodeId; });
        if (self == g.nodes.end())
            continue;
        // An edge or relay refuses client publishers itself (deny publish all): a publish it
        // reports is the local side of its own relay pull, already checked by its parent.
        const bool child = g.config.roles->at(self->role).parentRoleName.has_value();
        if (request.call == "publish" && child)
            return {200, {}, "relay pull into " + self->nodeId};
        const std::string guid = request.app + "/" + request.name;
        const auto action =
            request.call == "publish" ? auth::StreamAction::Publish : auth::StreamAction::Play;
        std::vector<std::string> nodeIds;
        for (const auto& n : g.nodes)
            nodeIds.push_back(n.nodeId);
        const auto decision = impl_->gate->check(g.config, guid, action, request.fields, nodeIds);
        if (!decision.allowed) {
            const auto* addr = request.fields.get("addr");
            const std::string from = addr ? *addr : std::string("unknown address");
            impl_->emit({0,
                         0,
                         EventKind::Access,
                         name,
                         self->subGroup,
                         self->role,
                         self->nodeId,
                         request.call + " of " + guid + " refused on " + self->nodeId + " for " +
                             from + ": " + decision.reason,
                         {{"action", request.call},
                          {"stream", guid},
                          {"reason", decision.reason},
                          {"addr", from}}});
            return {403, {}, decision.reason};
        }
        if (action == auth::StreamAction::Publish)
            return {200, {}, decision.reason};
        return answerPlay(g, *self, guid);
    }
    return {403, {}, "unknown node " + sy::quoted(request.nodeId)};
}

ControlCore::NodeCallbackAnswer ControlCore::answerPlay(const NodeGroupView& g,
                                                        const NodeView& self,
                                                        const std::string& guid) const {
    const auto& role = g.config.roles->at(self.role);
    if (!role.parentRoleName)
        return {200, {}, "plays locally"};
    // A child of a relay pulls through the relay, whose own on_play finds the origin: only
    // the hop whose first parent is an origin (a node without parents) is redirected.
    if (!self.parents.empty()) {
        const auto first = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const auto& n) {
            return n.nodeId == self.parents.front();
        });
        if (first != g.nodes.end() && g.config.roles->at(first->role).parentRoleName)
            return {200, {}, "pulls through relay " + first->nodeId};
    }
    // Origins first: a transcoder also "publishes" the top rendition it receives, but viewers
    // want the rendition its ladder published into an origin.
    std::vector<const NodeView*> order;
    for (const auto& n : g.nodes)
        if (routing::carriesLiveStreams(n.state))
            order.push_back(&n);
    std::stable_partition(order.begin(), order.end(), [&](const NodeView* n) {
        return g.config.roles->at(n->role).has(model::Capability::Publish);
    });
    for (const NodeView* node : order) {
        const auto& n = *node;
        for (const auto& s : n.streams) {
            if (s.guid != guid || !s.publishing)
                continue;
            // Redirected even when it is the first parent: the node's installed `pull` may
            // still name a parent that died (its reload comes later), and a pull from a
            // dead origin would leave the viewer waiting with nothing. The pull carries this
            // node's relay credential when the group requires play tokens.
            auto location = routing::rtmpUrl(n.endpoint.address, n.endpoint.rtmpPort, guid);
            if (model::playAccess(g.config) != model::AccessMode::Open)
                location += "?relay=" + impl_->gate->relayCredential(*g.config.name, self.nodeId);
            return {302, std::move(location), "pull from " + n.nodeId};
        }
    }
    // Not seen yet: let the edge try its first parent (a stream published a moment ago
    // may not have been polled yet); the viewer gets nothing if it is not there either.
    return {200, {}, "stream not seen live yet"};
}

// ---- commands ----

Result<LiveGroup> ControlCore::Impl::makeGroup(model::NodeGroupConfig config) const {
    if (auto problems = model::validateNodeGroup(config); !problems.empty())
        return fail("invalid", model::describe(problems));
    LiveGroup g;
    const std::string platform = *config.cloudPlatform;
    const auto it = options.providers.find(platform);
    if (it == options.providers.end()) {
        std::string have;
        for (const auto& [name, p] : options.providers)
            have += (have.empty() ? "" : ", ") + name;
        return fail("no_provider",
                    "cloudPlatform " + sy::quoted(platform) +
                        " has no provider here; available: " + (have.empty() ? "none" : have));
    }
    g.provider = it->second;
    for (const auto& leaf : model::leafSubGroups(config)) {
        const std::string sg = leaf.group->subGroupName.value_or(leaf.zonePath);
        for (const auto& role : model::ruleOrder(*leaf.group)) {
            const auto& r = leaf.group->rulesByRole->at(role);
            CompiledRule c;
            c.subGroup = sg;
            c.role = role;
            c.min = r.min.value_or(0);
            c.max = r.max.value_or(0);
            c.increment = r.effectiveIncrement();
            c.manual = config.roles->at(role).effectiveLifecycle() == model::Lifecycle::Manual;
            if (r.outExpression) {
                auto e = scaleOrFail(r.outExpression);
                if (!e)
                    return unexpected(e.error());
                c.out = std::move(e).value();
            }
            if (r.inExpression) {
                auto e = scaleOrFail(r.inExpression);
                if (!e)
                    return unexpected(e.error());
                c.in = std::move(e).value();
            }
            for (auto [text, slot] : {std::pair{&r.capacityRankingExpression, &c.ranking},
                                      std::pair{&r.capacityLimitExpression, &c.limit}}) {
                if (!*text)
                    continue;
                auto e = expr::CapacityExpression::parse(**text);
                if (!e)
                    return fail("invalid", e.error().message);
                slot->emplace(std::move(e).value());
            }
            g.rules.push_back(std::move(c));
        }
    }
    if (config.shuffleSizeExpression) {
        auto e = expr::ShuffleSizeExpression::parse(*config.shuffleSizeExpression);
        if (!e)
            return fail("invalid", "shuffleSizeExpression: " + e.error().message);
        g.shuffle.emplace(std::move(e).value());
    }
    g.config = std::move(config);
    return g;
}

template <class F>
CommandResult ControlCore::Impl::command(F f) {
    auto done = std::make_shared<std::promise<Result<void>>>();
    auto future = done->get_future();
    asio::post(strand, [this, f = std::move(f), done]() mutable { f(done); });
    return future;
}

// The store write is blocking (fsync): it runs on the pool, and the change is applied on the
// strand only once it is durable.
void ControlCore::Impl::persistConfig(LiveGroup& g,
                                      std::shared_ptr<std::promise<Result<void>>> done) {
    const std::string name = *g.config.name;
    const auto json = model::encodeNodeGroup(g.config);
    asio::post(workers, [this, name, json, done] {
        auto r = store->putNodeGroup(name, json);
        done->set_value(r ? Result<void>{} : Result<void>(unexpected(r.error())));
    });
}

CommandResult ControlCore::createNodeGroup(model::NodeGroupConfig config) {
    return impl_->command([impl = impl_.get(), config = std::move(config)](auto done) mutable {
        auto group = impl->makeGroup(std::move(config));
        if (!group)
            return done->set_value(unexpected(group.error()));
        const std::string name = *group->config.name;
        if (impl->groups.contains(name))
            return done->set_value(
                fail("exists", "node group " + sy::quoted(name) + " exists already"));
        const auto json = model::encodeNodeGroup(group->config);
        asio::post(impl->workers, [impl, name, json, done, g = std::move(group).value()]() mutable {
            auto r = impl->store->createNodeGroup(name, json);
            if (!r)
                return done->set_value(unexpected(r.error()));
            asio::post(impl->strand, [impl, name, done, g = std::move(g)]() mutable {
                impl->groups.emplace(name, std::move(g));
                impl->emit({0,
                            0,
                            EventKind::NodeGroupChanged,
                            name,
                            {},
                            {},
                            {},
                            "node group " + name + " created",
                            {{"change", "created"}}});
                impl->publish(); // now: a caller that saw the command succeed reads it
                done->set_value({});
                impl->reconcile();
            });
        });
    });
}

CommandResult ControlCore::updateNodeGroup(model::NodeGroupConfig config) {
    return impl_->command([impl = impl_.get(), config = std::move(config)](auto done) mutable {
        auto group = impl->makeGroup(std::move(config));
        if (!group)
            return done->set_value(unexpected(group.error()));
        const std::string name = *group->config.name;
        const auto it = impl->groups.find(name);
        if (it == impl->groups.end())
            return done->set_value(fail("not_found", "no node group " + sy::quoted(name)));
        if (*it->second.config.cloudPlatform != *group->config.cloudPlatform)
            return done->set_value(fail("invalid", "cloudPlatform cannot change; delete and "
                                                   "create the node group instead"));
        // Nodes, memory and decisions carry over; rules and settings take effect on next tick.
        it->second.config = group->config;
        it->second.rules = std::move(group->rules);
        it->second.shuffle = std::move(group->shuffle);
        // Delivery settings (HLS, relay credentials) reach running nodes by a config reload.
        for (auto& [id, n] : it->second.nodes)
            if (impl->applyDelivery(it->second, n) && n.created)
                n.linked = false;
        impl->persistConfig(it->second, done);
        impl->emit({0,
                    0,
                    EventKind::NodeGroupChanged,
                    name,
                    {},
                    {},
                    {},
                    "node group " + name + " updated",
                    {{"change", "updated"}}});
        impl->publish(); // now: a caller that saw the command succeed reads it
    });
}

CommandResult ControlCore::deleteNodeGroup(std::string name) {
    return impl_->command([impl = impl_.get(), name](auto done) {
        const auto it = impl->groups.find(name);
        if (it == impl->groups.end())
            return done->set_value(fail("not_found", "no node group " + sy::quoted(name)));
        asio::post(impl->workers, [impl, name, done] {
            auto r = impl->store->deleteNodeGroup(name);
            if (!r && r.error().code != "not_found")
                return done->set_value(r);
            asio::post(impl->strand, [impl, name, done] {
                auto& g = impl->groups.at(name);
                g.deleting = true;
                for (auto& [id, n] : g.nodes)
                    impl->observe(g, n, scaling::NodeObservation::DestroyRequested, impl->now());
                impl->emit({0,
                            0,
                            EventKind::NodeGroupChanged,
                            name,
                            {},
                            {},
                            {},
                            "node group " + name + " deleted; destroying its nodes",
                            {{"change", "deleted"}}});
                impl->publish(); // now: a caller that saw the command succeed reads it
                done->set_value({});
                impl->reconcile();
            });
        });
    });
}

CommandResult ControlCore::setPaused(std::string name, bool paused) {
    return impl_->command([impl = impl_.get(), name, paused](auto done) {
        const auto it = impl->groups.find(name);
        if (it == impl->groups.end() || it->second.deleting)
            return done->set_value(fail("not_found", "no node group " + sy::quoted(name)));
        it->second.config.isScalingPaused = paused;
        impl->persistConfig(it->second, done);
        impl->emit({0,
                    0,
                    EventKind::NodeGroupChanged,
                    name,
                    {},
                    {},
                    {},
                    "scaling of " + name + (paused ? " paused" : " resumed"),
                    {{"change", paused ? "paused" : "resumed"}}});
        impl->publish(); // now: a caller that saw the command succeed reads it
    });
}

CommandResult ControlCore::drainNode(std::string group, std::string nodeId) {
    return impl_->command([impl = impl_.get(), group, nodeId](auto done) {
        const auto g = impl->groups.find(group);
        if (g == impl->groups.end())
            return done->set_value(fail("not_found", "no node group " + sy::quoted(group)));
        const auto n = g->second.nodes.find(nodeId);
        if (n == g->second.nodes.end() || n->second.gone)
            return done->set_value(
                fail("not_found", "no node " + sy::quoted(nodeId) + " in " + sy::quoted(group)));
        if (n->second.life.state != model::NodeState::InService)
            return done->set_value(
                fail("conflict", "node " + nodeId + " is " +
                                     std::string(model::toString(n->second.life.state)) +
                                     ", only INSERVICE nodes can drain"));
        impl->observe(g->second, n->second, scaling::NodeObservation::DrainRequested, impl->now());
        impl->publish(); // now: a caller that saw the command succeed reads it
        done->set_value({});
    });
}

CommandResult ControlCore::manualScale(std::string group, std::string subGroup, std::string role,
                                       int nodeCount) {
    return impl_->command([impl = impl_.get(), group, subGroup, role, nodeCount](auto done) {
        const auto g = impl->groups.find(group);
        if (g == impl->groups.end())
            return done->set_value(fail("not_found", "no node group " + sy::quoted(group)));
        for (auto& rule : g->second.rules) {
            if (rule.subGroup != subGroup || rule.role != role)
                continue;
            if (!rule.manual)
                return done->set_value(fail("invalid", "role " + role +
                                                           " is not MANUAL; its "
                                                           "rules scale it"));
            if (nodeCount < 0 || nodeCount > 1024)
                return done->set_value(fail("invalid", "nodeCount must be 0..1024"));
            rule.manualCount = nodeCount;
            done->set_value({});
            impl->reconcile();
            return;
        }
        done->set_value(fail("not_found", "no rule for role " + sy::quoted(role) +
                                              " in sub-group " + sy::quoted(subGroup)));
    });
}

} // namespace sy::engine
