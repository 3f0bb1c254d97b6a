#pragma once
// The core's typed event stream: what changed and why, for the console's event log, the API's
// event stream (resumable by sequence number) and alerts.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sy::engine {

enum class EventKind {
    NodeStateChanged, // details: from, to
    ScalingDecision,  // details: action, count, victims, rule, expression, values
    StreamStarted,
    StreamStopped,
    Alert,            // needs an operator: blocked scaling, failed-node threshold, provider errors
    NodeGroupChanged, // created, updated, deleted, paused, resumed
    Media,            // restreamers, social pushers, recordings and uploads (details: job, state)
    Access,           // a node refused a publish or play (details: action, stream, reason, addr)
};

std::string_view toString(EventKind k);

struct Event {
    std::uint64_t sequence = 0; // strictly increasing within one run of the core
    std::int64_t timeMs = 0;
    EventKind kind = EventKind::Alert;
    std::string nodeGroup;
    std::string subGroup;
    std::string role;
    std::string nodeId;
    std::string message; // one sentence for people
    nlohmann::json details = nlohmann::json::object();
};

nlohmann::json toJson(const Event& e);

} // namespace sy::engine
