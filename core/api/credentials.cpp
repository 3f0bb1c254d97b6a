#include "core/api/credentials.h"

#include "core/api/apierrors.h"
#include "core/util/strings.h"

namespace sy::api {

namespace {

HttpResponse invalidToken(const std::string& why) {
    auto res = HttpResponse::error(401, "invalid token: " + why);
    res.headers.emplace_back("WWW-Authenticate",
                             "Bearer realm=\"switchyard\", error=\"invalid_token\"");
    return res;
}

} // namespace

std::string issueUserToken(const auth::JwtCodec& codec, const store::UserRecord& user,
                           auth::Role role, nlohmann::json extra,
                           std::optional<std::int64_t> ttlSeconds) {
    if (!extra.is_object())
        extra = nlohmann::json::object();
    extra[kCredentialClaim] = user.credentialVersion;
    return ttlSeconds ? codec.issue(user.name, role, std::move(extra), *ttlSeconds)
                      : codec.issue(user.name, role, std::move(extra));
}

bool isApiKey(const auth::Claims& claims) {
    const auto kind = claims.extra.find("kind");
    return kind != claims.extra.end() && kind->is_string() &&
           kind->get_ref<const std::string&>() == "apikey";
}

std::optional<HttpResponse> checkCredentials(store::StateAccess& store, auth::Claims& claims) {
    auto user = store.getUser(claims.subject);
    if (!user)
        return user.error().code == "not_found"
                   ? invalidToken("user " + sy::quoted(claims.subject) + " no longer exists")
                   : errorResponse(user.error());
    // Tokens from before credential versions existed carry none: they count as version 0,
    // which only users untouched since then still have.
    std::int64_t version = 0;
    if (const auto cv = claims.extra.find(kCredentialClaim); cv != claims.extra.end()) {
        if (!cv->is_number_integer())
            return invalidToken("its cv claim is not an integer");
        version = cv->get<std::int64_t>();
    }
    if (version != user->credentialVersion)
        return invalidToken("revoked: the password or role of user " + sy::quoted(claims.subject) +
                            " changed since it was issued");
    if (isApiKey(claims)) {
        // Keys issued before keys were stored have no row: they cannot be listed or revoked one
        // by one, so they are refused (issue a new key).
        auto key = claims.id.empty() ? Result<store::ApiKeyRecord>(fail("not_found", "no jti"))
                                     : store.getApiKey(claims.id);
        if (!key && key.error().code != "not_found")
            return errorResponse(key.error());
        if (!key || key->user != claims.subject)
            return invalidToken("API key revoked (GET /as/v1/admin/users/" + claims.subject +
                                "/apikey lists the valid ones)");
    }
    const auto stored = auth::parseRole(user->role);
    if (!stored)
        return HttpResponse::error(403,
                                   "user " + sy::quoted(claims.subject) + " has no valid role");
    // The same version means the same role; kept as a second guard.
    if (!auth::allows(*stored, claims.role))
        claims.role = *stored;
    return std::nullopt;
}

} // namespace sy::api
