#pragma once
// The durable desired state of the core: node-group documents, provisions, users and the intent
// journal. An interface so that a high-availability EtcdStore can replace the embedded SQLite one
// without the engine noticing.
//
// Contract shared by every implementation:
// - Documents are opaque JSON; the store never interprets the schema.
// - `version` is the store revision at a document's last write. It increases on every write of
//   that document and is never reused after a delete, so a compare-and-set against a document
//   that was deleted and re-created fails instead of silently succeeding (no ABA). It plays the
//   role of etcd's mod_revision.
// - Every call is atomic: it either fully applies or leaves nothing behind.
// - Calls are thread-safe and may block on disk (fsync): never call them from the engine strand.
// - Nothing throws; failures come back as sy::Error with one of the codes below.

#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sy::store {

// Error codes (sy::Error::code) returned by the store.
namespace errc {
inline constexpr const char* notFound = "not_found";
inline constexpr const char* exists = "exists";     // create-only on a taken key
inline constexpr const char* conflict = "conflict"; // expected version did not match
inline constexpr const char* invalidTransition = "invalid_transition"; // intent not Pending
inline constexpr const char* invalidArgument = "invalid_argument";
inline constexpr const char* corrupt = "corrupt"; // unreadable file or stored document
inline constexpr const char* busy = "busy";       // another process held the write lock too long
inline constexpr const char* storage = "storage"; // any other engine failure (I/O, disk full)
inline constexpr const char* schemaTooNew = "schema_too_new"; // written by a newer Switchyard
inline constexpr const char* reentrant = "reentrant";         // store called from inside transact()
inline constexpr const char* txClosed = "tx_closed";          // a Tx used outside its callback
inline constexpr const char* callbackThrew = "callback_threw"; // transact() callback threw
} // namespace errc

// Milliseconds since the Unix epoch; injected so tests control time.
using Clock = std::function<std::int64_t()>;
Clock systemClock();

struct NodeGroupRecord {
    std::string name;
    nlohmann::json config;
    std::int64_t version = 0;
    std::int64_t createdMs = 0;
    std::int64_t updatedMs = 0;
};

struct ProvisionRecord {
    std::string nodeGroup;
    std::string guid;
    nlohmann::json doc;
    std::int64_t version = 0;
    std::int64_t createdMs = 0;
    std::int64_t updatedMs = 0;
};

struct UserRecord {
    std::string name;
    std::string passwordHash; // opaque to the store (the API layer hashes)
    std::string role;
    std::int64_t createdMs = 0;
    // A store revision taken on every putUser: tokens carry the value they were issued under, so
    // a changed password or role, or a user deleted and re-created, revokes all earlier ones.
    // 0 for users stored before the column existed.
    std::int64_t credentialVersion = 0;
};

// An API key as stored: the key itself (a signed token) is never stored, only its id (the
// token's jti), so that it can be listed and revoked.
struct ApiKeyRecord {
    std::string id;
    std::string user;
    std::string role;
    std::int64_t createdMs = 0;
    std::int64_t expiresMs = 0;
};

// Pending is the only state that can change; the others are final.
enum class IntentState { Pending, Done, Failed, Abandoned };
std::string_view toString(IntentState s);
std::optional<IntentState> parseIntentState(std::string_view s);

// What a caller is about to do to a provider, written before doing it.
struct IntentRequest {
    std::string idempotencyToken;
    std::string nodeGroup;
    std::string action; // "create-node", "destroy-node", "reload", ...
    std::string nodeId; // may be empty when the provider assigns it
    nlohmann::json payload = nlohmann::json::object();
};

struct IntentRecord {
    std::int64_t id = 0;
    std::string idempotencyToken;
    std::string nodeGroup;
    std::string action;
    std::string nodeId;
    IntentState state = IntentState::Pending;
    nlohmann::json payload;
    std::string detail; // result or error text given on completion
    std::int64_t createdMs = 0;
    std::int64_t updatedMs = 0;
};

// Every read and write of the state. Both the store and a transaction offer it, so code that
// writes one thing can be reused unchanged inside an all-or-nothing batch.
class StateAccess {
public:
    virtual ~StateAccess() = default;

