#include "core/engine/streamgate.h"

#include "core/model/jsontext.h"
#include "core/nodes/loopbackhttpclient.h"
#include "core/util/strings.h"

#include <algorithm>

namespace sy::engine {

using auth::StreamAction;

namespace {

GateDecision deny(std::string reason) {
    return {false, false, std::move(reason), {}};
}

GateDecision allow(std::string reason, std::string subject = {}) {
    return {true, false, std::move(reason), std::move(subject)};
}

model::AccessMode modeFor(const model::NodeGroupConfig& g, StreamAction action) {
    return action == StreamAction::Publish ? model::publishAccess(g) : model::playAccess(g);
}

// Credentials the client may send; each must come once, or which one counts is ambiguous.
constexpr std::string_view kCredentialKeys[] = {"token", "username", "password"};

} // namespace

RoundTripCall httpRoundTrip() {
    return [](const std::string& url, const nlohmann::json& body) -> Result<RoundTripAnswer> {
        nodes::HttpTimeouts timeouts;
        timeouts.connect = std::chrono::milliseconds(1000);
        timeouts.total = std::chrono::milliseconds(3000);
        auto r = nodes::postHttp(url, body.dump(), "application/json", timeouts);
        if (!r)
            return unexpected(r.error());
        return RoundTripAnswer{r->status, std::move(r->body)};
    };
}

std::string withToken(const std::string& url, const std::string& token) {
    if (token.empty())
        return url;
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "token=" + token;
}

StreamGate::StreamGate(auth::StreamTokenCodec codec, std::function<std::int64_t()> clockSeconds,
                       RoundTripCall roundTrip)
    : codec_(std::move(codec))
    , replay_(std::move(clockSeconds))
    , roundTrip_(roundTrip ? std::move(roundTrip) : httpRoundTrip()) {}

std::optional<std::string> StreamGate::tokenFor(const model::NodeGroupConfig& group,
                                                const std::string& streamGuid, StreamAction action,
                                                const std::string& subject) const {
    if (modeFor(group, action) != model::AccessMode::Token)
        return std::nullopt;
    return issue(group.name.value_or(""), streamGuid, action, model::tokenTtlSeconds(group),
                 subject);
}

std::string StreamGate::issue(const std::string& nodeGroup, const std::string& streamGuid,
                              StreamAction action, std::int64_t ttlSeconds,
                              const std::string& subject) const {
    return codec_.issue(nodeGroup, streamGuid, action, ttlSeconds, subject);
}

std::string StreamGate::relayCredential(const std::string& nodeGroup,
                                        const std::string& nodeId) const {
    return codec_.relayCredential(nodeGroup, nodeId);
}

GateDecision StreamGate::check(const model::NodeGroupConfig& group, const std::string& streamGuid,
                               StreamAction action, const CallbackFields& fields,
                               const std::vector<std::string>& nodeIds) const {
    const auto mode = modeFor(group, action);
    if (mode == model::AccessMode::Open)
        return allow("open");
    const std::string name = group.name.value_or("");
    for (const auto& key : fields.repeated)
        if (std::find(std::begin(kCredentialKeys), std::end(kCredentialKeys), key) !=
            std::end(kCredentialKeys))
            return deny("\"" + key + "\" was sent more than once");
    // A node of the group pulling for its own viewers (edge → origin, relay → origin).
    if (action == StreamAction::Play) {
        for (const char* key : {"pageurl", "relay"}) {
            const auto* credential = fields.get(key);
            if (!credential || credential->empty())
                continue;
            if (const auto node = codec_.relayNode(name, *credential);
                node && std::find(nodeIds.begin(), nodeIds.end(), *node) != nodeIds.end()) {
                GateDecision d = allow("relay pull of " + *node, *node);
                d.relay = true;
                return d;
            }
        }
    }
    const auto* token = fields.get("token");
    if (mode == model::AccessMode::Token) {
        if (!token || token->empty())
            return deny("no stream token (add ?token=… from publish or subscribe routing)");
        return checkToken(name, streamGuid, action, *token, model::oneTimeTokens(group));
    }
    // Round trip: a token of ours (media jobs, routing) passes; anything else asks the operator.
    if (token && token->find('.') != std::string::npos) {
        auto ours = checkToken(name, streamGuid, action, *token, model::oneTimeTokens(group));
        if (ours.allowed)
            return ours;
    }
    return checkRoundTrip(group, streamGuid, action, fields);
}

GateDecision StreamGate::checkToken(const std::string& group, const std::string& guid,
                                    StreamAction action, const std::string& token,
                                    bool oneTime) const {
    auto claims = codec_.verify(token, group, guid, action);
    if (!claims)
        return deny("stream token refused: " + claims.error().message);
    if (oneTime && !replay_.firstUse(claims->id, claims->expiresAt))
        return deny("stream token already used (one-time tokens)");
    return allow("token " + claims->id, claims->subject);
}

GateDecision StreamGate::checkRoundTrip(const model::NodeGroupConfig& group,
                                        const std::string& guid, StreamAction action,
                                        const CallbackFields& fields) const {
    const auto value = [&](const char* key) {
        const auto* v = fields.get(key);
        return v ? *v : std::string();
    };
    const std::string username = value("username");
    const std::string password = value("password");
    const std::string token = value("token");
    if (username.empty() && token.empty())
        return deny("no credentials (round-trip auth needs ?username=…&password=… or ?token=…)");
    const auto slash = guid.rfind('/');
    const nlohmann::json body = {
        {"username", username},
        {"password", password},
        {"token", token},
        {"type", action == StreamAction::Publish ? "publisher" : "subscriber"},
        {"streamID", slash == std::string::npos ? guid : guid.substr(slash + 1)},
        {"streamGuid", guid},
        {"nodeGroup", group.name.value_or("")}};
    const std::string url = group.streamAccess->validateUrl.value_or("");
    auto answer = roundTrip_(url, body);
    const std::string who = username.empty() ? "a token holder" : sy::quoted(username);
    if (!answer)
        return deny("validate URL unreachable: " + answer.error().message);
    if (answer->status < 200 || answer->status > 299)
        return deny("validate URL answered HTTP " + std::to_string(answer->status) + " for " + who);
    const auto parsed = model::parseJsonOrNull(answer->body);
    const auto result = parsed.is_object() ? parsed.find("result") : parsed.end();
    if (!parsed.is_object() || result == parsed.end() || !result->is_boolean() ||
        !result->get<bool>())
        return deny("validate URL refused " + who);
    return allow("round trip for " + who, username.empty() ? "token" : username);
}

} // namespace sy::engine
