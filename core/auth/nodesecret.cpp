#include "core/auth/nodesecret.h"

#include "core/auth/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace sy::auth {

namespace {

// A label of its own, so a node secret is never a key or MAC used anywhere else.
constexpr std::string_view kLabel = "switchyard/node-secret/v1/";

} // namespace

Result<std::shared_ptr<const NodeSecrets>> NodeSecrets::open(const std::filesystem::path& dir) {
    auto master = loadOrCreateSecret(dir, {});
    if (!master)
        return fail(master.error().code, "node secrets: " + master.error().message);
    return create(std::move(master).value());
}

Result<std::shared_ptr<const NodeSecrets>> NodeSecrets::create(std::string master) {
    if (master.size() < 32)
        return fail("weak_secret", "the node secrets' master key needs at least 32 bytes");
    return std::shared_ptr<const NodeSecrets>(new NodeSecrets(std::move(master)));
}

std::string NodeSecrets::secretFor(std::string_view nodeId) const {
    const std::string data = std::string(kLabel) + std::string(nodeId);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), master_.data(), static_cast<int>(master_.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len))
        return {}; // OpenSSL out of memory: an empty secret matches nothing and fails validation
    constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

bool NodeSecrets::matches(std::string_view nodeId, std::string_view presented) const {
    const auto expected = secretFor(nodeId);
    // The length of a secret is public (64); only its bytes are compared in constant time.
    return !expected.empty() && presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

} // namespace sy::auth
