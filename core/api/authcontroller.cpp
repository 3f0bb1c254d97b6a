// PUT /as/v1/auth/login (reference §1) and user management (ours): users and their password
// hashes live in the state store; the API hands out HS256 tokens that carry the user's role and
// credential version (credentials.h), and API keys that the store lists by id.

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/credentials.h"
#include "core/api/requestmetrics.h"
#include "core/auth/passwordhash.h"
#include "core/engine/controlcore.h"
#include "core/store/statestore.h"
#include "core/util/strings.h"

namespace sy::api {

namespace {

constexpr std::size_t kMaxUserName = 64;
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;

std::optional<std::string> decodeBase64(std::string_view in) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t i = 0;
    for (; i < in.size() && in[i] != '='; ++i) {
        const auto v = kAlphabet.find(in[i]);
        if (v == std::string_view::npos)
            return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    for (; i < in.size(); ++i)
        if (in[i] != '=')
            return std::nullopt;
    return out;
}

struct BasicCredentials {
    std::string user;
    std::string password;
};

std::optional<BasicCredentials> basicCredentials(const HttpRequest& req) {
    const std::string header = req.header("Authorization");
    if (header.size() < 6 || toLower(header.substr(0, 6)) != "basic ")
        return std::nullopt;
    const auto decoded = decodeBase64(trim(std::string_view(header).substr(6)));
    if (!decoded)
        return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos)
        return std::nullopt;
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

HttpResponse tooManyAttempts(std::int64_t retryAfterMs) {
    const auto seconds = std::max<std::int64_t>(1, (retryAfterMs + 999) / 1000);
    auto res = HttpResponse::error(429, "too many failed logins; try again in " +
                                            std::to_string(seconds) + " s");
    res.headers.emplace_back("Retry-After", std::to_string(seconds));
    return res;
}

HttpResponse login(ApiContext& ctx, const ApiRequest& r) {
    const auto credentials = basicCredentials(r.http);
    if (!credentials) {
        auto res = HttpResponse::error(
            401, "login needs an Authorization: Basic header with base64(user:password)");
        res.headers.emplace_back("WWW-Authenticate", "Basic realm=\"switchyard\"");
        return res;
    }
    // Behind a trusted reverse proxy, the address it saw; else the peer's.
    const std::string address = ctx.options.trustedProxies.clientAddress(
        r.http.remoteAddress, r.http.header("X-Forwarded-For"));
    if (auto wait = ctx.loginLimiter.loginRetryAfterMs(credentials->user, address))
        return tooManyAttempts(*wait);
    auto user = ctx.core.store().getUser(credentials->user);
    if (!user && user.error().code != "not_found")
        return errorResponse(user.error());
    // An unknown user costs the same hash as a wrong password: no user enumeration by timing.
    const bool ok = auth::verifyPassword(credentials->password,
                                         user ? user->passwordHash : auth::dummyHash()) &&
                    user.ok();
    const auto role = user ? auth::parseRole(user->role) : std::nullopt;
    if (!ok || !role) {
        ctx.loginLimiter.recordLoginFailure(credentials->user, address);
        if (ctx.metrics)
            ctx.metrics->recordLoginFailure();
        return HttpResponse::error(401, "invalid user name or password");
    }
    ctx.loginLimiter.recordLoginSuccess(credentials->user, address);
    // Carries the credential version read with the hash: a password changed meanwhile revokes it.
    const std::string token = issueUserToken(ctx.tokens, *user, *role);
    const auto claims = ctx.tokens.verify(token);
    return HttpResponse::json(200, {{"token", token},
                                    {"role", auth::toString(*role)},
                                    {"expiresAt", claims ? claims->expiresAt * 1000 : 0}});
}

std::optional<std::string> checkUserName(std::string_view name) {
    if (name.empty() || name.size() > kMaxUserName)
        return "user name must be 1 to " + std::to_string(kMaxUserName) + " characters";
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
              c == '@'))
            return "user name " + sy::quoted(name) +
                   " may contain only letters, digits, '.', '_', '-' and '@'";
    return std::nullopt;
}

