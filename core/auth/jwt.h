#pragma once
// HS256 JSON Web Tokens (RFC 7519) for the REST API, following the JWT best current practices of
// RFC 8725: the algorithm is fixed by configuration and never chosen by the token, the token type
// is checked so that tokens of one kind cannot pass as another, and every claim is checked only
// after the signature.

#include "core/auth/base64.h" // base64UrlEncode / base64UrlDecode, part of this API
#include "core/auth/roles.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sy::auth {

struct JwtConfig {
    std::string secret; // raw key bytes, at least 32 (the HMAC-SHA256 output size, RFC 7518 §3.2)
    std::string issuer = "switchyard";
    std::string audience = "switchyard-api";
    // The header's `typ`: stream tokens use another value, so they never pass as API tokens.
    std::string type = "JWT";
    std::int64_t ttlSeconds = 400 * 60;  // Red5 Pro Stream Manager 2.0 issues 400-minute tokens
    std::int64_t leewaySeconds = 30;     // clock skew tolerated on exp, nbf and iat
    std::function<std::int64_t()> clock; // epoch seconds; empty means the system clock
};

struct Claims {
    std::string subject;
    Role role = Role::Viewer;
    std::int64_t issuedAt = 0;
    std::int64_t expiresAt = 0;
    std::string id; // jti: random, so that a token can later be revoked by id
    nlohmann::json extra = nlohmann::json::object(); // every claim not listed above
};

// "2026-11-24T08:01:12Z" for messages; numbers outside what gmtime handles stay numbers.
std::string formatUtc(std::int64_t epochSeconds);

// Splits "a.b.c" into exactly three segments (header, payload, signature); nullopt otherwise.
std::optional<std::array<std::string_view, 3>> splitToken(std::string_view token);

// Tokens longer than this are refused unread: no legitimate token comes near it.
inline constexpr std::size_t kMaxTokenSize = 8 * 1024;

class JwtCodec {
public:
    // Fails with "weak_secret" when the secret is shorter than 32 bytes and "bad_config" when the
    // ttl is not positive or the leeway negative.
    static Result<JwtCodec> create(JwtConfig config);

    // A signed token valid from now for ttlSeconds. `extra` (an object) adds claims; the
    // registered claims (sub, roles, iss, aud, iat, nbf, exp, jti) cannot be overridden through it.
    std::string issue(const std::string& subject, Role role,
                      nlohmann::json extra = nlohmann::json::object()) const;
    // The same with another lifetime (> 0): API keys for encoders and scripts that cannot log in.
    std::string issue(const std::string& subject, Role role, nlohmann::json extra,
                      std::int64_t ttlSeconds) const;

    // Error codes: malformed, bad_algorithm, bad_type, bad_signature, expired, not_yet_valid,
    // bad_issuer, bad_audience, bad_claims. Never throws, whatever the input.
    Result<Claims> verify(std::string_view token) const;

private:
    explicit JwtCodec(JwtConfig config);
    std::int64_t now() const;
    std::string sign(std::string_view signingInput) const;
    Result<Claims> checkClaims(const nlohmann::json& payload) const;

    JwtConfig config_;
};

} // namespace sy::auth
