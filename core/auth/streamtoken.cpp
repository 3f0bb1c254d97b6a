#include "core/auth/streamtoken.h"

#include "core/auth/base64.h"
#include "core/auth/jwt.h" // kMaxTokenSize, splitToken, formatUtc
#include "core/model/jsontext.h"

#include <nlohmann/json.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>

// A dedicated HS256 codec rather than one JwtCodec per group: JwtCodec fixes the lifetime in its
// configuration (a stream token's is chosen per call) and requires the API's `roles` and `iss`
// claims, which mean nothing here. The rules are the same: the algorithm and type are compared,
// never chosen by the token, and the payload is not even decoded before the signature matches.
//
// verify() runs on every on_publish / on_play, so its path is kept short: the group's HMAC state
// after the key block is computed once per group, the usual header is compared as text, and the
// payload is read by a SAX handler that keeps only the claims it checks.

namespace sy::auth {

using nlohmann::json;

namespace {

constexpr std::size_t kMinSecret = 32;
constexpr std::int64_t kLeewaySeconds = 30;
constexpr std::string_view kKeyLabel = "switchyard/stream-token/v1/";
constexpr std::string_view kType = "sy-stream+jwt";
// One audience for every group: the group is bound by its key. Tokens travel in the stream name's
// arguments, and nginx-rtmp keeps at most 255 bytes of "name?args": every claim costs room.
constexpr std::string_view kAudience = "sy-stream";
constexpr std::string_view kRelayPrefix = "sy-relay.";
constexpr std::size_t kMaxCachedGroups = 4096; // far above any real cluster; bounds odd callers
constexpr std::size_t kMacTextSize = 43;       // 32 bytes in unpadded base64url
constexpr std::size_t kBlockSize = 64;         // SHA-256's

using Mac = std::array<unsigned char, 32>;

struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The header issue() writes, and the fast path of verify(): this exact text needs no parsing.
const std::string& canonicalHeader() {
    static const std::string text =
        base64UrlEncode(R"({"alg":"HS256","typ":")" + std::string(kType) + R"("})");
    return text;
}

std::int64_t systemClock() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) {
    if (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b)
        return std::numeric_limits<std::int64_t>::max();
    return a + b;
}

// Unpadded base64url of a MAC without a heap allocation. verify() compares texts: the strict
// decoder accepts one text per byte string, so equal texts are exactly equal MACs.
std::array<char, kMacTextSize> macText(const Mac& mac) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::array<char, kMacTextSize> out{};
    std::size_t o = 0;
    std::size_t i = 0;
    for (; i + 3 <= mac.size(); i += 3) {
        const std::uint32_t n = mac[i] << 16 | mac[i + 1] << 8 | mac[i + 2];
        out[o++] = alphabet[n >> 18 & 63];
        out[o++] = alphabet[n >> 12 & 63];
        out[o++] = alphabet[n >> 6 & 63];
        out[o++] = alphabet[n & 63];
    }
    const std::uint32_t n = mac[i] << 16 | mac[i + 1] << 8; // 32 bytes = 10 * 3 + 2
    out[o++] = alphabet[n >> 18 & 63];
    out[o++] = alphabet[n >> 12 & 63];
    out[o++] = alphabet[n >> 6 & 63];
    return out;
}

