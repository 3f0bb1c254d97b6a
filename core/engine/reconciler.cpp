// The level-triggered loop of ControlCore: each tick compares desired state (rules, manual
// counts, drains) with what the providers report, and acts on the difference. Provider calls
// and journal writes run on the worker pool; their results come back to the strand.

#include "core/engine/coreimpl.h"
#include "core/expr/metriccatalog.h"
#include "core/routing/parentassignment.h"
#include "core/util/strings.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <set>

namespace sy::engine {

using model::NodeState;
using scaling::NodeObservation;

namespace {

std::string ruleKey(const std::string& sg, const std::string& role) {
    return sg + "/" + role;
}

nlohmann::json specJson(const providers::NodeSpec& s) {
    nlohmann::json caps = nlohmann::json::array();
    for (auto c : s.capabilities)
        caps.push_back(std::string(model::toString(c)));
    return {{"nodeId", s.nodeId},
            {"nodeGroup", s.nodeGroup},
            {"subGroup", s.subGroup},
            {"role", s.role},
            {"capabilities", caps}};
}

nlohmann::json endpointJson(const providers::NodeEndpoint& e) {
    return {{"address", e.address},
            {"rtmpPort", e.rtmpPort},
            {"httpPort", e.httpPort},
            {"handle", e.handle}};
}

} // namespace

std::string ControlCore::Impl::newNodeId() {
    static constexpr char kAlphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id(10, 'a');
    for (auto& c : id)
        c = kAlphabet[random() % (sizeof kAlphabet - 1)];
    return id;
}

void ControlCore::Impl::scheduleTick() {
    tickTimer.expires_after(options.tick);
    tickTimer.async_wait([this](boost::system::error_code ec) {
        if (ec || !running)
            return;
        reconcile();
        scheduleTick();
    });
}

void ControlCore::Impl::schedulePoll() {
    pollTimer.expires_after(options.pollInterval);
    pollTimer.async_wait([this](boost::system::error_code ec) {
        if (ec || !running)
            return;
        pollNodes();
        schedulePoll();
    });
}

void ControlCore::Impl::noteRoutable(LiveGroup& g, LiveNode& n, const scaling::Transition& change) {
    const bool was = scaling::NodeStateMachine::routable(change.from);
    const bool is = scaling::NodeStateMachine::routable(change.to);
    if (was == is)
        return;
    g.parentsDirty = true;
    asio::post(workers,
               [provider = g.provider, id = n.view.nodeId, is] { provider->setRoutable(id, is); });
}

// A parent just began to serve: children waiting for upstream can be created (or adopted)
// now instead of at the next tick.
void ControlCore::Impl::releaseWaitingChildren(LiveGroup& g, std::int64_t) {
    g.parentsDirty = true;
    if (g.releaseQueued)
        return; // once per batch: many parents may start serving together
    g.releaseQueued = true;
    asio::post(strand, [this, name = *g.config.name] {
        const auto it = groups.find(name);
        if (it == groups.end())
            return;
        LiveGroup& group = it->second;
        group.releaseQueued = false;
        assignParents(group);
        const std::int64_t t = now();
        for (auto& [id, child] : group.nodes)
            if (!child.busy && !child.spec.parentAddresses.empty() &&
                (child.adopt || (child.life.state == NodeState::Requested && !child.created)))
                stepNode(group, child, t);
    });
}

void ControlCore::Impl::observe(LiveGroup& g, LiveNode& n, NodeObservation what, std::int64_t t) {
    if (const auto change = stateMachine.observe(n.life, what, t))
        applyTransition(g, n, *change, t);
}

// Every state change: routability for the providers, waiting children, and the event.
void ControlCore::Impl::applyTransition(LiveGroup& g, LiveNode& n,
                                        const scaling::Transition& change, std::int64_t t) {
    noteRoutable(g, n, change);
    if (change.to == NodeState::InService)
        releaseWaitingChildren(g, t);
    const std::string from(model::toString(change.from));
    const std::string to(model::toString(change.to));
    emit({0,
          t,
          EventKind::NodeStateChanged,
          *g.config.name,
          n.view.subGroup,
          n.view.role,
          n.view.nodeId,
          n.view.nodeId + " " + from + " → " + to + ": " + change.reason,
          {{"from", from}, {"to", to}}});
}

// ---- polling ----

void ControlCore::Impl::pollNodes() {
    if (pollsInFlight > 0)
        return; // a slow provider must not pile up polls
    for (auto& [name, g] : groups) {
        std::vector<std::string> ids;
        for (auto& [id, n] : g.nodes)
            if (n.created && !n.gone && n.life.state != NodeState::Destroying)
                ids.push_back(id);
        ++pollsInFlight;
        asio::post(workers, [this, name, provider = g.provider, ids] {
            auto reports = ids.empty() ? std::vector<providers::NodeReport>{} : provider->poll(ids);
            asio::post(strand, [this, name, reports = std::move(reports)]() mutable {
                --pollsInFlight;
                applyReports(name, std::move(reports));
                if (pollsInFlight == 0 && !observed) {
                    observed = true; // destructive actions are allowed from now on
                    reapOrphans();
                    requestPublish();
                }
            });
        });
    }
    if (groups.empty() && !observed) {
        observed = true;
        reapOrphans();
    }
}

void ControlCore::Impl::pollOne(const std::string& group, const std::string& nodeId) {
    const auto git = groups.find(group);
    if (git == groups.end())
        return;
    asio::post(workers, [this, group, nodeId, provider = git->second.provider] {
        auto reports = provider->poll({nodeId});
        asio::post(strand, [this, group, reports = std::move(reports)]() mutable {
            applyReports(group, std::move(reports));
        });
    });
}

// Nodes a provider runs that no group knows are stopped, once, after the first full
// observation: before it, "unknown" could just mean "not yet re-adopted".
void ControlCore::Impl::reapOrphans() {
    for (const auto& [platform, provider] : options.providers) {
        std::vector<std::string> ids;
        for (const auto& [name, g] : groups)
            if (g.provider == provider)
                for (const auto& [id, n] : g.nodes)
                    ids.push_back(id);
        asio::post(workers, [this, provider, ids = std::move(ids)] {
            const auto reaped = provider->reapOrphans(ids);
            asio::post(strand, [this, platform = provider->platform(), reaped] {
                for (const auto& id : reaped)
                    emit({0,
                          now(),
                          EventKind::Alert,
                          {},
                          {},
                          {},
                          id,
                          "stopped orphan " + platform + " node " + id +
                              ": it runs but no node group knows it",
                          {{"orphan", true}}});
            });
        });
    }
}

void ControlCore::Impl::applyReports(const std::string& name,
                                     std::vector<providers::NodeReport> reports) {
    const auto git = groups.find(name);
    if (git == groups.end())
        return;
    LiveGroup& g = git->second;
    const std::int64_t t = now();
    const auto& catalog = expr::MetricCatalog::standard();
    for (auto& r : reports) {
        const auto nit = g.nodes.find(r.nodeId);
        if (nit == g.nodes.end() || nit->second.gone)
            continue;
        LiveNode& n = nit->second;
        if (!r.alive) {
            observe(g, n, NodeObservation::ProcessExited, t);
            continue;
        }
        if (!r.reachable) {
            observe(g, n, NodeObservation::PollFailed, t);
            continue;
        }
        const NodeState before = n.life.state;
        observe(g, n, NodeObservation::Report, t);
        if (n.life.state != before)
            stepNode(g, n, t); // e.g. STARTED: link now rather than at the next tick
        n.view.metrics = std::move(r.metrics);
        n.view.streams = std::move(r.streams);
        n.view.lastReportMs = t;
        n.metricRow.assign(catalog.size(), 0.0);
        for (const auto& [metric, value] : n.view.metrics)
            if (auto slot = catalog.slotOf(metric))
                n.metricRow[*slot] = value;
        for (const auto& rule : g.rules)
            if (rule.subGroup == n.view.subGroup && rule.role == n.view.role) {
                n.view.ranking = rule.ranking ? rule.ranking->evaluate(n.metricRow) : 0.0;
                n.view.limit = rule.limit ? rule.limit->evaluate(n.metricRow) : 0.0;
            }
    }
    requestPublish();
}

// ---- parents: recomputed on every tick, applied where they changed ----

std::vector<routing::RoutableNode> ControlCore::Impl::routableNodes(const LiveGroup& g) const {
    std::map<std::string, std::vector<std::string>> zoneOf;
    for (const auto& leaf : model::leafSubGroups(g.config)) {
        std::vector<std::string> path;
        for (auto part : split(leaf.zonePath, '/'))
            path.emplace_back(part);
        zoneOf[leaf.group->subGroupName.value_or(leaf.zonePath)] = std::move(path);
    }
    std::vector<routing::RoutableNode> out;
    out.reserve(g.nodes.size());
    for (const auto& [id, n] : g.nodes) {
        if (n.gone)
            continue;
        routing::RoutableNode r;
        r.nodeId = id;
        r.subGroup = n.view.subGroup;
        r.zonePath = zoneOf[n.view.subGroup];
        r.role = n.view.role;
        r.capabilities = n.spec.capabilities;
        r.state = n.life.state;
        r.draining = n.life.state == NodeState::SoftSunset || n.life.state == NodeState::HardSunset;
        r.serverAddress = n.view.endpoint.address;
        r.rtmpPort = n.view.endpoint.rtmpPort;
        r.parents = n.view.parents;
        r.ranking = n.view.ranking;
        r.limit = n.view.limit;
        for (const auto& s : n.view.streams)
            r.streams.push_back(
                {s.guid,
                 s.publishing ? routing::CarriedAs::Publishing : routing::CarriedAs::Relayed,
                 s.viewers});
        out.push_back(std::move(r));
    }
    return out;
}

void ControlCore::Impl::assignParents(LiveGroup& g) {
    g.parentsDirty = false;
    const auto parents = routing::assignParents(g.config, routableNodes(g));
    for (const auto& [child, ids] : parents) {
        const auto it = g.nodes.find(child);
        if (it == g.nodes.end() || ids == it->second.view.parents)
            continue;
        LiveNode& n = it->second;
        std::vector<std::string> addresses;
        for (const auto& id : ids)
            if (const auto p = g.nodes.find(id); p != g.nodes.end())
                addresses.push_back(p->second.view.endpoint.address + ":" +
                                    std::to_string(p->second.view.endpoint.rtmpPort));
        n.view.parents = ids;
        n.spec.parentAddresses = std::move(addresses);
        if (n.created)
            n.linked = false; // the running node learns its new parents on the next tick
    }
}

// ---- the tick ----

void ControlCore::Impl::reconcile() {
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t t = now();
    for (auto& [name, g] : groups) {
        if (g.parentsDirty)
            assignParents(g);
        for (auto& [id, n] : g.nodes)
            stepNode(g, n, t);
        if (!g.deleting)
            scale(g, t);
    }
    // Drop what is gone; forget deleted groups once their nodes are.
    for (auto it = groups.begin(); it != groups.end();) {
        auto& nodes = it->second.nodes;
        if (std::erase_if(nodes, [](const auto& kv) { return kv.second.gone; }) > 0)
            it->second.parentsDirty = true;
        it = it->second.deleting && nodes.empty() ? groups.erase(it) : std::next(it);
    }
    lastTickMicros = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    requestPublish();
}

void ControlCore::Impl::stepNode(LiveGroup& g, LiveNode& n, std::int64_t t) {
    if (n.gone)
        return;
    if (const auto change = stateMachine.tick(n.life, t))
        applyTransition(g, n, *change, t);
    const NodeState s = n.life.state;
    const auto& role = g.config.roles->at(n.view.role);
    // A child cannot be configured without upstream: it is created, or re-adopted after a
    // restart, once one of its parents serves (meanwhile a running child keeps serving).
    const bool waitsForParents = role.parentRoleName && n.spec.parentAddresses.empty();
    if (n.adopt) {
        if (!n.busy && !waitsForParents)
            startAdopt(*g.config.name, n.view.nodeId);
        return;
    }
    if (s == NodeState::Requested && !n.busy && !waitsForParents)
        startCreate(*g.config.name, n.view.nodeId);
    else if (s == NodeState::InService && !n.busy && !n.linked)
        startLink(*g.config.name, n.view.nodeId); // parents changed: reconfigure and reload
    else if (s == NodeState::Started && !n.busy && !n.linked)
        startLink(*g.config.name, n.view.nodeId);
    else if (s == NodeState::Started && n.linked)
        observe(g, n, NodeObservation::ParentsLinked, t);
    else if ((s == NodeState::SoftSunset || s == NodeState::HardSunset) &&
             n.view.metrics.count("connections.client") &&
             n.view.metrics.at("connections.client") <= 0)
        observe(g, n, NodeObservation::ClientsGone, t);
    else if (s == NodeState::Destroying && !n.busy && observed)
        startDestroy(*g.config.name, n.view.nodeId);
}

void ControlCore::Impl::scale(LiveGroup& g, std::int64_t t) {
    const auto& catalog = expr::MetricCatalog::standard();
    // One pass to group the nodes by rule, so a tick stays linear in the number of nodes.
    std::map<std::string, std::vector<const LiveNode*>> byRule;
    for (const auto& [id, n] : g.nodes)
        if (!n.gone)
            byRule[ruleKey(n.view.subGroup, n.view.role)].push_back(&n);
    std::vector<scaling::ScalingDecision> decisions;
    for (const auto& rule : g.rules) {
        scaling::ScalingInput in;
        in.subGroup = rule.subGroup;
        in.role = rule.role;
        in.min = rule.manual ? std::max<std::int64_t>(rule.manualCount, 0) : rule.min;
        in.max = rule.manual ? std::max<std::int64_t>(rule.manualCount, 0) : rule.max;
        in.increment = rule.increment;
        in.out = rule.out ? &*rule.out : nullptr;
        in.in = rule.in ? &*rule.in : nullptr;
        in.manual = rule.manual && rule.manualCount < 0;
        in.paused = g.paused();
        expr::NodeMetricsTable table(catalog.size());
        const auto& members = byRule[ruleKey(rule.subGroup, rule.role)];
        table.reserve(members.size());
        for (const LiveNode* node : members) {
            const LiveNode& n = *node;
            scaling::ScalingNode sn{
                n.view.nodeId, n.life.state, n.view.ranking,
                static_cast<std::int64_t>(n.view.metrics.count("connections.client")
                                              ? n.view.metrics.at("connections.client")
                                              : 0),
                -1};
            if (n.life.state == NodeState::InService && n.view.lastReportMs > 0) {
                sn.metricsRow = static_cast<std::int64_t>(table.rows());
                auto row = table.appendRow();
                std::copy(n.metricRow.begin(), n.metricRow.end(), row.begin());
            }
            in.nodes.push_back(std::move(sn));
        }
        in.metrics = &table;
        auto& memory = g.memory[ruleKey(rule.subGroup, rule.role)];
        auto d = autoscaler.decide(in, memory, t);
        applyDecision(g, rule, d, t);
        decisions.push_back(std::move(d));
    }
    g.lastDecisions = std::move(decisions);
}

void ControlCore::Impl::applyDecision(LiveGroup& g, const CompiledRule& rule,
                                      scaling::ScalingDecision& d, std::int64_t t) {
    using scaling::ScalingAction;
    // Removing capacity before the first full observation could remove a node that is fine.
    if (d.action == ScalingAction::ScaleIn && !observed) {
        d.action = ScalingAction::Waiting;
        d.reason = "waiting for the first full observation before removing nodes";
    }
    if (d.action == ScalingAction::ScaleOut) {
        for (std::int64_t i = 0; i < d.count; ++i)
            requestNode(g, rule, t);
        // New children need their upstream before they can be created: one assignment for the
        // whole batch, then create them at once rather than at the next tick.
        if (g.config.roles->at(rule.role).parentRoleName) {
            assignParents(g);
            for (auto& [id, n] : g.nodes)
                if (n.view.role == rule.role && n.life.state == NodeState::Requested && !n.busy &&
                    !n.created)
                    stepNode(g, n, t);
        }
    }
    if (d.action == ScalingAction::ScaleIn)
        for (const auto& victim : d.victims)
            if (auto it = g.nodes.find(victim); it != g.nodes.end())
                observe(g, it->second, NodeObservation::DrainRequested, t);
    // Log a decision when it changes, not on every tick.
    const std::string key = std::string(scaling::toString(d.action)) + "|" + d.reason;
    auto& last = g.lastDecisionKey[ruleKey(rule.subGroup, rule.role)];
    if (key == last || (d.action == ScalingAction::None && last.empty()))
        return;
    last = key;
    nlohmann::json details = {{"action", std::string(scaling::toString(d.action))},
                              {"count", d.count},
                              {"victims", d.victims},
                              {"rule", d.rule},
                              {"expression", d.expression},
                              {"values", d.values},
                              {"activeNodes", d.activeNodes}};
    emit({0,
          t,
          EventKind::ScalingDecision,
          *g.config.name,
          rule.subGroup,
          rule.role,
          {},
          rule.subGroup + "/" + rule.role + ": " + d.reason,
          details});
    if (d.alert)
        emit({0,
              t,
              EventKind::Alert,
              *g.config.name,
              rule.subGroup,
              rule.role,
              {},
              rule.subGroup + "/" + rule.role + ": " + d.reason,
              details});
}

void ControlCore::Impl::requestNode(LiveGroup& g, const CompiledRule& rule, std::int64_t t) {
    LiveNode n;
    n.view.nodeId = newNodeId();
    n.view.nodeGroup = *g.config.name;
    n.view.subGroup = rule.subGroup;
    n.view.role = rule.role;
    n.life = {NodeState::Requested, t, 0, {}};
    n.spec = {n.view.nodeId, *g.config.name, rule.subGroup, rule.role, {}, {}};
    const auto& role = g.config.roles->at(rule.role);
    if (role.capabilities)
        n.spec.capabilities = *role.capabilities;
    const std::string id = n.view.nodeId;
    emit({0,
          t,
          EventKind::NodeStateChanged,
          *g.config.name,
          rule.subGroup,
          rule.role,
          id,
          id + " REQUESTED",
          {{"to", "REQUESTED"}}});
    auto& placed = g.nodes.emplace(id, std::move(n)).first->second;
    g.parentsDirty = true;
    if (!role.parentRoleName)
        stepNode(g, placed, t); // create now, not at the next tick (children: see applyDecision)
}

// ---- provider jobs: journal first, then act, then report back on the strand ----

void ControlCore::Impl::startCreate(const std::string& group, const std::string& nodeId) {
    auto& g = groups.at(group);
    auto& n = g.nodes.at(nodeId);
    n.busy = true;
    observe(g, n, NodeObservation::ProviderCreating, now());
    asio::post(workers, [this, group, spec = n.spec, provider = g.provider] {
        const std::string token = "create-" + spec.nodeId;
        auto intent =
            store->beginIntent({token, group, "create_node", spec.nodeId, specJson(spec)});
        Result<providers::NodeEndpoint> made =
            intent ? provider->create(spec)
                   : Result<providers::NodeEndpoint>(unexpected(intent.error()));
        if (intent)
            (void)store->completeIntent(
                token, made ? store::IntentState::Done : store::IntentState::Failed,
                made ? endpointJson(*made).dump() : made.error().message);
        asio::post(strand, [this, group, id = spec.nodeId, made = std::move(made)]() mutable {
            const auto git = groups.find(group);
            if (git == groups.end() || !git->second.nodes.contains(id))
                return;
            auto& node = git->second.nodes.at(id);
            node.busy = false;
            if (!made) {
                node.life.faultReason = made.error().message;
                stateMachine.observe(node.life, NodeObservation::ProcessExited, now());
                emit({0,
                      now(),
                      EventKind::Alert,
                      group,
                      node.view.subGroup,
                      node.view.role,
                      id,
                      "creating " + id + " failed: " + made.error().message,
                      {}});
                requestPublish();
                return;
            }
            node.view.endpoint = *made;
            node.created = true;
            observe(git->second, node, NodeObservation::ProviderCreated, now());
            pollOne(group, id); // its first report moves it on without waiting for a tick
            requestPublish();
        });
    });
}

void ControlCore::Impl::startLink(const std::string& group, const std::string& nodeId) {
    auto& g = groups.at(group);
    auto& n = g.nodes.at(nodeId);
    n.busy = true;
    asio::post(workers, [this, group, spec = n.spec, provider = g.provider] {
        auto r = provider->setParents(spec);
        asio::post(strand, [this, group, id = spec.nodeId, r] {
            const auto git = groups.find(group);
            if (git == groups.end() || !git->second.nodes.contains(id))
                return;
            auto& node = git->second.nodes.at(id);
            node.busy = false;
            node.linked = r.ok();
            if (node.linked)
                observe(git->second, node, NodeObservation::ParentsLinked, now());
            requestPublish();
        });
    });
}

void ControlCore::Impl::startDestroy(const std::string& group, const std::string& nodeId) {
    auto& g = groups.at(group);
    auto& n = g.nodes.at(nodeId);
    n.busy = true;
    asio::post(workers, [this, group, nodeId, provider = g.provider] {
        const std::string token = "destroy-" + nodeId;
        auto intent = store->beginIntent({token, group, "destroy_node", nodeId, {}});
        auto r = intent ? provider->destroy(nodeId) : Result<void>(unexpected(intent.error()));
        if (intent)
            (void)store->completeIntent(token,
                                        r ? store::IntentState::Done : store::IntentState::Failed,
                                        r ? "" : r.error().message);
        asio::post(strand, [this, group, nodeId, r] {
            const auto git = groups.find(group);
            if (git == groups.end() || !git->second.nodes.contains(nodeId))
                return;
            auto& node = git->second.nodes.at(nodeId);
            node.busy = false;
            if (r) {
                node.gone = true;
                emit({0,
                      now(),
                      EventKind::NodeStateChanged,
                      group,
                      node.view.subGroup,
                      node.view.role,
                      nodeId,
                      nodeId + " destroyed",
                      {{"to", "DESTROYED"}}});
            } else {
                emit({0,
                      now(),
                      EventKind::Alert,
                      group,
                      node.view.subGroup,
                      node.view.role,
                      nodeId,
                      "destroying " + nodeId + " failed: " + r.error().message,
                      {}});
            }
            requestPublish();
        });
    });
}

// ---- restart: nodes the journal says exist are found again, never created twice ----

Result<void> ControlCore::Impl::adoptFromJournal() {
    for (auto& [name, g] : groups) {
        auto intents = store->intentsFor(name);
        if (!intents)
            return unexpected(intents.error());
        std::map<std::string, const store::IntentRecord*> created;
        std::set<std::string> destroyed;
        for (const auto& i : *intents) {
            if (i.action == "create_node" &&
                (i.state == store::IntentState::Done || i.state == store::IntentState::Pending))
                created[i.nodeId] = &i;
            if (i.action == "destroy_node" && i.state == store::IntentState::Done)
                destroyed.insert(i.nodeId);
        }
        for (const auto& [id, intent] : created) {
            if (destroyed.contains(id))
                continue;
            LiveNode n;
            const auto& p = intent->payload;
            n.view.nodeId = id;
            n.view.nodeGroup = name;
            n.view.subGroup = p.value("subGroup", "");
            n.view.role = p.value("role", "");
            n.spec = {id, name, n.view.subGroup, n.view.role, {}, {}};
            for (const auto& c : p.value("capabilities", nlohmann::json::array()))
                if (auto cap = model::capabilityFromString(c.get<std::string>()))
                    n.spec.capabilities.push_back(*cap);
            if (intent->state == store::IntentState::Done) {
                const auto e = nlohmann::json::parse(intent->detail, nullptr, false);
                if (e.is_object()) {
                    n.view.endpoint.address = e.value("address", "");
                    n.view.endpoint.rtmpPort = e.value("rtmpPort", std::uint16_t{0});
                    n.view.endpoint.httpPort = e.value("httpPort", std::uint16_t{0});
                    n.view.endpoint.handle = e.value("handle", nlohmann::json::object());
                }
            }
            n.pendingIntent = intent->state == store::IntentState::Pending;
            n.life = {NodeState::Created, now(), 0, {}};
            n.adopt = true;
            g.nodes.emplace(id, std::move(n));
        }
    }
    return {};
}

void ControlCore::Impl::startAdopt(const std::string& group, const std::string& nodeId) {
    auto& g = groups.at(group);
    auto& n = g.nodes.at(nodeId);
    n.busy = true;
    asio::post(workers, [this, group, spec = n.spec, known = n.view.endpoint,
                         pending = n.pendingIntent, provider = g.provider] {
        auto found = provider->adopt(spec, known);
        if (pending)
            (void)store->completeIntent(
                "create-" + spec.nodeId,
                found ? store::IntentState::Done : store::IntentState::Abandoned,
                found ? endpointJson(*found).dump() : found.error().message);
        asio::post(strand, [this, group, id = spec.nodeId, found = std::move(found)]() mutable {
            const auto git = groups.find(group);
            if (git == groups.end() || !git->second.nodes.contains(id))
                return;
            auto& node = git->second.nodes.at(id);
            node.busy = false;
            node.adopt = false;
            if (!found) {
                // Gone while the core was down: FAULT, so the rules replace it; destroying it
                // later cleans up whatever is left.
                node.life.faultReason = "not found after restart: " + found.error().message;
                stateMachine.observe(node.life, NodeObservation::ProcessExited, now());
                emit({0,
                      now(),
                      EventKind::NodeStateChanged,
                      group,
                      node.view.subGroup,
                      node.view.role,
                      id,
                      id + " FAULT: " + node.life.faultReason,
                      {{"to", "FAULT"}}});
            } else {
                node.view.endpoint = *found;
                node.created = true;
                node.linked = false; // parents may have changed while the core was down
                emit({0,
                      now(),
                      EventKind::NodeStateChanged,
                      group,
                      node.view.subGroup,
                      node.view.role,
                      id,
                      id + " re-adopted after restart",
                      {}});
            }
            requestPublish();
        });
    });
}

} // namespace sy::engine