HttpResponse putUser(ApiContext& ctx, const ApiRequest& r) {
    const std::string& name = r.param("name");
    if (auto bad = checkUserName(name))
        return HttpResponse::error(400, *bad);
    auto body = jsonBody(r.http);
    if (!body)
        return body.error();
    if (!body->is_object())
        return HttpResponse::error(400, "request body must be an object {\"password\", \"role\"}");
    const auto roleField = body->find("role");
    const auto passwordField = body->find("password");
    if (roleField == body->end() || !roleField->is_string())
        return HttpResponse::error(400, "role is required: admin, operator or viewer");
    const auto role = auth::parseRole(roleField->get<std::string>());
    if (!role)
        return HttpResponse::error(400, "role must be admin, operator or viewer, got " +
                                            sy::quoted(roleField->get<std::string>()));
    if (passwordField == body->end() || !passwordField->is_string())
        return HttpResponse::error(400, "password is required (a string)");
    const auto password = passwordField->get<std::string>();
    if (password.size() < kMinPassword || password.size() > kMaxPassword)
        return HttpResponse::error(400, "password must be " + std::to_string(kMinPassword) +
                                            " to " + std::to_string(kMaxPassword) + " characters");
    auto stored = ctx.core.store().putUser(name, auth::hashPassword(password),
                                           std::string(auth::toString(*role)));
    if (!stored)
        return errorResponse(stored.error());
    // Earlier tokens and API keys are revoked in the store; their open event streams end too.
    ctx.streams->closeUser(name);
    return HttpResponse::json(200, {{"name", name}, {"role", auth::toString(*role)}});
}

HttpResponse listUsers(ApiContext& ctx) {
    auto users = ctx.core.store().listUsers();
    if (!users)
        return errorResponse(users.error());
    auto out = nlohmann::json::array();
    for (const auto& u : *users)
        out.push_back({{"name", u.name}, {"role", u.role}, {"createdMs", u.createdMs}});
    return HttpResponse::json(200, out);
}

HttpResponse deleteUser(ApiContext& ctx, const ApiRequest& r) {
    const std::string& name = r.param("name");
    if (r.caller && r.caller->subject == name)
        return HttpResponse::error(409, "you cannot delete your own user " + sy::quoted(name));
    auto done = ctx.core.store().deleteUser(name);
    if (!done)
        return done.error().code == "not_found"
                   ? HttpResponse::error(404, "no user " + sy::quoted(name))
                   : errorResponse(done.error());
    ctx.streams->closeUser(name);
    return HttpResponse::json(200, nlohmann::json::object());
}

// An API key: a bearer token for an existing user with a long lifetime, for encoders and scripts
// that cannot log in (publish routing of a group with stream tokens needs an operator). It works
// while it is listed (stored by id, never the key itself) and the user's password and role stay
// as they were.
HttpResponse issueApiKey(ApiContext& ctx, const ApiRequest& r) {
    const std::string& name = r.param("name");
    QueryReader q(r.http);
    const auto days = q.integer("days", 365, 1, 3650);
    if (auto bad = q.error())
        return *bad;
    auto user = ctx.core.store().getUser(name);
    if (!user)
        return user.error().code == "not_found"
                   ? HttpResponse::error(404, "no user " + sy::quoted(name))
                   : errorResponse(user.error());
    const auto role = auth::parseRole(user->role);
    if (!role)
        return HttpResponse::error(409, "user " + sy::quoted(name) + " has no valid role");
    const std::int64_t ttl = days * 86400;
    const std::string key = issueUserToken(ctx.tokens, *user, *role, {{"kind", "apikey"}}, ttl);
    auto claims = ctx.tokens.verify(key);
    if (!claims)
        return HttpResponse::error(500,
                                   "the new API key does not verify: " + claims.error().message);
    const store::ApiKeyRecord record{claims->id, name, user->role, claims->issuedAt * 1000,
                                     claims->expiresAt * 1000};
    if (auto stored = ctx.core.store().createApiKey(record, user->credentialVersion); !stored)
        return errorResponse(stored.error());
    return HttpResponse::json(200, {{"apiKey", key},
                                    {"id", record.id},
                                    {"username", name},
                                    {"role", user->role},
                                    {"expiresAt", claims->expiresAt},
                                    {"expiresMs", record.expiresMs}});
}

