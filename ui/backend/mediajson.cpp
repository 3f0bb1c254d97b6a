#include "ui/backend/mediajson.h"

namespace sy::ui {

namespace {

using Json = nlohmann::json;

std::string text(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t integer(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? static_cast<std::int64_t>(it->get<double>()) : 0;
}

bool flag(const Json& j, const char* key, bool def) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : def;
}

} // namespace

std::optional<media::JobState> parseJobState(std::string_view s) {
    using S = media::JobState;
    for (S state : {S::Wait, S::Starting, S::Live, S::Fault})
        if (media::toString(state) == s)
            return state;
    return std::nullopt;
}

std::optional<media::JobKind> parseJobKind(std::string_view s) {
    using K = media::JobKind;
    for (K kind : {K::Pull, K::Push, K::Social, K::Record, K::Transcode})
        if (media::toString(kind) == s)
            return kind;
    return std::nullopt;
}

media::JobView jobViewFromJson(const Json& j) {
    media::JobView v;
    if (!j.is_object())
        return v;
    v.id = text(j, "id");
    v.nodeGroup = text(j, "nodeGroup");
    v.provisionGuid = text(j, "provisionGuid");
    v.streamGuid = text(j, "streamGuid");
    v.kind = parseJobKind(text(j, "kind")).value_or(media::JobKind::Pull);
    v.type = text(j, "type");
    v.remote = text(j, "remote");
    v.target = text(j, "target");
    v.persist = flag(j, "persist", false);
    v.immediate = flag(j, "immediate", true);
    v.state = parseJobState(text(j, "state")).value_or(media::JobState::Wait);
    v.waitingFor = text(j, "waitingFor");
    v.lastError = text(j, "lastError");
    v.nodeId = text(j, "nodeId");
    v.nodeAddress = text(j, "serverAddress");
    v.failures = static_cast<int>(integer(j, "failures"));
    v.restarts = static_cast<int>(integer(j, "restarts"));
    v.reconnects = static_cast<int>(integer(j, "reconnects"));
    if (const auto it = j.find("bitrateKbps"); it != j.end() && it->is_number())
        v.bitrateKbps = it->get<double>();
    v.bytes = integer(j, "bytes");
    v.liveSinceMs = integer(j, "liveSince");
    v.uptimeMs = integer(j, "uptimeMs");
    v.recordingId = integer(j, "recordingId");
    return v;
}

store::RecordingRecord recordingFromJson(const Json& j) {
    store::RecordingRecord r;
    if (!j.is_object())
        return r;
    r.id = integer(j, "id");
    r.nodeGroup = text(j, "nodeGroup");
    r.streamGuid = text(j, "streamGuid");
    r.provisionGuid = text(j, "provisionGuid");
    r.target = text(j, "target");
    r.remoteKey = text(j, "remoteKey");
    r.state = store::parseRecordingState(text(j, "state")).value_or(store::RecordingState::Local);
    r.sizeBytes = integer(j, "sizeBytes");
    r.durationMs = integer(j, "durationMs");
    r.md5 = text(j, "md5");
    r.startedMs = integer(j, "startedMs");
    r.endedMs = integer(j, "endedMs");
    r.uploadedMs = integer(j, "uploadedMs");
    r.localDeleted = flag(j, "localDeleted", false);
    r.uploadAttempts = static_cast<int>(integer(j, "uploadAttempts"));
    r.error = text(j, "error");
    return r;
}

} // namespace sy::ui
