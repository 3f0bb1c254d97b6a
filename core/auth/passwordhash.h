#pragma once
// Password hashes for API users: PBKDF2-HMAC-SHA256 with a random salt, stored as one string
// "pbkdf2-sha256$<iterations>$<base64 salt>$<base64 key>" so the cost can rise over time while
// old hashes still verify.

#include <string>
#include <string_view>

namespace sy::auth {

// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
inline constexpr int kDefaultPasswordIterations = 600000;
// Hashes outside this range are refused: below is too weak to trust, above is a denial of service.
inline constexpr int kMinPasswordIterations = 1000;
inline constexpr int kMaxPasswordIterations = 10000000;

// `iterations` is clamped to the accepted range, so every hash produced here verifies.
std::string hashPassword(std::string_view password, int iterations = kDefaultPasswordIterations);

// Constant-time comparison of the derived keys. A malformed encoding verifies false.
bool verifyPassword(std::string_view password, std::string_view encoded);

// A hash (default cost) of a random password, computed once: verifying against it when the user
// does not exist costs as long as for a real user, so response times do not reveal user names.
std::string dummyHash();

} // namespace sy::auth