    // Node groups. putNodeGroup creates or replaces; with expectedVersion it replaces only if the
    // stored version is exactly that (else "conflict", also when the group does not exist).
    virtual Result<NodeGroupRecord>
    putNodeGroup(std::string_view name, const nlohmann::json& config,
                 std::optional<std::int64_t> expectedVersion = {}) = 0;
    virtual Result<NodeGroupRecord> createNodeGroup(std::string_view name,
                                                    const nlohmann::json& config) = 0;
    virtual Result<NodeGroupRecord> getNodeGroup(std::string_view name) = 0;
    virtual Result<std::vector<NodeGroupRecord>> listNodeGroups() = 0; // ordered by name
    // Deletes the group and all its provisions together.
    virtual Result<void> deleteNodeGroup(std::string_view name,
                                         std::optional<std::int64_t> expectedVersion = {}) = 0;

    // Provisions belong to an existing node group ("not_found" otherwise).
    virtual Result<ProvisionRecord>
    putProvision(std::string_view nodeGroup, std::string_view guid, const nlohmann::json& doc,
                 std::optional<std::int64_t> expectedVersion = {}) = 0;
    virtual Result<ProvisionRecord> createProvision(std::string_view nodeGroup,
                                                    std::string_view guid,
                                                    const nlohmann::json& doc) = 0;
    virtual Result<ProvisionRecord> getProvision(std::string_view nodeGroup,
                                                 std::string_view guid) = 0;
    virtual Result<std::vector<ProvisionRecord>> listProvisions(std::string_view nodeGroup) = 0;
    virtual Result<void> deleteProvision(std::string_view nodeGroup, std::string_view guid) = 0;

    // Users. putUser creates or replaces; createdMs is kept from the first put.
    virtual Result<UserRecord> putUser(std::string_view name, std::string_view passwordHash,
                                       std::string_view role) = 0;
    virtual Result<UserRecord> getUser(std::string_view name) = 0;
    virtual Result<std::vector<UserRecord>> listUsers() = 0; // ordered by name
    virtual Result<void> deleteUser(std::string_view name) = 0;

    // API keys of a user. putUser of an existing user and deleteUser drop all of its keys.
    // createApiKey stores the key only while the user's credentialVersion is still the given one
    // ("conflict" otherwise, "not_found" without the user); "exists" on a taken id.
    virtual Result<ApiKeyRecord> createApiKey(const ApiKeyRecord& key,
                                              std::int64_t credentialVersion) = 0;
    virtual Result<ApiKeyRecord> getApiKey(std::string_view id) = 0;
    virtual Result<std::vector<ApiKeyRecord>> listApiKeys(std::string_view user) = 0; // by age
    virtual Result<void> deleteApiKey(std::string_view user, std::string_view id) = 0;

    // Intent journal. beginIntent is idempotent on the token: a repeat returns the stored entry
    // unchanged (whatever its state), so a retried action after a crash is never journaled twice.
    // A repeat naming another node group or action is a caller bug and gives "conflict".
    virtual Result<IntentRecord> beginIntent(const IntentRequest& request) = 0;
    // Pending -> Done/Failed/Abandoned; anything else is "invalid_transition".
    virtual Result<IntentRecord> completeIntent(std::string_view token, IntentState state,
                                                std::string_view detail) = 0;
    virtual Result<IntentRecord> getIntent(std::string_view token) = 0;
    // Pending intents, oldest first: what a restarted core must reconcile before acting.
    virtual Result<std::vector<IntentRecord>> openIntents() = 0;
    virtual Result<std::vector<IntentRecord>> intentsFor(std::string_view nodeGroup) = 0;
    // Drops finished intents last updated before the cutoff; Pending ones are always kept.
    virtual Result<std::int64_t> pruneIntents(std::int64_t updatedBeforeMs) = 0;
};

// The handle given to a transact() callback. Valid only during the callback.
using Tx = StateAccess;

class StateStore : public StateAccess {
public:
    // Runs fn as one transaction: everything it wrote commits together, or, if it returns an
    // error (or throws), nothing does. A failed call inside fn is itself undone, so fn may
    // ignore an expected error ("exists") and carry on. fn must use only the Tx it is given:
    // calling the store itself from inside fn returns "reentrant".
    virtual Result<void> transact(const std::function<Result<void>(Tx&)>& fn) = 0;
};

} // namespace sy::store
