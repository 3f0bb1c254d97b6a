#pragma once
// The first admin account of switchyard-server: from SWITCHYARD_ADMIN_USER and
// SWITCHYARD_ADMIN_PASSWORD (or --admin-password-file), never from argv. With neither given and
// no user stored, a random password is written to DATA_DIR/initial-admin-password (mode 0600),
// as a fresh install of any server tool would do.

#include "core/util/result.h"

#include <optional>
#include <string>

namespace sy::store {
class StateStore;
}

namespace sy::server {

struct AdminSources {
    std::string user = "admin";
    std::optional<std::string> password; // SWITCHYARD_ADMIN_PASSWORD
    std::string passwordFile;            // --admin-password-file
};

// Returns a line for the operator ("admin user 'admin' set from ..."), or why it failed.
Result<std::string> bootstrapAdmin(store::StateStore& store, const std::string& dataDir,
                                   const AdminSources& sources);

} // namespace sy::server