// The user's API keys without the keys themselves: what an operator needs to pick one to revoke.
HttpResponse listApiKeys(ApiContext& ctx, const ApiRequest& r) {
    const std::string& name = r.param("name");
    if (auto user = ctx.core.store().getUser(name); !user)
        return user.error().code == "not_found"
                   ? HttpResponse::error(404, "no user " + sy::quoted(name))
                   : errorResponse(user.error());
    auto keys = ctx.core.store().listApiKeys(name);
    if (!keys)
        return errorResponse(keys.error());
    auto out = nlohmann::json::array();
    for (const auto& k : *keys)
        out.push_back({{"id", k.id},
                       {"role", k.role},
                       {"createdMs", k.createdMs},
                       {"expiresMs", k.expiresMs}});
    return HttpResponse::json(200, out);
}

HttpResponse revokeApiKey(ApiContext& ctx, const ApiRequest& r) {
    const std::string& name = r.param("name");
    const std::string& id = r.param("id");
    if (auto done = ctx.core.store().deleteApiKey(name, id); !done)
        return done.error().code == "not_found"
                   ? HttpResponse::error(404, "user " + sy::quoted(name) + " has no API key " +
                                                  sy::quoted(id))
                   : errorResponse(done.error());
    ctx.streams->closeToken(id);
    return HttpResponse::json(200, nlohmann::json::object());
}

} // namespace

void addAuthRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    add({"PUT",
         "/as/v1/auth/login",
         std::nullopt,
         "auth",
         "Log in with Basic credentials; returns a bearer token (JWT HS256)",
         {},
         "",
         "Token",
         200,
         [&ctx](const ApiRequest& r) {
             return login(ctx, r);
         }});
    add({"GET",
         "/as/v1/admin/users",
         Role::Admin,
         "admin",
         "List users and their roles",
         {},
         "",
         "UserList",
         200,
         [&ctx](const ApiRequest&) {
             return listUsers(ctx);
         }});
    add({"PUT",
         "/as/v1/admin/users/{name}",
         Role::Admin,
         "admin",
         "Create a user or change its password and role; revokes its earlier tokens and API keys",
         {},
         "UserRequest",
         "User",
         200,
         [&ctx](const ApiRequest& r) {
             return putUser(ctx, r);
         }});
    add({"POST",
         "/as/v1/admin/users/{name}/apikey",
         Role::Admin,
         "admin",
         "An API key for the user: a bearer token valid for `days`; deleting the user, or "
         "changing its password or role, revokes it",
         {{"days", "integer", "lifetime in days, 1-3650 (365)"}},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return issueApiKey(ctx, r);
         }});
    add({"GET",
         "/as/v1/admin/users/{name}/apikey",
         Role::Admin,
         "admin",
         "The user's API keys: id, role, createdMs and expiresMs (never the key itself)",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return listApiKeys(ctx, r);
         }});
    add({"DELETE",
         "/as/v1/admin/users/{name}/apikey/{id}",
         Role::Admin,
         "admin",
         "Revoke one API key of the user; its event streams close",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return revokeApiKey(ctx, r);
         }});
    add({"DELETE",
         "/as/v1/admin/users/{name}",
         Role::Admin,
         "admin",
         "Delete a user; its tokens, API keys and event streams stop at once",
         {},
         "",
         "",
         200,
         [&ctx](const ApiRequest& r) {
             return deleteUser(ctx, r);
         }});
}

} // namespace sy::api