std::string hex(const Mac& mac) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(mac.size() * 2);
    for (unsigned char b : mac) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string randomId() {
    unsigned char bytes[9]; // 72 bits: unique among the tokens of one ttl, and short
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        std::abort(); // as in jwt.cpp: a broken generator must not go unnoticed
    return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// A value from the token for a message: short printable text is shown, anything else is not
// (messages end up in logs and HTTP answers).
std::string shown(const std::optional<std::string>& value) {
    if (!value)
        return "missing";
    if (value->size() > 64)
        return "\"" + value->substr(0, 61) + "...\"";
    for (char c : *value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"')
            return "unprintable";
    return "\"" + *value + "\"";
}

std::optional<std::string> stringMember(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

// Headers other than the canonical one are read in full: another JOSE library may spell the same
// header differently, and a refused one must say why.
std::optional<Error> checkHeader(std::string_view segment) {
    if (segment == canonicalHeader())
        return std::nullopt;
    const auto text = base64UrlDecode(segment);
    if (!text)
        return Error{"malformed", "the token's header is not unpadded base64url"};
    const json header = model::parseJsonOrNull(*text);
    if (!header.is_object())
        return Error{"malformed", "the token's header is not a JSON object"};
    const auto alg = stringMember(header, "alg");
    if (alg != "HS256")
        return Error{"bad_algorithm",
                     "the token's algorithm is " + shown(alg) + "; stream tokens use HS256 only"};
    const auto typ = stringMember(header, "typ");
    if (typ != kType)
        return Error{"bad_type", "the token's type is " + shown(typ) + ", not \"" +
                                     std::string(kType) + "\": it is no stream token"};
    if (header.contains("crit"))
        return Error{"malformed", "the token's header has critical extensions, none are supported"};
    return std::nullopt;
}

// A NumericDate claim (RFC 7519 §2) as read: absent, present but no number, or seconds
// (fractions dropped, out-of-range values saturated so a huge exp means "far future").
struct Date {
    bool present = false;
    std::optional<std::int64_t> seconds;
};

// The claims verify() checks, read straight from the lexer: no DOM, no map nodes. A repeated
// member keeps its last value, as the DOM parser does; anything but an object at the top level
// stops the parse.
class ClaimReader final : public nlohmann::json_sax<json> {
public:
    ClaimReader() = default;

    Date exp, nbf, iat;
    bool audMatches = false;                       // the string "sy-stream", or an array holding it
    std::optional<std::string> sgd, act, sub, jti; // nullopt: absent or not a string

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t v) override { return number(v); }
    bool number_unsigned(number_unsigned_t v) override {
        constexpr auto max = std::numeric_limits<std::int64_t>::max();
        return number(v > static_cast<std::uint64_t>(max) ? max : static_cast<std::int64_t>(v));
    }
    bool number_float(number_float_t v, const string_t&) override {
        const double d = std::floor(v);
        if (!std::isfinite(d))
            return scalar();
        if (d >= 9.2e18)
            return number(std::numeric_limits<std::int64_t>::max());
        if (d <= -9.2e18)
            return number(std::numeric_limits<std::int64_t>::min());
        return number(static_cast<std::int64_t>(d));
    }
    bool string(string_t& v) override {
        if (depth_ == 2 && inAudArray_)
            audMatches = audMatches || isOurAudience(v);
        if (depth_ != 1)
            return depth_ > 0;
        switch (member_) {
        case Member::Aud:
            audMatches = isOurAudience(v);
            return true;
        case Member::Sgd:
            sgd = v;
            return true;
        case Member::Act:
            act = v;
            return true;
        case Member::Sub:
            sub = v;
            return true;
        case Member::Jti:
            jti = v;
            return true;
        default:
            return scalar();
        }
    }
    bool binary(binary_t&) override { return false; } // JSON text has none
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t& name) override {
        if (depth_ == 1)
            member_ = memberOf(name);
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override {
        if (depth_ == 0)
            return false; // the payload must be an object
        const bool audArray = depth_ == 1 && member_ == Member::Aud;
        open();
        inAudArray_ = inAudArray_ || audArray;
        return true;
    }
    bool end_array() override {
        if (depth_ == 2)
            inAudArray_ = false;
        return close();
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

private:
    enum class Member { Other, Exp, Nbf, Iat, Aud, Sgd, Act, Sub, Jti };

    static Member memberOf(std::string_view name) {
        static constexpr std::pair<std::string_view, Member> names[] = {
            {"exp", Member::Exp}, {"nbf", Member::Nbf}, {"iat", Member::Iat}, {"aud", Member::Aud},
            {"sgd", Member::Sgd}, {"act", Member::Act}, {"sub", Member::Sub}, {"jti", Member::Jti}};
        for (const auto& entry : names)
            if (name == entry.first)
                return entry.second;
        return Member::Other;
    }

    bool isOurAudience(std::string_view aud) const { return aud == kAudience; }

    Date* date() {
        switch (member_) {
        case Member::Exp:
            return &exp;
        case Member::Nbf:
            return &nbf;
        case Member::Iat:
            return &iat;
        default:
            return nullptr;
        }
    }

    // The current top-level member has a value of another type than its claim's.
    void mistyped() {
        if (Date* d = date())
            *d = Date{true, std::nullopt};
        switch (member_) {
        case Member::Aud:
            audMatches = false;
            break;
        case Member::Sgd:
            sgd.reset();
            break;
        case Member::Act:
            act.reset();
            break;
        case Member::Sub:
            sub.reset();
            break;
        case Member::Jti:
            jti.reset();
            break;
        default:
            break;
        }
    }

    bool scalar() {
        if (depth_ == 1)
            mistyped();
        return depth_ > 0;
    }

    bool number(std::int64_t seconds) {
        if (depth_ != 1)
            return depth_ > 0;
        if (Date* d = date())
            *d = Date{true, seconds};
        else
            mistyped();
        return true;
    }

    bool open() {
        if (depth_ == 1)
            mistyped(); // an object or an array as a member's value
        ++depth_;
        return true;
    }

    bool close() {
        --depth_;
        return true;
    }

    int depth_ = 0;
    Member member_ = Member::Other;
    bool inAudArray_ = false;
};

// The claims of an authentic payload, checked against the request at time t.
Result<StreamTokenClaims> checkClaims(ClaimReader& claims, std::int64_t t,
                                      const std::string& nodeGroup, const std::string& streamGuid,
                                      StreamAction action) {
    if (!claims.exp.seconds)
        return fail("bad_claims", "the token has no valid exp claim");
    const std::int64_t exp = *claims.exp.seconds;
    if (exp <= t - kLeewaySeconds)
        return fail("expired", "the token expired at " + formatUtc(exp));
    for (const auto& [name, date] :
         {std::pair{"nbf", &claims.nbf}, std::pair{"iat", &claims.iat}}) {
        if (date->present && !date->seconds)
            return fail("bad_claims",
                        std::string("the token's ") + name + " claim is not a number");
        if (date->seconds && *date->seconds > t + kLeewaySeconds)
            return fail("not_yet_valid", std::string("the token's ") + name +
                                             " is in the future (" + formatUtc(*date->seconds) +
                                             ")");
    }
    if (!claims.audMatches)
        return fail("bad_audience", "the token is not meant for node group \"" + nodeGroup +
                                        "\" (its audience is not \"" + std::string(kAudience) +
                                        "\")");

    if (!claims.sgd)
        return fail("bad_claims", "the token names no stream (sgd claim)");
    if (*claims.sgd != streamGuid)
        return fail("wrong_stream", "the token is for stream " + shown(claims.sgd) + ", not \"" +
                                        streamGuid + "\"");
    if (claims.act != "publish" && claims.act != "play")
        return fail("bad_claims", "the token's act claim is " + shown(claims.act) +
                                      ", neither \"publish\" nor \"play\"");
    if (*claims.act != toString(action))
        return fail("wrong_action",
                    "the token allows " + *claims.act + ", not " + std::string(toString(action)));
    if (!claims.jti || claims.jti->empty())
        return fail("bad_claims", "the token has no id (jti claim)");

    StreamTokenClaims out;
    out.nodeGroup = nodeGroup;
    out.streamGuid = streamGuid;
    out.action = action;
    out.subject = claims.sub.value_or("");
    out.id = std::move(*claims.jti);
    out.issuedAt = claims.iat.seconds.value_or(0);
    out.expiresAt = exp;
    return out;
}

} // namespace

// A group's HMAC states after the first block (key ^ ipad, key ^ opad: RFC 2104), so that a MAC
// costs two context copies and the message's blocks. Immutable once built; the key itself is not
// kept.
struct StreamTokenCodec::GroupKeys {
    MdCtx inner;
    MdCtx outer;

    static std::shared_ptr<const GroupKeys> derive(const std::string& master,
                                                   const std::string& nodeGroup) {
        auto keys = std::make_shared<GroupKeys>();
        std::string label;
        label.reserve(kKeyLabel.size() + nodeGroup.size());
        label.append(kKeyLabel).append(nodeGroup);
        Mac key{};
        unsigned int size = 0;
        bool ok = HMAC(EVP_sha256(), master.data(), static_cast<int>(master.size()),
                       reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                       key.data(), &size) != nullptr;
        std::array<unsigned char, kBlockSize> ipad{};
        std::array<unsigned char, kBlockSize> opad{};
        for (std::size_t i = 0; i < kBlockSize; ++i) {
            const unsigned char k = i < key.size() ? key[i] : 0;
            ipad[i] = k ^ 0x36;
            opad[i] = k ^ 0x5c;
        }
        keys->inner.reset(EVP_MD_CTX_new());
        keys->outer.reset(EVP_MD_CTX_new());
        ok = ok && keys->inner && keys->outer &&
             EVP_DigestInit_ex(keys->inner.get(), EVP_sha256(), nullptr) == 1 &&
             EVP_DigestUpdate(keys->inner.get(), ipad.data(), ipad.size()) == 1 &&
             EVP_DigestInit_ex(keys->outer.get(), EVP_sha256(), nullptr) == 1 &&
             EVP_DigestUpdate(keys->outer.get(), opad.data(), opad.size()) == 1;
        OPENSSL_cleanse(key.data(), key.size());
        OPENSSL_cleanse(ipad.data(), ipad.size());
        OPENSSL_cleanse(opad.data(), opad.size());
        if (!ok)
            std::abort(); // out of memory inside OpenSSL: no token can be issued or checked
        return keys;
    }

    // HMAC-SHA256(key, data); false only when OpenSSL cannot allocate.
    bool mac(std::string_view data, Mac& out) const {
        const MdCtx ctx(EVP_MD_CTX_new());
        unsigned int size = 0;
        return ctx && EVP_MD_CTX_copy_ex(ctx.get(), inner.get()) == 1 &&
               EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
               EVP_DigestFinal_ex(ctx.get(), out.data(), &size) == 1 &&
               EVP_MD_CTX_copy_ex(ctx.get(), outer.get()) == 1 &&
               EVP_DigestUpdate(ctx.get(), out.data(), out.size()) == 1 &&
               EVP_DigestFinal_ex(ctx.get(), out.data(), &size) == 1;
    }

    Mac macOrAbort(std::string_view data) const {
        Mac out{};
        if (!mac(data, out))
            std::abort(); // issue() has no error path, and a wrong MAC must never be handed out
        return out;
    }
};

std::string_view toString(StreamAction a) {
    return a == StreamAction::Publish ? "publish" : "play";
}

Result<StreamTokenCodec> StreamTokenCodec::create(std::string masterSecret,
                                                  std::function<std::int64_t()> clock) {
    if (masterSecret.size() < kMinSecret)
        return fail("weak_secret", "the stream token secret has " +
                                       std::to_string(masterSecret.size()) +
                                       " bytes; at least 32 are required");
    StreamTokenCodec codec;
    codec.master_ = std::move(masterSecret);
    codec.clock_ = clock ? std::move(clock) : systemClock;
    return codec;
}

std::int64_t StreamTokenCodec::now() const {
    return clock_();
}

std::shared_ptr<const StreamTokenCodec::GroupKeys>
StreamTokenCodec::groupKeys(const std::string& nodeGroup) const {
    std::lock_guard lock(cache_->mutex);
    const auto it = cache_->keys.find(nodeGroup);
    if (it != cache_->keys.end())
        return it->second;
    auto keys = GroupKeys::derive(master_, nodeGroup);
    if (cache_->keys.size() >= kMaxCachedGroups)
        cache_->keys.clear(); // holders keep their shared_ptr
    cache_->keys.emplace(nodeGroup, keys);
    return keys;
}

std::string StreamTokenCodec::issue(const std::string& nodeGroup, const std::string& streamGuid,
                                    StreamAction action, std::int64_t ttlSeconds,
                                    const std::string& subject) const {
    assert(ttlSeconds > 0);
    const std::int64_t issuedAt = now();
    (void)subject; // not carried: see kAudience (the grant is logged where it is made)
    const json payload = {{"aud", kAudience},
                          {"sgd", streamGuid},
                          {"act", toString(action)},
                          {"exp", saturatingAdd(issuedAt, std::max<std::int64_t>(ttlSeconds, 1))},
                          {"jti", randomId()}};
    // `replace` keeps dump() from throwing on invalid UTF-8 in a caller's names.
    std::string token =
        canonicalHeader() + '.' +
        base64UrlEncode(payload.dump(-1, ' ', false, json::error_handler_t::replace));
    const auto mac = macText(groupKeys(nodeGroup)->macOrAbort(token));
    token += '.';
    token.append(mac.data(), mac.size());
    return token;
}

Result<StreamTokenClaims> StreamTokenCodec::verify(std::string_view token,
                                                   const std::string& nodeGroup,
                                                   const std::string& streamGuid,
                                                   StreamAction action) const {
    if (token.size() > kMaxTokenSize)
        return fail("malformed", "the token has " + std::to_string(token.size()) +
                                     " bytes, more than the limit of 8 KiB");
    const auto segments = splitToken(token);
    if (!segments)
        return fail("malformed", "the token does not have three dot-separated segments");
    if (auto error = checkHeader((*segments)[0]))
        return unexpected(std::move(*error));

    const std::string_view signature = (*segments)[2];
    const std::string_view signingInput = token.substr(0, token.size() - signature.size() - 1);
    Mac mac{};
    if (!groupKeys(nodeGroup)->mac(signingInput, mac))
        return fail("bad_signature", "the token's signature cannot be computed (out of memory)");
    const auto expected = macText(mac);
    if (signature.size() != kMacTextSize ||
        CRYPTO_memcmp(signature.data(), expected.data(), kMacTextSize) != 0)
        return fail("bad_signature",
                    "the token's signature does not match the key of node group \"" + nodeGroup +
                        "\"");

    // Only now is the payload authentic; it is not even decoded before.
    const auto payloadText = base64UrlDecode((*segments)[1]);
    if (!payloadText)
        return fail("malformed", "the token's payload is not unpadded base64url");
    ClaimReader claims;
    if (!json::sax_parse(*payloadText, &claims))
        return fail("malformed", "the token's payload is not a JSON object");
    return checkClaims(claims, now(), nodeGroup, streamGuid, action);
}

std::string StreamTokenCodec::relayCredential(const std::string& nodeGroup,
                                              const std::string& nodeId) const {
    return std::string(kRelayPrefix) + nodeId + '.' +
           hex(groupKeys(nodeGroup)->macOrAbort("relay/" + nodeId));
}

std::optional<std::string> StreamTokenCodec::relayNode(const std::string& nodeGroup,
                                                       std::string_view credential) const {
    constexpr std::size_t hexSize = 64;
    if (credential.size() > kMaxTokenSize ||
        credential.substr(0, kRelayPrefix.size()) != kRelayPrefix)
        return std::nullopt;
    const auto dot = credential.rfind('.');
    if (dot < kRelayPrefix.size() + 1 || credential.size() - dot - 1 != hexSize)
        return std::nullopt; // no node id, or not a whole MAC
    std::string nodeId(credential.substr(kRelayPrefix.size(), dot - kRelayPrefix.size()));
    const std::string expected = relayCredential(nodeGroup, nodeId);
    if (expected.size() != credential.size() ||
        CRYPTO_memcmp(expected.data(), credential.data(), expected.size()) != 0)
        return std::nullopt;
    return nodeId;
}

ReplayCache::ReplayCache(std::function<std::int64_t()> clock)
    : clock_(clock ? std::move(clock) : systemClock) {}

std::int64_t ReplayCache::now() const {
    return clock_();
}

bool ReplayCache::firstUse(const std::string& id, std::int64_t expiresAt) {
    const std::int64_t t = now();
    std::lock_guard lock(mutex_);
    prune(t);
    // Kept as long as the codec would still accept the token: until exp + leeway.
    const std::int64_t until = saturatingAdd(expiresAt, kLeewaySeconds);
    if (!seen_.try_emplace(id, until).second)
        return false;
    byExpiry_.emplace(until, id);
    return true;
}

std::size_t ReplayCache::size() const {
    std::lock_guard lock(mutex_);
    return seen_.size();
}

void ReplayCache::prune(std::int64_t now) {
    while (!byExpiry_.empty() && byExpiry_.begin()->first <= now) {
        seen_.erase(byExpiry_.begin()->second);
        byExpiry_.erase(byExpiry_.begin());
    }
}

} // namespace sy::auth
