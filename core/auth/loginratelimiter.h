#pragma once
// Slows down password guessing: after a number of failed logins for one key within a window, the
// key is locked for a while. Logins are keyed by (user, address) and by address, never by the
// user alone: a lock per user name would let anyone lock `admin` out for everyone with five
// wrong passwords. Many guesses from one place still lock that place; a guesser spread over many
// addresses is slowed by the password hash's cost instead.

#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sy::auth {

struct RateLimitOptions {
    int maxFailures = 5;           // per key; for logins: per (user, address)
    int maxAddressFailures = 20;   // logins: per address, whatever the user names
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

    // Logins: nullopt when `user` may try from `address` now; else how long until it may.
    std::optional<std::int64_t> loginRetryAfterMs(const std::string& user,
                                                  const std::string& address) const;
    void recordLoginFailure(const std::string& user, const std::string& address);
    // Forgets the (user, address) failures only: logging in to one's own account must not
    // clear the address's count of guesses at others.
    void recordLoginSuccess(const std::string& user, const std::string& address);

private:
    void recordFailure(const std::string& key, int maxFailures);
    static std::string addressKey(const std::string& address);
    static std::string userKey(const std::string& user, const std::string& address);

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
