#pragma once
// Whether a verified API token still speaks for its user. Tokens are stateless, users are not:
// every token carries the credential version of its user at issue time (claim "cv"), and every
// put of the user (password or role changed, or deleted and created again) takes a new one, so
// all earlier tokens and API keys stop at once. API keys (claim kind=apikey) must also still be
// listed in the store, so that one key can be revoked alone.

#include "core/api/http.h"
#include "core/auth/jwt.h"
#include "core/store/statestore.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sy::api {

inline constexpr const char* kCredentialClaim = "cv";

// A token for the stored user with its current credential version; `extra` adds claims and
// `ttlSeconds` (> 0) replaces the codec's lifetime.
std::string issueUserToken(const auth::JwtCodec& codec, const store::UserRecord& user,
                           auth::Role role, nlohmann::json extra = nlohmann::json::object(),
                           std::optional<std::int64_t> ttlSeconds = std::nullopt);

bool isApiKey(const auth::Claims& claims);

// nullopt when the claims still hold (their role lowered to the stored one if that is lower),
// else the 401 (revoked, user gone) or 403 (no valid stored role) to answer.
std::optional<HttpResponse> checkCredentials(store::StateAccess& store, auth::Claims& claims);

} // namespace sy::api
