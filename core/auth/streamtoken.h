#pragma once
// Stream tokens: short-lived HS256 JWTs that let one client publish or play one stream of one
// node group, checked by the core when a node's on_publish / on_play callback asks.
//
// They follow RFC 8725 like the API tokens (jwt.h) and can never pass as one, nor an API token as
// a stream token:
// - the key is per node group, derived from the server's master secret with a label that API
//   tokens never use (HMAC-SHA256(master, "switchyard/stream-token/v1/" + group));
// - the header's `typ` is "sy-stream+jwt" (API tokens: "JWT") and `aud` is "sy-stream" (API
//   tokens: "switchyard-api"); the group is bound by its key;
// - tokens are compact (no iss, iat or sub; a 72-bit jti): they travel in the stream name's
//   arguments, and nginx-rtmp keeps at most 255 bytes of "name?args";
// - the algorithm is fixed (HS256); `exp` is always checked; the claims `sgd` (stream guid) and
//   `act` ("publish" | "play") scope the token, and are compared after the signature.
//
// Relay credentials let one node of a group pull from another when play tokens are required:
// "sy-relay." + nodeId + "." + hex(HMAC(groupKey, "relay/" + nodeId)), carried in the pull's
// pageUrl. They are static per node and never leave the node's config file.

#include "core/util/result.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sy::auth {

enum class StreamAction { Publish, Play };
std::string_view toString(StreamAction a); // "publish", "play"

struct StreamTokenClaims {
    std::string nodeGroup;
    std::string streamGuid;
    StreamAction action = StreamAction::Play;
    std::string subject; // `sub` when a token carries one (ours do not, to stay short)
    std::string id;      // jti, random: the replay cache's key
    std::int64_t issuedAt = 0;
    std::int64_t expiresAt = 0;
};

class StreamTokenCodec {
public:
    // Fails with "weak_secret" when the master secret is shorter than 32 bytes.
    static Result<StreamTokenCodec> create(std::string masterSecret,
                                           std::function<std::int64_t()> clock = {});

    // A token for `action` on `streamGuid` of `nodeGroup`, valid from now for ttlSeconds (> 0).
    std::string issue(const std::string& nodeGroup, const std::string& streamGuid,
                      StreamAction action, std::int64_t ttlSeconds,
                      const std::string& subject) const;

    // Checks signature (with the group's key), typ, aud, exp (30 s leeway), and then that the
    // token names exactly this stream and action. Error codes: malformed, bad_algorithm,
    // bad_type, bad_signature, expired, not_yet_valid, bad_audience, wrong_stream,
    // wrong_action, bad_claims. The message says why in words people read ("the token is for
    // stream \"live/b\", not \"live/a\""). Never throws, whatever the input.
    Result<StreamTokenClaims> verify(std::string_view token, const std::string& nodeGroup,
                                     const std::string& streamGuid, StreamAction action) const;

    std::string relayCredential(const std::string& nodeGroup, const std::string& nodeId) const;
    // True when `credential` is exactly relayCredential(nodeGroup, nodeId) for the node id it
    // names; that node id is returned so the caller can check it belongs to the group.
    std::optional<std::string> relayNode(const std::string& nodeGroup,
                                         std::string_view credential) const;

private:
    struct GroupKeys; // the derived key's precomputed HMAC states (streamtoken.cpp)

    StreamTokenCodec() = default;
    std::int64_t now() const;
    // Cached derivation; the pointer stays valid when the cache drops the entry.
    std::shared_ptr<const GroupKeys> groupKeys(const std::string& nodeGroup) const;

    std::string master_;
    std::function<std::int64_t()> clock_;
    struct Cache { // shared by copies of a codec
        std::mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<const GroupKeys>> keys;
    };
    std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

// One-time mode: a token id may be used once. Entries are kept until their token expires (plus
// the leeway), so memory stays bounded by the tokens issued within one ttl. Thread-safe.
class ReplayCache {
public:
    explicit ReplayCache(std::function<std::int64_t()> clock = {});
    // True the first time `id` is seen; false for every later use before `expiresAt`.
    bool firstUse(const std::string& id, std::int64_t expiresAt);
    std::size_t size() const;

private:
    std::int64_t now() const;
    void prune(std::int64_t now); // drops expired entries; caller holds the lock

    std::function<std::int64_t()> clock_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::int64_t> seen_; // id → expiry
    std::multimap<std::int64_t, std::string> byExpiry_;
};

} // namespace sy::auth
