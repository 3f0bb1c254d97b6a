// Provider jobs of ControlCore: each is journalled before it is made, runs on the worker pool
// (process spawns, HTTP probes and fsyncs block), and reports back to the strand. Also the
// restart path: nodes the journal says exist are found again, and orphans are stopped.

#include "core/engine/coreimpl.h"
#include "core/model/jsontext.h"

#include <boost/asio/post.hpp>

#include <set>

namespace sy::engine {

using model::NodeState;
using scaling::NodeObservation;

namespace {

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
            n.spec.nodeId = id;
            n.spec.nodeGroup = name;
            n.spec.subGroup = n.view.subGroup;
            n.spec.role = n.view.role;
            applyDelivery(g, n);
            for (const auto& c : p.value("capabilities", nlohmann::json::array()))
                if (auto cap = model::capabilityFromString(c.get<std::string>()))
                    n.spec.capabilities.push_back(*cap);
            if (intent->state == store::IntentState::Done) {
                const auto e = model::parseJsonOrNull(intent->detail);
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
