#pragma once
// Loopback TCP ports for nodes. nginx-rtmp cannot listen on port 0, so the core picks each node's
// ports itself: from a range, skipping ports that something else has bound, and never handing out
// a port twice until its lease ends. Thread-safe.

#include "core/util/result.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace sy::nodes {

struct PortRange {
    int first = 19350;
    int last = 19999;
};

class PortAllocator;

// Ports reserved for one node; they return to the allocator when the lease is released or
// destroyed. A lease may outlive its allocator (then releasing does nothing).
class PortLease {
public:
    PortLease() = default;
    PortLease(PortLease&& other) noexcept;
    PortLease& operator=(PortLease&& other) noexcept;
    PortLease(const PortLease&) = delete;
    PortLease& operator=(const PortLease&) = delete;
    ~PortLease();

    const std::vector<int>& ports() const { return ports_; }
    int operator[](std::size_t i) const { return ports_.at(i); }
    bool empty() const { return ports_.empty(); }
    void release();

private:
    friend class PortAllocator;
    struct State;
    PortLease(std::weak_ptr<State> state, std::vector<int> ports);
    std::weak_ptr<State> state_;
    std::vector<int> ports_;
};

class PortAllocator {
public:
    explicit PortAllocator(PortRange range = {});

    // `count` distinct ports that are free now (checked by binding 127.0.0.1:port).
    Result<PortLease> lease(std::size_t count);
    // Marks ports of a re-adopted node as in use without probing them (its nginx holds them).
    // Fails, reserving nothing, when one of them is already leased.
    Result<PortLease> adopt(const std::vector<int>& ports);

    bool isReserved(int port) const;
    std::size_t reservedCount() const;
    PortRange range() const { return range_; }

    // True when 127.0.0.1:port can be bound right now (with SO_REUSEADDR, as nginx binds).
    static bool canBind(int port);

private:
    PortRange range_;
    std::shared_ptr<PortLease::State> state_;
};

} // namespace sy::nodes
