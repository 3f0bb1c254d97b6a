#include "core/auth/loginratelimiter.h"

#include <algorithm>
#include <chrono>

namespace sy::auth {

LoginRateLimiter::LoginRateLimiter(RateLimitOptions options)
    : options_(std::move(options)) {
    options_.maxFailures = std::max(options_.maxFailures, 1);
    options_.maxAddressFailures = std::max(options_.maxAddressFailures, 1);
    options_.maxKeys = std::max<std::size_t>(options_.maxKeys, 1);
    if (!options_.clock)
        options_.clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
}

std::optional<std::int64_t> LoginRateLimiter::retryAfterMs(const std::string& key) const {
    const std::int64_t now = options_.clock();
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.lockedUntil <= now)
        return std::nullopt;
    return it->second.lockedUntil - now;
}

void LoginRateLimiter::recordFailure(const std::string& key) {
    recordFailure(key, options_.maxFailures);
}

// Keys cannot collide: the address comes last and holds no '\n', so the last one splits.
std::string LoginRateLimiter::addressKey(const std::string& address) {
    return "ip:" + address;
}

std::string LoginRateLimiter::userKey(const std::string& user, const std::string& address) {
    return "user:" + user + "\n" + address;
}

std::optional<std::int64_t> LoginRateLimiter::loginRetryAfterMs(const std::string& user,
                                                                const std::string& address) const {
    const auto byAddress = retryAfterMs(addressKey(address));
    const auto byUser = retryAfterMs(userKey(user, address));
    if (byAddress && byUser)
        return std::max(*byAddress, *byUser);
    return byAddress ? byAddress : byUser;
}

void LoginRateLimiter::recordLoginFailure(const std::string& user, const std::string& address) {
    recordFailure(addressKey(address), options_.maxAddressFailures);
    recordFailure(userKey(user, address), options_.maxFailures);
}

void LoginRateLimiter::recordLoginSuccess(const std::string& user, const std::string& address) {
    recordSuccess(userKey(user, address));
}

void LoginRateLimiter::recordFailure(const std::string& key, int maxFailures) {
    const std::int64_t now = options_.clock();
    const std::lock_guard lock(mutex_);
    auto [it, inserted] = entries_.try_emplace(key);
    Entry& e = it->second;
    if (inserted) {
        e.windowStart = now;
        e.order = order_.insert(order_.end(), key);
    } else {
        order_.splice(order_.end(), order_, e.order);
    }
    // Failures while locked are not counted: the caller refuses those attempts unchecked, and
    // counting them would let anyone extend a victim's lockout forever.
    if (e.lockedUntil > now)
        return;
    if (now - e.windowStart >= options_.windowMs) {
        e.failures = 0;
        e.windowStart = now;
    }
    if (++e.failures >= maxFailures) {
        e.lockedUntil = now + options_.lockoutMs;
        e.failures = 0;
        e.windowStart = e.lockedUntil; // a fresh window starts when the lockout ends
    }
    while (entries_.size() > options_.maxKeys) {
        entries_.erase(order_.front());
        order_.pop_front();
    }
}

void LoginRateLimiter::recordSuccess(const std::string& key) {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end())
        return;
    order_.erase(it->second.order);
    entries_.erase(it);
}

std::size_t LoginRateLimiter::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

} // namespace sy::auth
