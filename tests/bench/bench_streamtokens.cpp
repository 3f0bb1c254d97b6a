// Stream token verifications per second on one thread (every on_publish / on_play callback of a
// node runs one), against two baselines measured in the same run: the API's JwtCodec::verify, and
// a bare HMAC-SHA256 of the same signing input (the cost no HS256 verifier can avoid). Also
// issues per second, and the replay cache of one-time mode with 100,000 live token ids.

#include "core/auth/jwt.h"
#include "core/auth/streamtoken.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace sy::auth;

namespace {

const std::string kMaster = "bench-master-secret-0123456789abcdef-0123456789";
constexpr std::size_t kLiveIds = 100000;

template <class T>
void keep(const T& value) {
    asm volatile("" : : "r"(&value) : "memory");
}

// Calls per second of `body`, run in growing batches for about `seconds` of wall time.
template <class F>
double perSecond(F&& body, double seconds) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    long calls = 0;
    long batch = 64;
    std::chrono::duration<double> elapsed{};
    do {
        for (long i = 0; i < batch; ++i)
            body();
        calls += batch;
        batch = std::min(batch * 2, 1L << 16);
        elapsed = Clock::now() - start;
    } while (elapsed.count() < seconds);
    return static_cast<double>(calls) / elapsed.count();
}

std::string rate(double perSec) {
    char buf[32];
    if (perSec >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f M/s", perSec / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.1f k/s", perSec / 1e3);
    return buf;
}

[[noreturn]] void die(const char* what, const std::string& why) {
    std::printf("bench_streamtokens: %s: %s\n", what, why.c_str());
    std::exit(1);
}

// SHA-256 states after key ^ ipad and key ^ opad (RFC 2104); never freed (the process ends).
struct KeyedSha256 {
    EVP_MD_CTX* inner;
    EVP_MD_CTX* outer;
};

KeyedSha256 keyedSha256(const std::string& key) {
    unsigned char ipad[64];
    unsigned char opad[64];
    for (std::size_t i = 0; i < 64; ++i) {
        const unsigned char k = i < key.size() ? static_cast<unsigned char>(key[i]) : 0;
        ipad[i] = k ^ 0x36;
        opad[i] = k ^ 0x5c;
    }
    KeyedSha256 out{EVP_MD_CTX_new(), EVP_MD_CTX_new()};
    EVP_DigestInit_ex(out.inner, EVP_sha256(), nullptr);
    EVP_DigestUpdate(out.inner, ipad, sizeof ipad);
    EVP_DigestInit_ex(out.outer, EVP_sha256(), nullptr);
    EVP_DigestUpdate(out.outer, opad, sizeof opad);
    return out;
}

void keyedMac(const KeyedSha256& keyed, const std::string& data, unsigned char (&mac)[32]) {
    unsigned int size = 0;
    EVP_MD_CTX* work = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(work, keyed.inner);
    EVP_DigestUpdate(work, data.data(), data.size());
    EVP_DigestFinal_ex(work, mac, &size);
    EVP_MD_CTX_copy_ex(work, keyed.outer);
    EVP_DigestUpdate(work, mac, 32);
    EVP_DigestFinal_ex(work, mac, &size);
    EVP_MD_CTX_free(work);
}

