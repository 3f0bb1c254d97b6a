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
#include <tuple>

namespace sy::engine {

using model::NodeState;
using scaling::NodeObservation;

namespace {

std::string ruleKey(const std::string& sg, const std::string& role) {
    return sg + "/" + role;
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
        // Structured bindings are copied by name: clang before 16 cannot capture them (fuzz build).
        asio::post(workers, [this, name = name, provider = g.provider, ids] {
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
        asio::post(workers, [this, provider = provider, ids = std::move(ids)] {
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

// A stream starts when a node first reports a client publishing it and stops when that node no
// longer does (relayed copies on edges are not streams of their own).
void ControlCore::Impl::noteStreams(LiveGroup& g, const LiveNode& n,
                                    const std::vector<providers::StreamStats>& now,
                                    std::int64_t t) {
    auto published = [](const std::vector<providers::StreamStats>& list) {
        std::set<std::string> out;
        for (const auto& s : list)
            if (s.publishing)
                out.insert(s.guid);
        return out;
    };
    const auto before = published(n.view.streams);
    const auto after = published(now);
    for (const auto& guid : after)
        if (!before.contains(guid))
            emit({0,
                  t,
                  EventKind::StreamStarted,
                  *g.config.name,
                  n.view.subGroup,
                  n.view.role,
                  n.view.nodeId,
                  guid + " started on " + n.view.nodeId,
                  {{"streamGuid", guid}}});
    for (const auto& guid : before)
        if (!after.contains(guid))
            emit({0,
                  t,
                  EventKind::StreamStopped,
                  *g.config.name,
                  n.view.subGroup,
                  n.view.role,
                  n.view.nodeId,
                  guid + " stopped on " + n.view.nodeId,
                  {{"streamGuid", guid}}});
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
        {
            std::lock_guard lock(externalMutex);
            for (const auto& [source, byNode] : external)
                if (const auto e = byNode.find(n.view.nodeId); e != byNode.end())
                    for (const auto& [metric, value] : e->second)
                        n.view.metrics[metric] += value;
        }
        noteStreams(g, n, r.streams, t);
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
        r.httpPort = n.view.endpoint.httpPort;
        r.hls = n.spec.hls;
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
        std::vector<std::string> httpAddresses;
        for (const auto& id : ids)
            if (const auto p = g.nodes.find(id); p != g.nodes.end()) {
                const auto& e = p->second.view.endpoint;
                addresses.push_back(e.address + ":" + std::to_string(e.rtmpPort));
                httpAddresses.push_back(e.address + ":" + std::to_string(e.httpPort));
            }
        n.view.parents = ids;
        n.spec.parentAddresses = std::move(addresses);
        n.spec.parentHttpAddresses = std::move(httpAddresses);
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

bool ControlCore::Impl::applyDelivery(const LiveGroup& g, LiveNode& n) const {
    const auto settings = [](const providers::NodeSpec& s) {
        return std::tie(s.hls, s.hlsFragmentS, s.hlsPlaylistS, s.relayCredential);
    };
    const auto was = std::tuple<bool, int, int, std::string>(settings(n.spec));
    n.spec.hls = model::hlsEnabled(g.config);
    n.spec.hlsFragmentS = static_cast<int>(model::hlsFragmentSeconds(g.config));
    n.spec.hlsPlaylistS = static_cast<int>(model::hlsPlaylistSeconds(g.config));
    n.spec.relayCredential = model::playAccess(g.config) == model::AccessMode::Open
                                 ? std::string()
                                 : gate->relayCredential(*g.config.name, n.view.nodeId);
    return settings(n.spec) != was;
}

void ControlCore::Impl::requestNode(LiveGroup& g, const CompiledRule& rule, std::int64_t t) {
    LiveNode n;
    n.view.nodeId = newNodeId();
    n.view.nodeGroup = *g.config.name;
    n.view.subGroup = rule.subGroup;
    n.view.role = rule.role;
    n.life = {NodeState::Requested, t, 0, {}};
    n.spec.nodeId = n.view.nodeId;
    n.spec.nodeGroup = *g.config.name;
    n.spec.subGroup = rule.subGroup;
    n.spec.role = rule.role;
    applyDelivery(g, n);
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

} // namespace sy::engine
