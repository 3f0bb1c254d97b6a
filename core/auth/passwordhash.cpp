#include "core/auth/passwordhash.h"

#include "core/auth/base64.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace sy::auth {

namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kKeySize = 32;
constexpr std::size_t kMaxSaltSize = 64;

std::optional<std::string> derive(std::string_view password, std::string_view salt,
                                  int iterations) {
    std::string key(kKeySize, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()), iterations, EVP_sha256(),
                          static_cast<int>(key.size()),
                          reinterpret_cast<unsigned char*>(key.data())) != 1)
        return std::nullopt;
    return key;
}

// Digits only (no sign, no spaces), within the accepted range.
std::optional<int> parseIterations(std::string_view text) {
    if (text.empty() || text.size() > 8)
        return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value < kMinPasswordIterations || value > kMaxPasswordIterations)
        return std::nullopt;
    return value;
}

std::string randomBytes(std::size_t n) {
    std::string bytes(n, '\0');
    // No error path exists for a hash; a failing generator must not yield predictable salts.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1)
        std::abort();
    return bytes;
}

} // namespace

std::string hashPassword(std::string_view password, int iterations) {
    iterations = std::clamp(iterations, kMinPasswordIterations, kMaxPasswordIterations);
    const std::string salt = randomBytes(kSaltSize);
    const auto key = derive(password, salt, iterations);
    if (!key)
        std::abort(); // only on allocation failure inside OpenSSL
    return std::string(kScheme) + '$' + std::to_string(iterations) + '$' + base64Encode(salt) +
           '$' + base64Encode(*key);
}

bool verifyPassword(std::string_view password, std::string_view encoded) {
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
        const auto sep = encoded.find('$');
        if (sep == std::string_view::npos)
            return false;
        parts[i] = encoded.substr(0, sep);
        encoded.remove_prefix(sep + 1);
    }
    parts[3] = encoded;
    if (parts[0] != kScheme || parts[3].find('$') != std::string_view::npos)
        return false;
    const auto iterations = parseIterations(parts[1]);
    const auto salt = base64Decode(parts[2]);
    const auto expected = base64Decode(parts[3]);
    if (!iterations || !salt || salt->empty() || salt->size() > kMaxSaltSize || !expected ||
        expected->size() != kKeySize)
        return false;
    const auto key = derive(password, *salt, *iterations);
    return key && CRYPTO_memcmp(key->data(), expected->data(), kKeySize) == 0;
}

std::string dummyHash() {
    static const std::string hash = hashPassword(randomBytes(24));
    return hash;
}

} // namespace sy::auth
