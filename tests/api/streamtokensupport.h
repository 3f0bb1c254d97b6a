#pragma once
// For tests of stream access over the API fixture: a stream-token codec with the core's own
// master secret, read where the core keeps it (DATADIR/stream-tokens/jwt.secret), so that tokens
// the core hands out are checked with the key they must be signed with, and tokens the core must
// refuse (expired, for another group) can be made with the right key.

#include "tests/api/apifixture.h"

#include "core/auth/secret.h"
#include "core/auth/streamtoken.h"

#include <filesystem>
#include <functional>
#include <optional>

namespace apitest {

// nullopt when the core has no secret file there (the test then fails, naming it).
inline std::optional<sy::auth::StreamTokenCodec>
coreStreamCodec(ApiFixture& f, std::function<std::int64_t()> clockSeconds = {}) {
    // The fixture's data directory is the parent of the media layer's file root.
    const auto dataDir = f.media().policy().fileRoots.at(0).parent_path();
    const auto dir = dataDir / "stream-tokens";
    if (!std::filesystem::exists(dir / sy::auth::kSecretFileName))
        return std::nullopt;
    auto secret = sy::auth::loadOrCreateSecret(dir, {});
    if (!secret)
        return std::nullopt;
    auto codec = sy::auth::StreamTokenCodec::create(*secret, std::move(clockSeconds));
    if (!codec)
        return std::nullopt;
    return std::move(codec).value();
}

} // namespace apitest
