#pragma once
// Slows down password guessing: after a number of failed logins for one key within a window, the
// key is locked for a while. The caller keys both by client ("ip:<addr>") and by account
// ("user:<name>"), so neither many guesses from one place nor a spread attack on one account
// goes unchecked.

#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sy::auth {

struct RateLimitOptions {
    int maxFailures = 5;
    std::int64_t windowMs = 60000; // failures count within this long after the first one
    std::int64_t lockoutMs = 60000;
    std::size_t maxKeys = 10000;         // memory bound: the least recently failed keys go first
    std::function<std::int64_t()> clock; // epoch ms; empty means the system clock
};

// Thread-safe: the HTTP server calls it from several connections at once.
class LoginRateLimiter {
public:
    explicit LoginRateLimiter(RateLimitOptions options = {});

    // nullopt when an attempt is allowed now; otherwise how long until it is.
    std::optional<std::int64_t> retryAfterMs(const std::string& key) const;
    void recordFailure(const std::string& key);
    void recordSuccess(const std::string& key); // forgets the key's failures

    std::size_t size() const; // keys tracked, for tests and metrics

private:
    struct Entry {
        int failures = 0;
        std::int64_t windowStart = 0;
        std::int64_t lockedUntil = 0;
        std::list<std::string>::iterator order; // position in order_
    };

    RateLimitOptions options_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    // Keys by last failure, oldest first; since every entry expires a fixed time after its last
    // failure, the front is also the first to have nothing left worth remembering.
    std::list<std::string> order_;
};

} // namespace sy::auth
