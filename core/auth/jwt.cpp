#include "core/auth/jwt.h"

#include "core/model/jsontext.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>

namespace sy::auth {

using nlohmann::json;

namespace {

constexpr std::string_view kAlgorithm = "HS256";
constexpr std::size_t kMacSize = 32;   // SHA-256 output
constexpr std::size_t kMinSecret = 32; // RFC 7518 §3.2: a key at least as long as the MAC

// The claims this codec writes and checks itself; everything else lands in Claims::extra.
constexpr std::array<std::string_view, 8> kRegistered{"sub", "roles", "iss", "aud",
                                                      "iat", "nbf",   "exp", "jti"};

bool isRegistered(std::string_view name) {
    for (auto r : kRegistered)
        if (r == name)
            return true;
    return false;
}

// A NumericDate (RFC 7519 §2): seconds, possibly fractional. Out-of-range values saturate so
// that a huge `exp` means "far future" rather than overflow.
std::optional<std::int64_t> numericDate(const json& value) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(max) ? max : static_cast<std::int64_t>(u);
    }
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (value.is_number_float()) {
        const double d = std::floor(value.get<double>());
        if (!std::isfinite(d))
            return std::nullopt;
        if (d >= 9.2e18)
            return max;
        if (d <= -9.2e18)
            return min;
        return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

std::optional<json> parseObject(std::string_view text) {
    auto value = model::parseJsonText(text); // bounded depth: the header is read unsigned
    if (!value || !value->is_object())
        return std::nullopt;
    return std::move(value).value();
}

std::string randomId() {
    unsigned char bytes[16];
    // A broken random generator must not go unnoticed (the same failure would also break the
    // secret and the password salts), and issue() has no error path for it.
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        std::abort();
    return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool audienceMatches(const json& aud, const std::string& ours) {
    if (aud.is_string())
        return aud.get_ref<const std::string&>() == ours;
    if (aud.is_array())
        for (const auto& item : aud)
            if (item.is_string() && item.get_ref<const std::string&>() == ours)
                return true;
    return false;
}

} // namespace

JwtCodec::JwtCodec(JwtConfig config)
    : config_(std::move(config)) {}

std::string formatUtc(std::int64_t epochSeconds) {
    const auto t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    char text[32];
    if (gmtime_r(&t, &tm) == nullptr || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900 ||
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return std::to_string(epochSeconds);
    return text;
}

std::optional<std::array<std::string_view, 3>> splitToken(std::string_view token) {
    const auto first = token.find('.');
    if (first == std::string_view::npos)
        return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    return std::array{token.substr(0, first), token.substr(first + 1, second - first - 1),
                      token.substr(second + 1)};
}

Result<JwtCodec> JwtCodec::create(JwtConfig config) {
    if (config.secret.size() < kMinSecret)
        return fail("weak_secret", "the JWT secret has " + std::to_string(config.secret.size()) +
                                       " bytes; at least 32 are required");
    if (config.ttlSeconds <= 0)
        return fail("bad_config", "the token lifetime must be positive");
    if (config.leewaySeconds < 0)
        return fail("bad_config", "the clock leeway must not be negative");
    if (!config.clock)
        config.clock = [] {
            return std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
    return JwtCodec(std::move(config));
}

std::int64_t JwtCodec::now() const {
    return config_.clock();
}

std::string JwtCodec::sign(std::string_view signingInput) const {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macSize = 0;
    HMAC(EVP_sha256(), config_.secret.data(), static_cast<int>(config_.secret.size()),
         reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(), mac,
         &macSize);
    return std::string(reinterpret_cast<const char*>(mac), macSize);
}

std::string JwtCodec::issue(const std::string& subject, Role role, json extra) const {
    return issue(subject, role, std::move(extra), config_.ttlSeconds);
}

std::string JwtCodec::issue(const std::string& subject, Role role, json extra,
                            std::int64_t ttlSeconds) const {
    json payload = extra.is_object() ? std::move(extra) : json::object();
    const std::int64_t issuedAt = now();
    payload["sub"] = subject;
    payload["roles"] = roleClaim(role);
    payload["iss"] = config_.issuer;
    payload["aud"] = config_.audience;
    payload["iat"] = issuedAt;
    payload["nbf"] = issuedAt;
    payload["exp"] = issuedAt + std::max<std::int64_t>(ttlSeconds, 1);
    payload["jti"] = randomId();
    const json header = {{"alg", kAlgorithm}, {"typ", config_.type}};

    // `replace` keeps dump() from throwing on invalid UTF-8 in a caller's extra claims.
    const auto dump = [](const json& j) {
        return j.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    std::string token = base64UrlEncode(dump(header)) + '.' + base64UrlEncode(dump(payload));
    const std::string mac = sign(token);
    return token + '.' + base64UrlEncode(mac);
}

Result<Claims> JwtCodec::verify(std::string_view token) const {
    if (token.size() > kMaxTokenSize)
        return fail("malformed", "token of " + std::to_string(token.size()) +
                                     " bytes exceeds the limit of 8 KiB");
    const auto segments = splitToken(token);
    if (!segments)
        return fail("malformed", "token does not have three dot-separated segments");
    const auto headerText = base64UrlDecode((*segments)[0]);
    const auto payloadText = base64UrlDecode((*segments)[1]);
    const auto mac = base64UrlDecode((*segments)[2]);
    if (!headerText || !payloadText || !mac)
        return fail("malformed", "token segment is not unpadded base64url");

    const auto header = parseObject(*headerText);
    if (!header)
        return fail("malformed", "token header is not a JSON object");
    // The algorithm is compared, never used to pick a verifier (RFC 8725 §2.1, §3.1).
    const auto alg = header->find("alg");
    if (alg == header->end() || !alg->is_string() ||
        alg->get_ref<const std::string&>() != kAlgorithm)
        return fail("bad_algorithm", "token algorithm is not HS256");
    const auto typ = header->find("typ");
    if (typ == header->end() || !typ->is_string() ||
        typ->get_ref<const std::string&>() != config_.type)
        return fail("bad_type", "token type is not " + config_.type);
    // RFC 7515 §4.1.11: extensions marked critical must be understood; this codec knows none.
    if (header->contains("crit"))
        return fail("malformed", "token header has critical extensions, none are supported");

    const std::string_view signingInput = token.substr(0, token.rfind('.'));
    const std::string expected = sign(signingInput);
    if (mac->size() != kMacSize || CRYPTO_memcmp(mac->data(), expected.data(), kMacSize) != 0)
        return fail("bad_signature", "token signature does not match");

    // Only now is the payload authentic; it is not even parsed before.
    const auto payload = parseObject(*payloadText);
    if (!payload)
        return fail("malformed", "token payload is not a JSON object");
    return checkClaims(*payload);
}

Result<Claims> JwtCodec::checkClaims(const json& payload) const {
    const std::int64_t t = now();
    const auto date = [&payload](const char* name) -> std::optional<std::int64_t> {
        const auto it = payload.find(name);
        return it == payload.end() ? std::nullopt : numericDate(*it);
    };
    const auto present = [&payload](const char* name) {
        return payload.contains(name);
    };

    const auto exp = date("exp");
    if (!exp)
        return fail("bad_claims", "token has no valid exp claim");
    if (*exp <= t - config_.leewaySeconds)
        return fail("expired", "token expired at " + formatUtc(*exp));
    for (const char* name : {"nbf", "iat"}) {
        const auto value = date(name);
        if (present(name) && !value)
            return fail("bad_claims", std::string("token ") + name + " claim is not a number");
        if (value && *value > t + config_.leewaySeconds)
            return fail("not_yet_valid", std::string("token ") + name + " is in the future (" +
                                             formatUtc(*value) + ")");
    }

    const auto iss = payload.find("iss");
    if (iss == payload.end() || !iss->is_string() ||
        iss->get_ref<const std::string&>() != config_.issuer)
        return fail("bad_issuer", "token was not issued by " + config_.issuer);
    const auto aud = payload.find("aud");
    if (aud == payload.end() || !audienceMatches(*aud, config_.audience))
        return fail("bad_audience", "token is not meant for " + config_.audience);

    Claims claims;
    const auto sub = payload.find("sub");
    if (sub == payload.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty())
        return fail("bad_claims", "token has no subject");
    claims.subject = sub->get<std::string>();
    const auto roles = payload.find("roles");
    const auto role = roles != payload.end() && roles->is_string()
                          ? parseRole(roles->get_ref<const std::string&>())
                          : std::nullopt;
    if (!role)
        return fail("bad_claims", "token roles claim is not a known role");
    claims.role = *role;
    const auto jti = payload.find("jti");
    if (jti != payload.end() && !jti->is_string())
        return fail("bad_claims", "token jti claim is not a string");
    if (jti != payload.end())
        claims.id = jti->get<std::string>();
    claims.issuedAt = date("iat").value_or(0);
    claims.expiresAt = *exp;
    for (auto it = payload.begin(); it != payload.end(); ++it)
        if (!isRegistered(it.key()))
            claims.extra[it.key()] = it.value();
    return claims;
}

} // namespace sy::auth