void benchTokens() {
    auto created = StreamTokenCodec::create(kMaster);
    if (!created)
        die("stream codec", created.error().message);
    const StreamTokenCodec codec = std::move(created).value();
    JwtConfig config;
    config.secret = kMaster;
    auto api = JwtCodec::create(config);
    if (!api)
        die("API codec", api.error().message);

    const std::string token =
        codec.issue("eu", "live/stream-0001", StreamAction::Play, 3600, "anonymous");
    const std::string apiToken = api->issue("alice", Role::Operator);
    if (auto r = codec.verify(token, "eu", "live/stream-0001", StreamAction::Play); !r)
        die("stream token refused", r.error().message);
    if (auto r = api->verify(apiToken); !r)
        die("API token refused", r.error().message);

    const double verify = perSecond(
        [&] {
            auto r = codec.verify(token, "eu", "live/stream-0001", StreamAction::Play);
            keep(r);
        },
        2.0);
    const double apiVerify = perSecond(
        [&] {
            auto r = api->verify(apiToken);
            keep(r);
        },
        1.0);
    const std::string signingInput = token.substr(0, token.rfind('.'));
    const std::string key(32, 'k');
    const double bareHmac = perSecond(
        [&] {
            unsigned char mac[EVP_MAX_MD_SIZE];
            unsigned int size = 0;
            HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(),
                 mac, &size);
            keep(mac);
        },
        1.0);
    // The same MAC with the key's first block hashed once, as the stream codec keeps it per group.
    const KeyedSha256 keyed = keyedSha256(key);
    {
        unsigned char a[32];
        unsigned char b[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        keyedMac(keyed, signingInput, a);
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(), b,
             &size);
        if (size != 32 || std::memcmp(a, b, 32) != 0)
            die("cached-key HMAC", "differs from HMAC()");
    }
    const double keyedHmac = perSecond(
        [&] {
            unsigned char mac[32];
            keyedMac(keyed, signingInput, mac);
            keep(mac);
        },
        1.0);
    const double issue = perSecond(
        [&] {
            auto t = codec.issue("eu", "live/stream-0001", StreamAction::Play, 3600, "anonymous");
            keep(t);
        },
        1.0);

    std::printf("stream token verify (valid, 1 thread): %s (%.2f us)\n", rate(verify).c_str(),
                1e6 / verify);
    std::printf("stream token issue:                    %s (%.2f us)\n", rate(issue).c_str(),
                1e6 / issue);
    std::printf("baseline API JwtCodec::verify:         %s (%.2f us), %zu-byte token\n",
                rate(apiVerify).c_str(), 1e6 / apiVerify, apiToken.size());
    std::printf("baseline bare HMAC-SHA256 (%3zu bytes): %s (%.2f us)\n", signingInput.size(),
                rate(bareHmac).c_str(), 1e6 / bareHmac);
    std::printf("baseline HMAC-SHA256, key block cached: %s (%.2f us)\n", rate(keyedHmac).c_str(),
                1e6 / keyedHmac);
    std::printf("ratios: stream verify / API verify %.2f, stream verify / bare HMAC %.2f, "
                "stream verify / cached-key HMAC %.2f\n",
                verify / apiVerify, verify / bareHmac, verify / keyedHmac);
}

// One-time mode with kLiveIds ids alive: the clock advances one second per use and every token
// lives kLiveIds seconds, so each new id is one insertion and, on average, one expiry.
void benchReplayCache() {
    std::vector<std::string> ids;
    ids.reserve(4 * kLiveIds);
    for (std::size_t i = 0; i < 4 * kLiveIds; ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "jti-%016zx-%05zu",
                      static_cast<std::size_t>(i * 0x9e3779b97f4a7c15ULL), i % 99991);
        ids.emplace_back(buf);
    }
    std::int64_t now = 0;
    ReplayCache cache([&now] { return now; });
    std::size_t next = 0;
    const auto use = [&] {
        const bool first =
            cache.firstUse(ids[next % ids.size()], now + static_cast<std::int64_t>(kLiveIds) - 30);
        ++next;
        ++now;
        return first;
    };
    while (next < kLiveIds)
        use();
    if (cache.size() != kLiveIds)
        die("replay cache", "expected " + std::to_string(kLiveIds) + " live ids, found " +
                                std::to_string(cache.size()));
    const double fresh = perSecond(
        [&] {
            if (!use())
                die("replay cache", "a new id was taken for a replay");
        },
        1.0);
    const std::size_t live = cache.size();
    std::size_t back = 0;
    const double replay = perSecond(
        [&] {
            // An id used less than half a lifetime ago: still alive, so refused.
            const std::size_t age = 1 + back++ % (kLiveIds / 2);
            const bool first = cache.firstUse(ids[(next - age) % ids.size()], now);
            if (first)
                die("replay cache", "a replay was taken for a first use");
        },
        1.0);
    std::printf("replay cache, %zu live ids: firstUse new id %s (%.2f us), replayed id %s "
                "(%.2f us)\n",
                live, rate(fresh).c_str(), 1e6 / fresh, rate(replay).c_str(), 1e6 / replay);
}

} // namespace

int main() {
    std::printf("bench_streamtokens (%s build), HS256, %s\n", SWITCHYARD_BUILD_TYPE,
                OPENSSL_VERSION_TEXT);
    benchTokens();
    benchReplayCache();
    return 0;
}
