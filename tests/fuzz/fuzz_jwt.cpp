// Feeds arbitrary bytes to the token verifier, the base64url codec and the password-hash parser:
// all three read text from the network or the store, so none may crash, throw or hang on it.

#include "core/auth/jwt.h"
#include "core/auth/passwordhash.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

const sy::auth::JwtCodec& codec() {
    static const sy::auth::JwtCodec instance = [] {
        sy::auth::JwtConfig config;
        config.secret = "fuzz-secret-0123456789abcdef-0123456789"; // the corpus is signed with it
        config.clock = [] {
            return std::int64_t{1800000000};
        };
        auto created = sy::auth::JwtCodec::create(std::move(config));
        if (!created.ok())
            std::abort();
        return std::move(created).value();
    }();
    return instance;
}

// Hashes with a high iteration count are valid input but cost up to seconds each; skipping them
// keeps the fuzzer exploring the parser instead of computing PBKDF2.
bool expensiveHash(std::string_view encoded) {
    const auto first = encoded.find('$');
    if (first == std::string_view::npos)
        return false;
    const auto count = encoded.substr(first + 1, encoded.find('$', first + 1) - first - 1);
    return count.size() > 4 || (count.size() == 4 && count > "2000");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto claims = codec().verify(text);
    if (claims.ok() && claims->subject.empty())
        std::abort(); // an accepted token always names its subject

    // Decoding is strict, so a text that decodes is the one canonical spelling of its bytes.
    if (const auto decoded = sy::auth::base64UrlDecode(text);
        decoded && sy::auth::base64UrlEncode(*decoded) != text)
        std::abort();
    const auto again = sy::auth::base64UrlDecode(sy::auth::base64UrlEncode(text));
    if (!again || *again != text)
        std::abort();

    if (!expensiveHash(text))
        (void)sy::auth::verifyPassword("password", text);
    return 0;
}
