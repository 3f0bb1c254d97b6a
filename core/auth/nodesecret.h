#pragma once
// Node secrets: what proves to the core that a node callback comes from that node, and to a node
// that a /stat or /control request comes from the core. Anyone who can reach the callback port or
// a node's HTTP port (every local user today; the network once nodes leave loopback) could
// otherwise publish as a node or drop its clients.
//
// One secret per node: hex(HMAC-SHA256(master, "switchyard/node-secret/v1/" + nodeId)), 64 hex
// characters. The master key lives in the data directory (0600), so a restarted core derives the
// same secrets and keeps talking to the nodes it re-adopts; the secrets themselves are only in
// the nodes' 0600 config files, never in events, answers, logs or process arguments.

#include "core/util/result.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sy::auth {

class NodeSecrets {
public:
    // The master key of DIR/jwt.secret (created when missing, see secret.h).
    static Result<std::shared_ptr<const NodeSecrets>> open(const std::filesystem::path& dir);
    // Fails with "weak_secret" when the master key is shorter than 32 bytes.
    static Result<std::shared_ptr<const NodeSecrets>> create(std::string master);

    std::string secretFor(std::string_view nodeId) const;
    // Constant time in the presented value: a caller learns nothing from how long a refusal took.
    bool matches(std::string_view nodeId, std::string_view presented) const;

private:
    explicit NodeSecrets(std::string master)
        : master_(std::move(master)) {}
    std::string master_;
};

} // namespace sy::auth
