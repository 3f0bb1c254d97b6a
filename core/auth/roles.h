#pragma once
// The three roles of the REST API and their spellings: the short names used in configuration and
// the "ROLE_*" strings that Red5 Pro Stream Manager 2.0 puts in a token's `roles` claim.

#include <optional>
#include <string>
#include <string_view>

namespace sy::auth {

// Ordered by privilege: each role may do everything the roles before it may.
enum class Role { Viewer, Operator, Admin };

std::string_view toString(Role role); // "viewer", "operator", "admin"

// Accepts "viewer"/"operator"/"admin" and "ROLE_VIEWER"/"ROLE_OPERATOR"/"ROLE_ADMIN", ignoring
// case.
std::optional<Role> parseRole(std::string_view text);

// The SM 2.0 claim value: "ROLE_VIEWER", "ROLE_OPERATOR", "ROLE_ADMIN".
std::string roleClaim(Role role);

// True when a caller holding `have` may do what requires `need` (Admin >= Operator >= Viewer).
bool allows(Role have, Role need);

} // namespace sy::auth
