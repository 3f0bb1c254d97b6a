#include "core/auth/roles.h"

#include <array>
#include <cctype>

namespace sy::auth {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto ca = static_cast<unsigned char>(a[i]);
        const auto cb = static_cast<unsigned char>(b[i]);
        if (std::tolower(ca) != std::tolower(cb))
            return false;
    }
    return true;
}

constexpr std::array kRoles{Role::Viewer, Role::Operator, Role::Admin};

} // namespace

std::string_view toString(Role role) {
    switch (role) {
    case Role::Viewer:
        return "viewer";
    case Role::Operator:
        return "operator";
    case Role::Admin:
        return "admin";
    }
    return "viewer"; // unreachable for valid enumerators; keeps -Wreturn-type quiet
}

std::optional<Role> parseRole(std::string_view text) {
    constexpr std::string_view prefix = "ROLE_";
    if (text.size() > prefix.size() && equalsIgnoreCase(text.substr(0, prefix.size()), prefix))
        text.remove_prefix(prefix.size());
    for (Role role : kRoles)
        if (equalsIgnoreCase(text, toString(role)))
            return role;
    return std::nullopt;
}

std::string roleClaim(Role role) {
    std::string claim = "ROLE_";
    for (char c : toString(role))
        claim += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return claim;
}

bool allows(Role have, Role need) {
    return static_cast<int>(have) >= static_cast<int>(need);
}

} // namespace sy::auth
